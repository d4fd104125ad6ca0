package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/layout"
)

// render writes c with status, rendering into a buffer first so that a
// template error still produces a clean error page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry per-user data: never let a shared cache keep them.
	w.Header().Set("Cache-Control", "no-store")
	// The length is known: the page goes out whole, without chunked
	// framing, in one write fewer (a queue page is about 70 kB).
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

const langCookie = "atiende_lang"

// lang picks the UI language: the visitor's explicit choice (cookie), then
// the signed-in user's preference, then the desk's default, then Spanish.
func (s *Server) lang(r *http.Request) i18n.Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	if u, ok := userFrom(r); ok {
		if l, ok := i18n.Parse(u.Language); ok {
			return l
		}
	}
	if hasTenant(r) {
		if l, ok := i18n.Parse(tenantFrom(r).Language); ok {
			return l
		}
	}
	return i18n.Default
}

// chrome builds the shell data of the current request, and consumes the
// flash message.
func (s *Server) chrome(r *http.Request, title string) layout.Chrome {
	c := layout.Chrome{L: s.lang(r), Title: title, Area: layout.AreaLanding, Path: r.URL.RequestURI()}
	if hasTenant(r) {
		t := tenantFrom(r)
		c.Tenant = &layout.Tenant{Slug: t.Slug, Name: t.Name, Theme: deskThemeURL(t), Logo: deskLogoURL(t)}
		c.Area = layout.AreaPortal
	}
	if u, ok := userFrom(r); ok {
		c.User = &layout.User{Name: u.Name, Email: u.Email, Staff: u.Role.IsStaff(), Admin: u.Role == helpdesk.RoleAdmin}
	}
	if s.sessionLoaded(r) {
		if msg := s.sessions.PopString(r.Context(), sessFlash); msg != "" {
			kind := layout.FlashKind(s.sessions.PopString(r.Context(), sessFlashErr))
			c.Flash = &layout.Flash{Kind: kind, Message: msg}
		}
	}
	return c
}

// sessionLoaded reports whether the session middleware ran for r (it does
// not for /healthz, static files and unknown top-level paths).
func (s *Server) sessionLoaded(r *http.Request) bool {
	ok, _ := r.Context().Value(keySession).(bool)
	return ok
}

// switchLanguage remembers the chosen language in a cookie for a year and
// returns to the page the visitor was on.
func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) error {
	l, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		l = i18n.Default
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: l.String(), Path: "/", MaxAge: 365 * 24 * 3600,
		Expires: time.Now().Add(365 * 24 * time.Hour), HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode,
	})
	next := r.PostFormValue("next")
	if u, err := url.Parse(next); err != nil || next == "" || next[0] != '/' || u.Host != "" || len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
