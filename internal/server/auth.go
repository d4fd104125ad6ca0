package server

import (
	"errors"
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/portal"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	t := tenantFrom(r)
	if u, ok := userFrom(r); ok {
		http.Redirect(w, r, homeOf(t, u), http.StatusSeeOther)
		return nil
	}
	c := s.chrome(r, s.lang(r).T("login.title"))
	next, _ := localNext(t, r.URL.Query().Get("next"))
	return s.render(w, r, http.StatusOK, portal.LoginPage(portal.Login{Chrome: c, Next: next, SSO: s.ssoButton(r, next)}))
}

// homeOf is where a user lands after signing in.
func homeOf(t helpdesk.Tenant, u helpdesk.User) string {
	if u.Role.IsStaff() {
		return tenantPath(t, "/agent/")
	}
	return tenantPath(t, "/")
}

// login checks the credentials. Every failure, whatever its cause, shows the
// same message, so the form never tells whether an email has an account.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t := tenantFrom(r)
	l := s.lang(r)
	email := helpdesk.NormaliseEmail(r.PostForm.Get("email"))
	next, _ := localNext(t, r.PostForm.Get("next"))
	fail := func(status int, msg string) error {
		c := s.chrome(r, l.T("login.title"))
		return s.render(w, r, status, portal.LoginPage(portal.Login{Chrome: c, Email: email, Error: msg, Next: next, SSO: s.ssoButton(r, next)}))
	}
	ip := s.clientIP(r)
	if err := s.allow(r.Context(), "login-ip", ip, s.limits.loginIP); err != nil {
		return fail(http.StatusTooManyRequests, l.T("login.rate_limited"))
	}
	counters, err := s.loginCounters(r, t, email, ip)
	if err != nil {
		return err
	}
	for _, c := range counters {
		if out, err := s.exhausted(r.Context(), c.scope, c.subject, c.limit); err != nil {
			return err
		} else if out {
			return fail(http.StatusTooManyRequests, l.T("login.rate_limited"))
		}
	}
	u, err := s.svc.Authenticate(r.Context(), t.ID, email, r.PostForm.Get("password"))
	if errors.Is(err, helpdesk.ErrUnauthenticated) {
		// Only failures count against the account (or the known device).
		for _, c := range counters {
			if err := s.allow(r.Context(), c.scope, c.subject, c.limit); err != nil && !errors.Is(err, helpdesk.ErrRateLimited) {
				return err
			}
		}
		return fail(http.StatusUnprocessableEntity, l.T("login.failed"))
	}
	if errors.Is(err, helpdesk.ErrSSORequired) {
		// Only after the right password: the refusal tells nothing to
		// someone who does not know it.
		return fail(http.StatusForbidden, l.T("auth.sso.staff_only"))
	}
	if err != nil {
		return err
	}
	if held, err := s.secondStep(w, r, u, next); held || err != nil {
		return err
	}
	if err := s.signIn(r.Context(), u); err != nil {
		return err
	}
	if err := s.rememberDevice(w, r, t, u); err != nil {
		return err
	}
	if err := s.noteSignIn(w, r, u, true); err != nil {
		return err
	}
	if enrol, err := s.enrolIfRequired(r, u); err != nil {
		return err
	} else if enrol != "" {
		next = enrol
	}
	if next == "" || (!u.Role.IsStaff() && isConsolePath(t, next)) {
		next = homeOf(t, u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func isConsolePath(t helpdesk.Tenant, p string) bool {
	prefix := tenantPath(t, "/agent")
	return len(p) >= len(prefix) && p[:len(prefix)] == prefix
}

// logout ends the session only when it belongs to this tenant: a session of
// another tenant is not this tenant's to end.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if _, ok := userFrom(r); ok {
		if err := s.sessions.Destroy(r.Context()); err != nil {
			return err
		}
		s.flash(r.Context(), "info", s.lang(r).T("logout.done"))
	}
	http.Redirect(w, r, tenantPath(tenantFrom(r), "/login"), http.StatusSeeOther)
	return nil
}

func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	c := s.chrome(r, s.lang(r).T("signup.title"))
	return s.render(w, r, http.StatusOK, portal.SignupPage(portal.Signup{Chrome: c}))
}

// signup registers a customer of this tenant and signs them in.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t := tenantFrom(r)
	l := s.lang(r)
	in := helpdesk.NewCustomer{Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password"), Language: l.String()}
	form := portal.SignupForm{Name: in.Name, Email: in.Email}
	if err := s.allow(r.Context(), "signup-ip", s.clientIP(r), s.limits.signupIP); err != nil {
		return err
	}
	u, err := s.svc.RegisterCustomer(r.Context(), t.ID, in)
	if errors.Is(err, helpdesk.ErrLinkMailed) {
		c := s.chrome(r, l.T("auth.signup.mailed_title"))
		return s.render(w, r, http.StatusOK, portal.ForgotPage(portal.Forgot{Chrome: c, Sent: true, FromSignup: true}))
	}
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		form.Errors = errs
		c := s.chrome(r, l.T("signup.title"))
		return s.render(w, r, http.StatusUnprocessableEntity, portal.SignupPage(portal.Signup{Chrome: c, Form: form}))
	}
	if err := s.signIn(r.Context(), u); err != nil {
		return err
	}
	if err := s.noteSignIn(w, r, u, true); err != nil {
		return err
	}
	s.flash(r.Context(), "success", l.T("signup.done", u.Name))
	http.Redirect(w, r, tenantPath(t, "/"), http.StatusSeeOther)
	return nil
}
