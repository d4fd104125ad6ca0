package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/portal"
)

// "Mis sesiones" (helpdesk/account_sessions.go): each sign-in is listed
// with its device and address; the account page shows them and ends one.

// browserCookie names a browser for a year, so a sign-in from a browser
// the user never used can be told apart (the "new sign-in" notice). It
// proves nothing and grants nothing; the desk-scoped device cookie that
// relaxes sign-in limits is deviceCookie (auth_device.go).
const browserCookie = "atiende_browser"

func (s *Server) authSessionRoutes(r chi.Router) {
	r.With(s.requireUser).Post("/account/sessions/{id}/end", s.h(s.accountEndSession))
}

// storeKey is the session store's key of the current session: scs keeps
// the SHA-256 of the cookie's token (HashTokenInStore), base64url.
func (s *Server) storeKey(r *http.Request) string {
	tok := s.sessions.Token(r.Context())
	if tok == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// noteSignIn lists the session signIn just opened for u; a fresh sign-in
// (with credentials) from a new browser mails u a notice.
func (s *Server) noteSignIn(w http.ResponseWriter, r *http.Request, u helpdesk.User, fresh bool) error {
	device := ""
	if c, err := r.Cookie(browserCookie); err == nil && len(c.Value) == 22 {
		device = c.Value
	} else {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		device = base64.RawURLEncoding.EncodeToString(b)
		http.SetCookie(w, &http.Cookie{Name: browserCookie, Value: device, Path: "/", MaxAge: 365 * 24 * 3600,
			Expires: time.Now().Add(365 * 24 * time.Hour), HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
	}
	return s.svc.RecordSignIn(r.Context(), u, helpdesk.SignInFrom{Key: s.storeKey(r), DeviceID: device,
		Device: deviceLabel(r.UserAgent()), Address: s.clientIP(r), Fresh: fresh})
}

// sessionRows builds the account page's list of u's sessions.
func (s *Server) sessionRows(r *http.Request, u helpdesk.User) ([]portal.SessionRow, error) {
	list, err := s.svc.Sessions(r.Context(), u.Actor(), s.storeKey(r))
	if err != nil {
		return nil, err
	}
	loc := deskLocation(tenantFrom(r))
	out := make([]portal.SessionRow, 0, len(list))
	for _, ss := range list {
		if ss.Device == "" {
			ss.Device = s.lang(r).T("auth.sessions.unknown_device")
		}
		row := portal.SessionRow{Device: ss.Device, Address: ss.Address, LastSeen: ss.LastSeenAt.In(loc).Format("2006-01-02 15:04"), Current: ss.Current}
		if !ss.Current {
			row.EndURL = tenantPath(tenantFrom(r), "/account/sessions/"+strconv.FormatInt(ss.ID, 10)+"/end")
		}
		out = append(out, row)
	}
	return out, nil
}

// accountEndSession ends one of the user's other sessions.
func (s *Server) accountEndSession(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u := signedIn(r)
	if err := s.svc.EndSession(r.Context(), u.Actor(), id, s.storeKey(r)); err != nil {
		return err
	}
	s.flash(r.Context(), "success", s.lang(r).T("auth.sessions.ended"))
	http.Redirect(w, r, tenantPath(tenantFrom(r), "/account"), http.StatusSeeOther)
	return nil
}

// deviceLabel names a browser and system from a User-Agent, roughly: it
// is only for the user to recognise their own devices.
func deviceLabel(ua string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"},
		{"Chrome/", "Chrome"}, {"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	if browser != "" && system != "" {
		return browser + " · " + system
	}
	return browser + system
}
