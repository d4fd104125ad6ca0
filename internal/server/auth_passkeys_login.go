package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Signing in with a passkey: the second step after a password, and the
// staff's passwordless sign-in from the login page.

// passkeyStepBegin starts the second step with the pending user's
// passkeys.
func (s *Server) passkeyStepBegin(w http.ResponseWriter, r *http.Request) error {
	ctx, t, l := r.Context(), tenantFrom(r), s.lang(r)
	u, ok := s.pendingUser(r)
	if !ok {
		return jsonError(w, http.StatusUnauthorized, l.T("passkey.start_again"))
	}
	if limited, err := s.stepLimited(r, u); err != nil {
		return err
	} else if limited {
		return jsonError(w, http.StatusTooManyRequests, l.T("login.rate_limited"))
	}
	options, token, err := s.svc.BeginPasskeySignIn(ctx, t.ID, &u)
	if errors.Is(err, helpdesk.ErrUnauthenticated) || errors.Is(err, helpdesk.ErrPasskeysOff) {
		return jsonError(w, http.StatusUnprocessableEntity, l.T("passkey.none_for_step"))
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, sessPasskeyStep, token)
	return writeOptions(w, options)
}

// stepLimited counts a second-step attempt against the account, like a
// code; past the limit it answers for the page and reports true.
func (s *Server) stepLimited(r *http.Request, u helpdesk.User) (bool, error) {
	subject := strconv.FormatInt(int64(u.Tenant), 10) + ":" + strconv.FormatInt(int64(u.ID), 10)
	err := s.allow(r.Context(), "second-step", subject, secondStepLimit)
	if errors.Is(err, helpdesk.ErrRateLimited) {
		return true, nil
	}
	return false, err
}

// passkeyStepFinish completes a sign-in held at the second step.
func (s *Server) passkeyStepFinish(w http.ResponseWriter, r *http.Request) error {
	body, err := readResponse(w, r)
	if err != nil {
		return err
	}
	ctx, t, l := r.Context(), tenantFrom(r), s.lang(r)
	token := s.sessions.PopString(ctx, sessPasskeyStep)
	u, ok := s.pendingUser(r)
	if !ok {
		return jsonError(w, http.StatusUnauthorized, l.T("passkey.start_again"))
	}
	if _, err := s.svc.FinishPasskeySignIn(ctx, t.ID, &u, token, body); errors.Is(err, helpdesk.ErrUnauthenticated) {
		s.log.InfoContext(ctx, "passkey second step refused", "err", err)
		return jsonError(w, http.StatusUnprocessableEntity, l.T("passkey.signin_failed"))
	} else if err != nil {
		return err
	}
	next, err := s.completeSecondStep(w, r, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"redirect": next})
	return nil
}

// passkeySignInBegin starts a passwordless sign-in: any passkey of the
// desk may answer, so there is no account to name and none to guess.
func (s *Server) passkeySignInBegin(w http.ResponseWriter, r *http.Request) error {
	ctx, t, l := r.Context(), tenantFrom(r), s.lang(r)
	if err := s.allow(ctx, "login-ip", s.clientIP(r), s.limits.loginIP); err != nil {
		return jsonError(w, http.StatusTooManyRequests, l.T("login.rate_limited"))
	}
	options, token, err := s.svc.BeginPasskeySignIn(ctx, t.ID, nil)
	if errors.Is(err, helpdesk.ErrPasskeysOff) {
		return helpdesk.ErrNotFound
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, sessPasskeySignIn, token)
	return writeOptions(w, options)
}

// passkeySignInFinish signs staff in with a passkey alone. A customer's
// passkey, another desk's, a used or expired ceremony and a key whose
// counter went back all get the same refusal.
func (s *Server) passkeySignInFinish(w http.ResponseWriter, r *http.Request) error {
	body, err := readResponse(w, r)
	if err != nil {
		return err
	}
	ctx, t, l := r.Context(), tenantFrom(r), s.lang(r)
	token := s.sessions.PopString(ctx, sessPasskeySignIn)
	u, err := s.svc.FinishPasskeySignIn(ctx, t.ID, nil, token, body)
	if errors.Is(err, helpdesk.ErrUnauthenticated) {
		s.log.InfoContext(ctx, "passkey sign-in refused", "err", err)
		return jsonError(w, http.StatusUnprocessableEntity, l.T("passkey.signin_failed"))
	}
	if errors.Is(err, helpdesk.ErrPasskeysOff) {
		return helpdesk.ErrNotFound
	}
	if err != nil {
		return err
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
	next, _ := localNext(t, r.URL.Query().Get("next"))
	if next == "" {
		next = homeOf(t, u)
	}
	writeJSON(w, http.StatusOK, map[string]string{"redirect": next})
	return nil
}
