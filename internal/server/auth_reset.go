package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/portal"
)

// Password reset and account claiming (helpdesk/account_reset.go): the
// "forgot" form asks for a link by mail; the link's page sets a password.

// Allowances of the reset forms. Per client: a browser or script asking
// for links for many addresses. Per address: one inbox flooded with links
// (past it the form still answers the same, and sends nothing more).
var (
	forgotClientLimit  = limit{10, 15 * time.Minute}
	forgotAddressLimit = limit{3, 15 * time.Minute}
	resetClientLimit   = limit{20, 15 * time.Minute}
)

// authResetRoutes are public: the link's token is the key.
func (s *Server) authResetRoutes(r chi.Router) {
	r.Get("/forgot", s.h(s.forgotForm))
	r.Post("/forgot", s.h(s.forgot))
	r.Get("/reset/{token}", s.h(s.resetForm))
	r.Post("/reset/{token}", s.h(s.reset))
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	c := s.chrome(r, s.lang(r).T("auth.forgot.title"))
	return s.render(w, r, http.StatusOK, portal.ForgotPage(portal.Forgot{Chrome: c}))
}

// forgot records a request for a link and answers the same for every
// well-formed address, known or not, past the per-address limit or not:
// the request's job decides what, if anything, is mailed.
func (s *Server) forgot(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	email := r.PostForm.Get("email")
	vm := portal.Forgot{Chrome: s.chrome(r, l.T("auth.forgot.title")), Email: email}
	if err := s.allow(ctx, "forgot-client", s.clientIP(r), forgotClientLimit); err != nil {
		if !errors.Is(err, helpdesk.ErrRateLimited) {
			return err
		}
		vm.Error = l.T("auth.rate_limited")
		return s.render(w, r, http.StatusTooManyRequests, portal.ForgotPage(vm))
	}
	addr := t.Slug + "\x00" + helpdesk.NormaliseEmail(email)
	err := s.allow(ctx, "forgot-address", addr, forgotAddressLimit)
	switch {
	case err == nil:
		err = s.svc.RequestPasswordLink(ctx, t.ID, email, l.String())
	case errors.Is(err, helpdesk.ErrRateLimited):
		err = nil // answered as usual; nothing more is sent to that inbox for now
	}
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		vm.Errors = errs
		return s.render(w, r, http.StatusUnprocessableEntity, portal.ForgotPage(vm))
	}
	vm.Sent, vm.Email = true, ""
	return s.render(w, r, http.StatusOK, portal.ForgotPage(vm))
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderReset(w, r, http.StatusOK, nil)
}

// reset sets the password through the link, then sends the visitor to
// sign in with it: every session of the account has ended, this one
// included, and signing in goes through every check of a sign-in.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	if err := s.allow(ctx, "reset-client", s.clientIP(r), resetClientLimit); err != nil {
		return err
	}
	u, err := s.svc.SetPasswordByLink(ctx, t.ID, chi.URLParam(r, "token"), r.PostForm.Get("password"))
	if err != nil {
		if errors.Is(err, helpdesk.ErrNotFound) {
			return s.renderReset(w, r, http.StatusNotFound, nil)
		}
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderReset(w, r, http.StatusUnprocessableEntity, errs)
	}
	if cur, ok := userFrom(r); ok && cur.ID != u.ID {
		// Signed in as someone else in this browser: that session is not
		// the link's to keep.
		if err := s.sessions.Destroy(ctx); err != nil {
			return err
		}
	}
	s.flash(ctx, "success", l.T("auth.reset.done"))
	http.Redirect(w, r, tenantPath(t, "/login"), http.StatusSeeOther)
	return nil
}

// renderReset shows the form of a working link, or, with a 404, that the
// link does not work (unknown, expired, used, voided, another desk's).
func (s *Server) renderReset(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	t, l := tenantFrom(r), s.lang(r)
	token := chi.URLParam(r, "token")
	// The token is a bearer credential in the path: never send it on.
	w.Header().Set("Referrer-Policy", "no-referrer")
	vm := portal.Reset{Chrome: s.chrome(r, l.T("auth.reset.title")), ActionURL: tenantPath(t, "/reset/"+token), Errors: errs}
	u, err := s.svc.PasswordLinkUser(r.Context(), t.ID, token)
	switch {
	case errors.Is(err, helpdesk.ErrNotFound) || status == http.StatusNotFound:
		vm.Invalid, status = true, http.StatusNotFound
	case err != nil:
		return err
	default:
		vm.Email, vm.First = u.Email, u.PasswordHash == ""
	}
	return s.render(w, r, status, portal.ResetPage(vm))
}
