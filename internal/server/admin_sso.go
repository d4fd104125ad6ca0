package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/admin"
)

// The desk's single sign-on settings (helpdesk/sso_settings.go): the
// OpenID Connect provider, who may come in through it, and whether staff
// must. The client secret is sealed by the domain and never shown back;
// an empty field keeps the stored one.

func (s *Server) adminSSORoutes(r chi.Router) {
	r.Get("/sso", s.h(s.adminSSO))
	r.Post("/sso", s.h(s.adminSaveSSO))
}

func (s *Server) adminSSO(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.SSOSettings(r.Context(), adminActor(r))
	switch {
	case errors.Is(err, helpdesk.ErrNotFound):
		st = helpdesk.SSOSettings{NewUserRole: helpdesk.RoleCustomer}
	case err != nil:
		return err
	}
	form := admin.SSOForm{Enabled: st.Enabled, Issuer: st.Issuer, ClientID: st.ClientID,
		AllowedDomains: strings.Join(st.AllowedDomains, "\n"), NewUserRole: string(st.NewUserRole),
		StaffSSOOnly: st.StaffSSOOnly, ButtonLabel: st.ButtonLabel}
	return s.renderSSO(w, r, http.StatusOK, form, st.Issuer != "", nil)
}

func (s *Server) renderSSO(w http.ResponseWriter, r *http.Request, status int, form admin.SSOForm, hasSecret bool, errs map[string]string) error {
	t, l := tenantFrom(r), s.lang(r)
	vm := admin.SSOSettings{Frame: s.adminFrame(r, l.T("admin.sso.title"), "sso"), ActionURL: adminPath(t, "/sso"),
		RedirectURL: s.ssoRedirectURL(t), Available: s.svc.SSOAvailable(), Form: form, HasSecret: hasSecret, Errors: errs}
	return s.render(w, r, status, admin.SSOSettingsPage(vm))
}

// adminSaveSSO validates and stores the settings; problems re-render the
// form with everything typed but the secret.
func (s *Server) adminSaveSSO(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, l := r.Context(), s.lang(r)
	f := r.PostForm
	in := helpdesk.SSOInput{Enabled: f.Get("enabled") == "on", Issuer: f.Get("issuer"), ClientID: f.Get("client_id"),
		ClientSecret: f.Get("client_secret"), AllowedDomains: f.Get("allowed_domains"), NewUserRole: f.Get("new_user_role"),
		StaffSSOOnly: f.Get("staff_sso_only") == "on", ButtonLabel: f.Get("button_label")}
	err := s.svc.SaveSSOSettings(ctx, adminActor(r), in)
	if errors.Is(err, helpdesk.ErrSSOOff) {
		return errNotFound
	}
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		prev, perr := s.svc.SSOSettings(ctx, adminActor(r))
		if perr != nil && !errors.Is(perr, helpdesk.ErrNotFound) {
			return perr
		}
		form := admin.SSOForm{Enabled: in.Enabled, Issuer: in.Issuer, ClientID: in.ClientID, AllowedDomains: in.AllowedDomains,
			NewUserRole: in.NewUserRole, StaffSSOOnly: in.StaffSSOOnly, ButtonLabel: in.ButtonLabel}
		return s.renderSSO(w, r, http.StatusUnprocessableEntity, form, prev.Issuer != "", errs)
	}
	s.flash(ctx, "success", l.T("admin.sso.saved"))
	http.Redirect(w, r, adminPath(tenantFrom(r), "/sso"), http.StatusSeeOther)
	return nil
}
