package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/totp"
	"github.com/atiende/atiende/web/portal"
)

// Two-step verification (helpdesk/account_totp.go): the account's page to
// turn it on and off, and the sign-in's second step.

// Session keys of a sign-in waiting for its second step. The session is
// not signed in (no sessUser) until the code is given.
const (
	sessPendingUser = "pending_user_id"
	// sessPendingTenant, not sessTenant: loadUser would take a session
	// with sessTenant for a signed-in one.
	sessPendingTenant = "pending_tenant_id"
	sessPendingAt     = "pending_at"
	sessPendingNext   = "pending_next"
	// sessMustEnrol marks a staff session that may only enrol a second
	// factor: the desk requires one and the user has none.
	sessMustEnrol = "must_enrol"
)

// pendingTTL bounds the second step: after it, start again.
const pendingTTL = 5 * time.Minute

// secondStepLimit bounds codes tried per account: a six-digit code is
// guessable otherwise.
var secondStepLimit = limit{10, 15 * time.Minute}

func (s *Server) authTwoFactorRoutes(r chi.Router) {
	r.Get("/login/2fa", s.h(s.loginCodeForm))
	r.Post("/login/2fa", s.h(s.loginCode))
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get("/account/2fa", s.h(s.twoFactorPage))
		r.Post("/account/2fa/start", s.h(s.twoFactorStart))
		r.Post("/account/2fa/confirm", s.h(s.twoFactorConfirm))
		r.Post("/account/2fa/disable", s.h(s.twoFactorDisable))
	})
}

// secondStep holds a sign-in whose password was right until its code is
// given, when u has a second factor; it reports whether it did.
func (s *Server) secondStep(w http.ResponseWriter, r *http.Request, u helpdesk.User, next string) (bool, error) {
	on, err := s.svc.HasTwoFactor(r.Context(), u)
	if err != nil || !on {
		return false, err
	}
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return true, err
	}
	s.sessions.Put(ctx, sessPendingTenant, int64(u.Tenant))
	s.sessions.Put(ctx, sessPendingUser, int64(u.ID))
	s.sessions.Put(ctx, sessPendingAt, s.now().Unix())
	s.sessions.Put(ctx, sessPendingNext, next)
	http.Redirect(w, r, tenantPath(tenantFrom(r), "/login/2fa"), http.StatusSeeOther)
	return true, nil
}

// pendingUser is the user whose sign-in waits for a code in this session.
func (s *Server) pendingUser(r *http.Request) (helpdesk.User, bool) {
	ctx := r.Context()
	t := tenantFrom(r)
	id := s.sessions.GetInt64(ctx, sessPendingUser)
	if id == 0 || s.sessions.GetInt64(ctx, sessPendingTenant) != int64(t.ID) ||
		s.now().Sub(time.Unix(s.sessions.GetInt64(ctx, sessPendingAt), 0)) > pendingTTL {
		return helpdesk.User{}, false
	}
	u, err := s.svc.User(ctx, t.ID, helpdesk.UserID(id))
	if err != nil || !u.Active {
		return helpdesk.User{}, false
	}
	return u, true
}

func (s *Server) loginCodeForm(w http.ResponseWriter, r *http.Request) error {
	u, ok := s.pendingUser(r)
	if !ok {
		http.Redirect(w, r, tenantPath(tenantFrom(r), "/login"), http.StatusSeeOther)
		return nil
	}
	c := s.chrome(r, s.lang(r).T("auth.2fa.login_title"))
	return s.render(w, r, http.StatusOK, portal.LoginCodePage(portal.LoginCode{Chrome: c, Passkey: s.hasPasskeys(r, u)}))
}

// hasPasskeys says whether u has passkeys, for the second step's page.
func (s *Server) hasPasskeys(r *http.Request, u helpdesk.User) bool {
	on, err := s.svc.HasPasskeys(r.Context(), u)
	if err != nil {
		s.log.ErrorContext(r.Context(), "login: passkey status", "err", err)
	}
	return on
}

// loginCode finishes a sign-in with a code from the app or a recovery
// code.
func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	u, ok := s.pendingUser(r)
	if !ok {
		http.Redirect(w, r, tenantPath(t, "/login"), http.StatusSeeOther)
		return nil
	}
	fail := func(status int, msg string) error {
		c := s.chrome(r, l.T("auth.2fa.login_title"))
		return s.render(w, r, status, portal.LoginCodePage(portal.LoginCode{Chrome: c, Error: msg, Passkey: s.hasPasskeys(r, u)}))
	}
	subject := strconv.FormatInt(int64(t.ID), 10) + ":" + strconv.FormatInt(int64(u.ID), 10)
	if err := s.allow(ctx, "second-step", subject, secondStepLimit); errors.Is(err, helpdesk.ErrRateLimited) {
		return fail(http.StatusTooManyRequests, l.T("login.rate_limited"))
	} else if err != nil {
		return err
	}
	err := s.svc.VerifySecondFactor(ctx, u, r.PostForm.Get("code"))
	if errors.Is(err, helpdesk.ErrUnauthenticated) {
		return fail(http.StatusUnprocessableEntity, l.T("auth.2fa.wrong_code"))
	}
	if err != nil {
		return err
	}
	next, err := s.completeSecondStep(w, r, u)
	if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// completeSecondStep signs in u, whose second step was given, and
// returns where to go.
func (s *Server) completeSecondStep(w http.ResponseWriter, r *http.Request, u helpdesk.User) (string, error) {
	ctx, t := r.Context(), tenantFrom(r)
	next := s.sessions.PopString(ctx, sessPendingNext)
	s.sessions.Remove(ctx, sessPendingUser)
	s.sessions.Remove(ctx, sessPendingTenant)
	s.sessions.Remove(ctx, sessPendingAt)
	if err := s.signIn(ctx, u); err != nil {
		return "", err
	}
	if err := s.rememberDevice(w, r, t, u); err != nil {
		return "", err
	}
	if err := s.noteSignIn(w, r, u, true); err != nil {
		return "", err
	}
	if next == "" || (!u.Role.IsStaff() && isConsolePath(t, next)) {
		next = homeOf(t, u)
	}
	return next, nil
}

// twoFactorView builds the page for the signed-in user as stored.
func (s *Server) twoFactorView(r *http.Request) (portal.TwoFactor, error) {
	u, l, t := signedIn(r), s.lang(r), tenantFrom(r)
	st, err := s.svc.TwoFactor(r.Context(), u.Actor())
	if err != nil {
		return portal.TwoFactor{}, err
	}
	vm := portal.TwoFactor{Chrome: s.chrome(r, l.T("auth.2fa.title")), Available: st.Available, Enabled: st.Enabled,
		RecoveryLeft: st.Recovery, StartURL: tenantPath(t, "/account/2fa/start"), ConfirmURL: tenantPath(t, "/account/2fa/confirm"),
		DisableURL: tenantPath(t, "/account/2fa/disable"), AccountURL: tenantPath(t, "/account")}
	if st.Pending != nil {
		qr, err := totp.QRCode(st.Pending.URI)
		if err != nil {
			return vm, err
		}
		vm.Secret, vm.QR = st.Pending.Secret, portal.QRView{Size: qr.Size, Path: qr.Path}
	}
	return vm, nil
}

func (s *Server) twoFactorPage(w http.ResponseWriter, r *http.Request) error {
	vm, err := s.twoFactorView(r)
	if err != nil {
		return err
	}
	// The pending secret is on this page: keep it out of caches.
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, portal.TwoFactorPage(vm))
}

func (s *Server) twoFactorStart(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.StartTOTP(r.Context(), signedIn(r).Actor()); err != nil && !errors.Is(err, helpdesk.ErrConflict) {
		return err
	}
	http.Redirect(w, r, tenantPath(tenantFrom(r), "/account/2fa"), http.StatusSeeOther)
	return nil
}

// twoFactorConfirm turns the factor on and shows the recovery codes once,
// in the answer itself (never stored in the session); every other session
// ends and this one is signed in again.
func (s *Server) twoFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u, l := signedIn(r), s.lang(r)
	codes, epoch, err := s.svc.ConfirmTOTP(r.Context(), u.Actor(), r.PostForm.Get("code"))
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			if errors.Is(err, helpdesk.ErrConflict) {
				http.Redirect(w, r, tenantPath(tenantFrom(r), "/account/2fa"), http.StatusSeeOther)
				return nil
			}
			return err
		}
		vm, verr := s.twoFactorView(r)
		if verr != nil {
			return verr
		}
		vm.Errors = errs
		return s.render(w, r, http.StatusUnprocessableEntity, portal.TwoFactorPage(vm))
	}
	u.SessionEpoch = epoch
	if err := s.signIn(r.Context(), u); err != nil {
		return err
	}
	s.sessions.Remove(r.Context(), sessMustEnrol)
	if err := s.noteSignIn(w, r, u, false); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	vm := portal.TwoFactor{Chrome: s.chrome(r, l.T("auth.2fa.title")), Available: true, Enabled: true, Codes: codes,
		AccountURL: tenantPath(tenantFrom(r), "/account")}
	return s.render(w, r, http.StatusOK, portal.TwoFactorPage(vm))
}

func (s *Server) twoFactorDisable(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u, l := signedIn(r), s.lang(r)
	subject := strconv.FormatInt(int64(u.Tenant), 10) + ":" + strconv.FormatInt(int64(u.ID), 10)
	if err := s.allow(r.Context(), "password-change", subject, passwordChangeLimit); err != nil {
		return err
	}
	epoch, err := s.svc.DisableTOTP(r.Context(), u.Actor(), r.PostForm.Get("password"))
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		vm, verr := s.twoFactorView(r)
		if verr != nil {
			return verr
		}
		vm.Errors = errs
		return s.render(w, r, http.StatusUnprocessableEntity, portal.TwoFactorPage(vm))
	}
	return s.resignIn(w, r, u, epoch, "auth.2fa.disabled")
}

// adminResetFactors removes a person's second factor (audited), for
// someone who lost both their phone and their recovery codes.
func (s *Server) adminResetFactors(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.ResetFactors(r.Context(), adminActor(r), helpdesk.UserID(id)); err != nil {
		return err
	}
	s.flash(r.Context(), "success", s.lang(r).T("auth.2fa.reset_done"))
	http.Redirect(w, r, adminPath(tenantFrom(r), "/people/"+strconv.FormatInt(id, 10)), http.StatusSeeOther)
	return nil
}

// twoFactorOn says whether u has turned two-step verification on, for the
// account page's summary.
func (s *Server) twoFactorOn(r *http.Request, u helpdesk.User) bool {
	on, err := s.svc.HasTwoFactor(r.Context(), u)
	if err != nil {
		s.log.ErrorContext(r.Context(), "account: two-factor status", "err", err)
	}
	return on
}

// enrolIfRequired marks a new session of u as held until u turns
// two-step verification on, when the desk requires it of u; it returns
// where to go then.
func (s *Server) enrolIfRequired(r *http.Request, u helpdesk.User) (string, error) {
	must, err := s.svc.MustEnrol(r.Context(), u)
	if err != nil || !must {
		return "", err
	}
	s.sessions.Put(r.Context(), sessMustEnrol, true)
	s.flash(r.Context(), "info", s.lang(r).T("auth.require.enrol_now"))
	return tenantPath(tenantFrom(r), "/account/2fa"), nil
}

// heldForEnrolment reports whether this request must go to the
// enrolment page instead: a held session may reach only that page, its
// forms and sign-out.
func (s *Server) heldForEnrolment(r *http.Request) bool {
	if !s.sessions.GetBool(r.Context(), sessMustEnrol) {
		return false
	}
	p := strings.TrimPrefix(r.URL.Path, tenantPath(tenantFrom(r), ""))
	return !strings.HasPrefix(p, "/account/2fa") && !strings.HasPrefix(p, "/account/passkeys") && p != "/logout"
}

func (s *Server) adminRequireTwoFactor(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.svc.RequireStaffTwoFactor(r.Context(), adminActor(r), r.PostForm.Get("require") == "on"); err != nil {
		return err
	}
	s.flash(r.Context(), "success", s.lang(r).T("auth.require.saved"))
	http.Redirect(w, r, adminPath(tenantFrom(r), "/people"), http.StatusSeeOther)
	return nil
}
