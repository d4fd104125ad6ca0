package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/portal"
)

// Passkeys (helpdesk/account_passkeys.go): the account's page to add and
// remove them, and their two sign-ins, as the second step and, for staff,
// passwordless. The ceremonies are JSON exchanged with
// web/static/js/passkeys.js; the token naming a ceremony in flight sits in
// the server-side session, and the ceremony itself in the database.

// Session keys of the ceremonies in flight, one per kind.
const (
	sessPasskeyRegister = "passkey_register"
	sessPasskeyStep     = "passkey_step"
	sessPasskeySignIn   = "passkey_signin"
)

// maxPasskeyResponse bounds a ceremony's JSON: real ones are a few KiB.
const maxPasskeyResponse = 64 << 10

func (s *Server) authPasskeyRoutes(r chi.Router) {
	r.Post("/login/passkey/begin", s.h(s.passkeySignInBegin))
	r.Post("/login/passkey/finish", s.h(s.passkeySignInFinish))
	r.Post("/login/2fa/passkey/begin", s.h(s.passkeyStepBegin))
	r.Post("/login/2fa/passkey/finish", s.h(s.passkeyStepFinish))
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get("/account/passkeys", s.h(s.passkeysPage))
		r.Post("/account/passkeys/begin", s.h(s.passkeyRegisterBegin))
		r.Post("/account/passkeys/finish", s.h(s.passkeyRegisterFinish))
		r.Post("/account/passkeys/{id}/remove", s.h(s.passkeyRemove))
	})
}

// jsonError answers a ceremony's request with a message for the page.
func jsonError(w http.ResponseWriter, status int, msg string) error {
	writeJSON(w, status, map[string]string{"error": msg})
	return nil
}

// writeOptions sends a ceremony's options as they came from the RP.
func writeOptions(w http.ResponseWriter, options []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(options)
	return err
}

// readResponse reads the authenticator's JSON within the size limit.
func readResponse(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyResponse))
}

// passkeysView builds the account's passkey page as stored.
func (s *Server) passkeysView(r *http.Request) (portal.Passkeys, error) {
	u, l, t := signedIn(r), s.lang(r), tenantFrom(r)
	vm := portal.Passkeys{Chrome: s.chrome(r, l.T("passkey.title")), Available: s.svc.PasskeysAvailable(),
		BeginURL: tenantPath(t, "/account/passkeys/begin"), FinishURL: tenantPath(t, "/account/passkeys/finish"),
		AccountURL: tenantPath(t, "/account"), TwoFactorURL: tenantPath(t, "/account/2fa")}
	keys, err := s.svc.Passkeys(r.Context(), u.Actor())
	if err != nil {
		return vm, err
	}
	loc := deskLocation(t)
	for _, k := range keys {
		row := portal.PasskeyRow{Name: k.Name, Created: k.CreatedAt.In(loc).Format("2006-01-02 15:04"),
			RemoveURL: tenantPath(t, "/account/passkeys/"+strconv.FormatInt(int64(k.ID), 10)+"/remove")}
		if !k.LastUsedAt.IsZero() {
			row.LastUsed = k.LastUsedAt.In(loc).Format("2006-01-02 15:04")
		}
		vm.Keys = append(vm.Keys, row)
	}
	return vm, nil
}

func (s *Server) passkeysPage(w http.ResponseWriter, r *http.Request) error {
	vm, err := s.passkeysView(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, portal.PasskeysPage(vm))
}

// passkeyRegisterBegin checks the new passkey's name and starts the
// ceremony.
func (s *Server) passkeyRegisterBegin(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	u, l := signedIn(r), s.lang(r)
	options, token, err := s.svc.BeginPasskeyRegistration(r.Context(), u.Actor(), r.PostForm.Get("name"))
	if errs, ok := fieldErrors(l, err); ok {
		return jsonError(w, http.StatusUnprocessableEntity, errs["name"])
	}
	if errors.Is(err, helpdesk.ErrPasskeysOff) {
		return helpdesk.ErrNotFound
	}
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessPasskeyRegister, token)
	return writeOptions(w, options)
}

// passkeyRegisterFinish stores the new passkey; like any change of
// factors, it ends the user's other sessions.
func (s *Server) passkeyRegisterFinish(w http.ResponseWriter, r *http.Request) error {
	body, err := readResponse(w, r)
	if err != nil {
		return err
	}
	ctx, u, l := r.Context(), signedIn(r), s.lang(r)
	token := s.sessions.PopString(ctx, sessPasskeyRegister)
	_, epoch, err := s.svc.FinishPasskeyRegistration(ctx, u.Actor(), token, body)
	switch {
	case errors.Is(err, helpdesk.ErrUnauthenticated):
		s.log.InfoContext(ctx, "passkey registration refused", "err", err)
		return jsonError(w, http.StatusUnprocessableEntity, l.T("passkey.rejected"))
	case errors.Is(err, helpdesk.ErrConflict):
		return jsonError(w, http.StatusUnprocessableEntity, l.T("passkey.duplicate"))
	case errors.Is(err, helpdesk.ErrPasskeysOff):
		return helpdesk.ErrNotFound
	case err != nil:
		return err
	}
	u.SessionEpoch = epoch
	if err := s.signIn(ctx, u); err != nil {
		return err
	}
	s.sessions.Remove(ctx, sessMustEnrol)
	if err := s.noteSignIn(w, r, u, false); err != nil {
		return err
	}
	s.flash(ctx, "success", l.T("passkey.added"))
	writeJSON(w, http.StatusOK, map[string]string{"redirect": tenantPath(tenantFrom(r), "/account/passkeys")})
	return nil
}

// passkeyRemove removes one of the user's passkeys; the last factor of
// staff whose desk requires one is refused with the page's message.
func (s *Server) passkeyRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, l := signedIn(r), s.lang(r)
	epoch, err := s.svc.RemovePasskey(r.Context(), u.Actor(), helpdesk.PasskeyID(id))
	if errs, ok := fieldErrors(l, err); ok {
		vm, verr := s.passkeysView(r)
		if verr != nil {
			return verr
		}
		vm.Errors = errs
		return s.render(w, r, http.StatusUnprocessableEntity, portal.PasskeysPage(vm))
	}
	if err != nil {
		return err
	}
	u.SessionEpoch = epoch
	if err := s.signIn(r.Context(), u); err != nil {
		return err
	}
	if err := s.noteSignIn(w, r, u, false); err != nil {
		return err
	}
	s.flash(r.Context(), "success", l.T("passkey.removed"))
	http.Redirect(w, r, tenantPath(tenantFrom(r), "/account/passkeys"), http.StatusSeeOther)
	return nil
}
