package server

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/portal"
)

// Single sign-on through the desk's OpenID Connect provider
// (helpdesk/sso_*.go). The state, nonce and PKCE verifier of a sign-in
// live in the browser's session, next to the desk they belong to, so the
// provider's answer is accepted only by the browser that asked, on the
// desk that asked, once, within ssoTTL.

// Session keys of a sign-in waiting for the provider's answer.
const (
	sessSSOTenant   = "sso_tenant_id"
	sessSSOState    = "sso_state"
	sessSSONonce    = "sso_nonce"
	sessSSOVerifier = "sso_verifier"
	sessSSOAt       = "sso_at"
	sessSSONext     = "sso_next"
)

// ssoTTL bounds the trip to the provider and back.
const ssoTTL = 10 * time.Minute

func (s *Server) authSSORoutes(r chi.Router) {
	r.Post("/sso/start", s.h(s.ssoStart))
	r.Get("/sso/callback", s.h(s.ssoCallback))
}

// ssoRedirectURL is the address the provider sends the browser back to;
// admins register it at their provider.
func (s *Server) ssoRedirectURL(t helpdesk.Tenant) string {
	return s.cfg.BaseURL + tenantPath(t, "/sso/callback")
}

// ssoButton is the login page's single sign-on block, or nil when the desk
// has none.
func (s *Server) ssoButton(r *http.Request, next string) *portal.SSOButton {
	t, l := tenantFrom(r), s.lang(r)
	label, on, err := s.svc.SSOButton(r.Context(), t.ID)
	if err != nil {
		s.log.ErrorContext(r.Context(), "sso: login button", "err", err)
		return nil
	}
	if !on {
		return nil
	}
	text := l.T("auth.sso.button_default")
	if label != "" {
		text = l.T("auth.sso.button", label)
	}
	return &portal.SSOButton{Label: text, StartURL: tenantPath(t, "/sso/start"), Next: next}
}

// ssoStart sends the browser to the provider.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t := tenantFrom(r)
	if err := s.allow(ctx, "login-ip", s.clientIP(r), s.limits.loginIP); err != nil {
		return s.ssoRefused(w, r, http.StatusTooManyRequests, "login.rate_limited")
	}
	start, err := s.svc.StartSSO(ctx, t.ID, s.ssoRedirectURL(t))
	if errors.Is(err, helpdesk.ErrSSOOff) {
		return errNotFound
	}
	if errors.Is(err, helpdesk.ErrSSOProvider) {
		s.log.WarnContext(ctx, "sso: start", "tenant", t.Slug, "err", err)
		return s.ssoRefused(w, r, http.StatusBadGateway, "auth.sso.refused.provider")
	}
	if err != nil {
		return err
	}
	next, _ := localNext(t, r.PostForm.Get("next"))
	s.sessions.Put(ctx, sessSSOTenant, int64(t.ID))
	s.sessions.Put(ctx, sessSSOState, start.State)
	s.sessions.Put(ctx, sessSSONonce, start.Nonce)
	s.sessions.Put(ctx, sessSSOVerifier, start.Verifier)
	s.sessions.Put(ctx, sessSSOAt, s.now().Unix())
	s.sessions.Put(ctx, sessSSONext, next)
	http.Redirect(w, r, start.URL, http.StatusSeeOther)
	return nil
}

// ssoPending is the sign-in this session started on this desk: its
// nonce, verifier and destination, when state is its state and it is
// recent. It is taken out of the session either way: an answer works
// once.
func (s *Server) ssoPending(r *http.Request, state string) (nonce, verifier, next string, ok bool) {
	ctx := r.Context()
	tenant, at := s.sessions.GetInt64(ctx, sessSSOTenant), s.sessions.GetInt64(ctx, sessSSOAt)
	s.sessions.Remove(ctx, sessSSOTenant)
	s.sessions.Remove(ctx, sessSSOAt)
	want := s.sessions.PopString(ctx, sessSSOState)
	nonce = s.sessions.PopString(ctx, sessSSONonce)
	verifier = s.sessions.PopString(ctx, sessSSOVerifier)
	next = s.sessions.PopString(ctx, sessSSONext)
	ok = tenant == int64(tenantFrom(r).ID) && want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(state)) == 1 &&
		s.now().Sub(time.Unix(at, 0)) <= ssoTTL
	return nonce, verifier, next, ok
}

// ssoCallback finishes the sign-in when the provider sends the browser
// back. The provider is the second factor: no local code is asked.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t := tenantFrom(r)
	q := r.URL.Query()
	nonce, verifier, next, ok := s.ssoPending(r, q.Get("state"))
	if !ok {
		return s.ssoRefused(w, r, http.StatusBadRequest, "auth.sso.refused.state")
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		return s.ssoRefused(w, r, http.StatusBadRequest, "auth.sso.refused.cancelled")
	}
	u, err := s.svc.CompleteSSO(ctx, t.ID, s.ssoRedirectURL(t), q.Get("code"), verifier, nonce)
	if key, status := ssoRefusal(err); key != "" {
		if errors.Is(err, helpdesk.ErrSSOProvider) {
			s.log.WarnContext(ctx, "sso: sign-in refused", "tenant", t.Slug, "err", err)
		}
		return s.ssoRefused(w, r, status, key)
	}
	if err != nil {
		return err
	}
	for _, k := range []string{sessPendingUser, sessPendingTenant, sessPendingAt, sessPendingNext, sessMustEnrol} {
		s.sessions.Remove(ctx, k)
	}
	if err := s.signIn(ctx, u); err != nil {
		return err
	}
	if err := s.rememberDevice(w, r, t, u); err != nil {
		return err
	}
	if err := s.noteSignIn(w, r, u, true); err != nil {
		return err
	}
	if next == "" || (!u.Role.IsStaff() && isConsolePath(t, next)) {
		next = homeOf(t, u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// ssoRefusal is the message and status of a refused sign-in, or "" for
// errors that are not a refusal.
func ssoRefusal(err error) (string, int) {
	switch {
	case errors.Is(err, helpdesk.ErrSSOOff):
		return "auth.sso.refused.off", http.StatusNotFound
	case errors.Is(err, helpdesk.ErrSSOProvider):
		return "auth.sso.refused.provider", http.StatusBadRequest
	case errors.Is(err, helpdesk.ErrSSOEmailUnverified):
		return "auth.sso.refused.unverified", http.StatusForbidden
	case errors.Is(err, helpdesk.ErrSSODomain):
		return "auth.sso.refused.domain", http.StatusForbidden
	case errors.Is(err, helpdesk.ErrSSOAccount):
		return "auth.sso.refused.account", http.StatusForbidden
	}
	return "", 0
}

// ssoRefused shows the login page with why the sign-in did not happen.
func (s *Server) ssoRefused(w http.ResponseWriter, r *http.Request, status int, key string) error {
	l := s.lang(r)
	c := s.chrome(r, l.T("login.title"))
	return s.render(w, r, status, portal.LoginPage(portal.Login{Chrome: c, Error: l.T(key), SSO: s.ssoButton(r, "")}))
}
