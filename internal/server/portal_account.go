package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/portal"
)

// passwordChangeLimit bounds password changes per user: each verifies the
// current password, so a stolen session must not become a way to guess it.
var passwordChangeLimit = limit{10, time.Hour}

// portalAccountRoutes are the account pages under /{tenant}: any signed-in
// user of the tenant, customer or staff, edits their own profile, changes
// their password and signs out everywhere. No route names a user: each acts
// on the signed-in one, so there is no id to tamper with.
func (s *Server) portalAccountRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireUser)
		r.Get("/account", s.h(s.accountPage))
		r.Post("/account/profile", s.h(s.accountProfile))
		r.Post("/account/password", s.h(s.accountPassword))
		r.Post("/account/sessions", s.h(s.accountSessions))
	})
}

// requireUser lets any signed-in user of the tenant through and sends a
// signed-out visitor (which includes one signed in at another tenant) to
// this tenant's login page, coming back afterwards for a page.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		if _, ok := userFrom(r); !ok {
			login := tenantPath(tenantFrom(r), "/login")
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				login += "?next=" + urlQueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, login, http.StatusSeeOther)
			return nil
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// signedIn returns the signed-in user; requireUser guarantees one.
func signedIn(r *http.Request) helpdesk.User {
	u, _ := userFrom(r)
	return u
}

// account builds the account page for u with both forms as stored.
func (s *Server) account(r *http.Request, u helpdesk.User) portal.Account {
	l := s.lang(r)
	desk, ok := i18n.Parse(tenantFrom(r).Language)
	if !ok {
		desk = i18n.Default
	}
	sessions, err := s.sessionRows(r, u)
	if err != nil {
		// The list is a convenience on a page whose forms must still work.
		s.log.ErrorContext(r.Context(), "account: list sessions", "err", err)
	}
	return portal.Account{
		Chrome:       s.chrome(r, l.T("account.title")),
		Email:        u.Email,
		Profile:      portal.ProfileForm{Name: u.Name, Phone: u.Phone, Language: u.Language},
		DeskLanguage: desk,
		Sessions:     sessions,
		TwoFactorOn:  s.twoFactorOn(r, u),
	}
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, portal.AccountPage(s.account(r, signedIn(r))))
}

// accountProfile saves name, phone and language. Only those three fields
// are read: anything else in the form (email, role, tenant_id) is ignored.
func (s *Server) accountProfile(w http.ResponseWriter, r *http.Request) error {
	u := signedIn(r)
	if err := parseForm(r); err != nil {
		return err
	}
	in := helpdesk.ProfileInput{Name: r.PostForm.Get("name"), Phone: r.PostForm.Get("phone"), Language: r.PostForm.Get("language")}
	saved, err := s.svc.UpdateProfile(r.Context(), u.Actor(), in)
	if err != nil {
		errs, ok := fieldErrors(s.lang(r), err)
		if !ok {
			return err
		}
		vm := s.account(r, u)
		vm.Profile = portal.ProfileForm{Name: in.Name, Phone: in.Phone, Language: in.Language, Errors: errs}
		return s.render(w, r, http.StatusUnprocessableEntity, portal.AccountPage(vm))
	}
	// The language cookie wins over the profile (it is how a visitor picks
	// a language before signing in), so a changed preference goes there
	// too, to take effect at once. The flash is in the new language.
	l := s.lang(r)
	if saved.Language != u.Language {
		s.rememberLanguage(w, saved.Language)
		l = s.langOf(r, saved.Language)
	}
	s.flash(r.Context(), "success", l.T("account.profile.done"))
	http.Redirect(w, r, tenantPath(tenantFrom(r), "/account"), http.StatusSeeOther)
	return nil
}

// rememberLanguage sets the language cookie to lang, or removes it when
// lang is "" (the desk's default), as switchLanguage would.
func (s *Server) rememberLanguage(w http.ResponseWriter, lang string) {
	c := &http.Cookie{Name: langCookie, Path: "/", HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode}
	if l, ok := i18n.Parse(lang); ok {
		c.Value, c.MaxAge, c.Expires = l.String(), 365*24*3600, time.Now().Add(365*24*time.Hour)
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// langOf is the UI language once the user's preference is lang.
func (s *Server) langOf(r *http.Request, lang string) i18n.Lang {
	if l, ok := i18n.Parse(lang); ok {
		return l
	}
	if l, ok := i18n.Parse(tenantFrom(r).Language); ok {
		return l
	}
	return i18n.Default
}

// accountPassword changes the password, then signs this session in again
// under a fresh token and the new session epoch: every other session of
// the user ends. Passwords are never written back into the page.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	u := signedIn(r)
	if err := parseForm(r); err != nil {
		return err
	}
	l := s.lang(r)
	fail := func(status int, errs map[string]string) error {
		vm := s.account(r, u)
		vm.Password.Errors = errs
		return s.render(w, r, status, portal.AccountPage(vm))
	}
	subject := strconv.FormatInt(int64(u.Tenant), 10) + ":" + strconv.FormatInt(int64(u.ID), 10)
	if err := s.allow(r.Context(), "password-change", subject, passwordChangeLimit); errors.Is(err, helpdesk.ErrRateLimited) {
		w.Header().Set("Retry-After", "600")
		return fail(http.StatusTooManyRequests, map[string]string{"current_password": l.T("account.password.rate_limited")})
	} else if err != nil {
		return err
	}
	epoch, err := s.svc.ChangePassword(r.Context(), u.Actor(), r.PostForm.Get("current_password"), r.PostForm.Get("new_password"))
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return fail(http.StatusUnprocessableEntity, errs)
	}
	return s.resignIn(w, r, u, epoch, "account.password.done")
}

// accountSessions signs the user out everywhere but here.
func (s *Server) accountSessions(w http.ResponseWriter, r *http.Request) error {
	u := signedIn(r)
	epoch, err := s.svc.SignOutEverywhere(r.Context(), u.Actor())
	if err != nil {
		return err
	}
	return s.resignIn(w, r, u, epoch, "account.sessions.done")
}

// resignIn signs the current session in again with the user's new session
// epoch (and a new token), then returns to the account page with msgKey as
// the flash.
func (s *Server) resignIn(w http.ResponseWriter, r *http.Request, u helpdesk.User, epoch int, msgKey string) error {
	u.SessionEpoch = epoch
	if err := s.signIn(r.Context(), u); err != nil {
		return err
	}
	if err := s.noteSignIn(w, r, u, false); err != nil {
		return err
	}
	s.flash(r.Context(), "success", s.lang(r).T(msgKey))
	http.Redirect(w, r, tenantPath(tenantFrom(r), "/account"), http.StatusSeeOther)
	return nil
}
