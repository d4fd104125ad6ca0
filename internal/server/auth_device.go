package server

import (
	"net/http"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// deviceCookie names a browser that signed in to this desk before (OWASP's
// device cookie, see helpdesk.KnownDevice). Its path is the desk's, so each
// desk has its own.
const deviceCookie = "atiende_device"

// loginCounter is one failure allowance a sign-in attempt is held to.
type loginCounter struct {
	scope, subject string
	limit          limit
}

// loginCounters are the failure allowances of a sign-in to the account
// email: from a device that signed in to it before, that device's own
// (loginFailClient); from anywhere else, the client's and the account's
// for unknown devices. So strangers who fail on purpose from many
// addresses lock out unknown devices only, never the owner's browser.
func (s *Server) loginCounters(r *http.Request, t helpdesk.Tenant, email, ip string) ([]loginCounter, error) {
	account := t.Slug + "\x00" + email
	if c, err := r.Cookie(deviceCookie); err == nil {
		known, err := s.svc.DeviceKnows(r.Context(), t.ID, c.Value, email)
		if err != nil {
			return nil, err
		}
		if known {
			return []loginCounter{{"login-fail-device", account + "\x00" + c.Value, s.limits.loginFailClient}}, nil
		}
	}
	return []loginCounter{
		{"login-fail-client", account + "\x00" + ip, s.limits.loginFailClient},
		{"login-fail-account", account, s.limits.loginFailAccount},
	}, nil
}

// rememberDevice gives the browser that just signed in as u a fresh
// device cookie.
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, t helpdesk.Tenant, u helpdesk.User) error {
	token, err := s.svc.RememberDevice(r.Context(), t.ID, u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: deviceCookie, Value: token, Path: tenantPath(t, "/"),
		MaxAge: int(helpdesk.DeviceTTL / time.Second), Expires: s.now().Add(helpdesk.DeviceTTL),
		HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode,
	})
	return nil
}
