package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

// adminAPIRoutes are the API token pages at /{tenant}/admin/api.
func (s *Server) adminAPIRoutes(r chi.Router) {
	r.Get("/api", s.h(s.adminAPI))
	r.Post("/api", s.h(s.adminCreateAPIToken))
	r.Post("/api/{id}/revoke", s.h(s.adminRevokeAPIToken))
}

func (s *Server) adminAPI(w http.ResponseWriter, r *http.Request) error {
	t := tenantFrom(r)
	form := admin.APITokenForm{Scopes: map[string]bool{string(helpdesk.ScopeTicketsRead): true},
		ActingAs: "integration", Language: t.Language, Rate: strconv.Itoa(helpdesk.DefaultAPIRate)}
	return s.renderAPIPage(w, r, http.StatusOK, form, nil, "", "")
}

// apiTokenForm decodes the token form into its explicit fields.
func apiTokenForm(r *http.Request, t helpdesk.Tenant) (admin.APITokenForm, helpdesk.APITokenInput) {
	f := r.PostForm
	form := admin.APITokenForm{Name: f.Get("name"), ActingAs: f.Get("acting_as"), Language: f.Get("language"),
		Rate: f.Get("rate"), Expires: f.Get("expires"), Scopes: map[string]bool{}}
	for _, v := range f["scopes"] {
		form.Scopes[v] = true
	}
	in := helpdesk.APITokenInput{Name: form.Name, Scopes: f["scopes"], ActingAs: form.ActingAs, Language: form.Language,
		RatePerMin: form.Rate, Expires: form.Expires, Location: deskLocation(t)}
	return form, in
}

// adminCreateAPIToken answers with the page itself (not a redirect): the
// secret is in that one answer and nowhere else, not even the session.
func (s *Server) adminCreateAPIToken(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	form, in := apiTokenForm(r, t)
	tok, secret, err := s.svc.CreateAPIToken(r.Context(), adminActor(r), in)
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderAPIPage(w, r, http.StatusUnprocessableEntity, form, errs, "", "")
	}
	w.Header().Set("Cache-Control", "no-store")
	fresh := admin.APITokenForm{Scopes: map[string]bool{}, ActingAs: "integration", Language: t.Language, Rate: strconv.Itoa(helpdesk.DefaultAPIRate)}
	return s.renderAPIPage(w, r, http.StatusCreated, fresh, nil, secret, tok.Name)
}

func (s *Server) adminRevokeAPIToken(w http.ResponseWriter, r *http.Request) error {
	return s.adminRevoke(w, r, "/api", "api.admin.revoked", func(ctx context.Context, by helpdesk.Actor, id int64) (string, error) {
		tok, err := s.svc.RevokeAPIToken(ctx, by, helpdesk.APITokenID(id))
		return tok.Name, err
	})
}

func (s *Server) renderAPIPage(w http.ResponseWriter, r *http.Request, status int, form admin.APITokenForm, errs map[string]string, secret, secretFor string) error {
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	tokens, err := s.svc.APITokens(ctx, by)
	if err != nil {
		return err
	}
	agents, err := s.svc.Agents(ctx, by)
	if err != nil {
		return err
	}
	vm := admin.APIView{
		Frame: s.adminFrame(r, l.T("admin.nav.api"), "api"), Secret: secret, SecretFor: secretFor,
		DocsURL: tenantPath(t, "/api/v1/docs"), SpecURL: tenantPath(t, "/api/v1/openapi.json"),
		BaseURL: s.cfg.BaseURL + tenantPath(t, "/api/v1"), ActionURL: adminPath(t, "/api"), Form: form, Errors: errs,
	}
	loc := deskLocation(t)
	now := s.now()
	for _, tk := range tokens {
		row := admin.APITokenRow{ID: idString(tk.ID), Name: tk.Name, Hint: tk.Hint, Scopes: scopesText(tk.Scopes),
			ActingAs: tk.ActingName, Expires: l.T("api.admin.never"), LastUsed: l.T("api.admin.never_used"), State: "active"}
		if tk.Integration {
			row.ActingAs = l.T("api.admin.integration_named", tk.Name)
		}
		if !tk.ExpiresAt.IsZero() {
			row.Expires = formatTime(l, loc, tk.ExpiresAt)
		}
		if !tk.LastUsedAt.IsZero() {
			row.LastUsed = l.T("api.admin.used_from", formatTime(l, loc, tk.LastUsedAt), tk.LastUsedIP)
		}
		switch {
		case !tk.RevokedAt.IsZero():
			row.State, row.StateText = "revoked", l.T("api.admin.state.revoked")
		case !tk.Usable(now):
			row.State, row.StateText = "expired", l.T("api.admin.state.expired")
		default:
			row.RevokeURL = adminPath(t, "/api/"+row.ID+"/revoke")
		}
		vm.Rows = append(vm.Rows, row)
	}
	for _, sc := range helpdesk.APIScopes() {
		vm.Scopes = append(vm.Scopes, admin.Option{Value: string(sc), Label: l.T(msgKey("api.scope.", string(sc)))})
	}
	vm.ActingAs = []admin.Option{{Value: "integration", Label: l.T("api.admin.integration"), Selected: form.ActingAs == "integration"}}
	for _, u := range agents {
		id := idString(u.ID)
		vm.ActingAs = append(vm.ActingAs, admin.Option{Value: id, Label: u.Name, Selected: form.ActingAs == id})
	}
	for _, lang := range []i18n.Lang{i18n.ES, i18n.EN} {
		vm.Languages = append(vm.Languages, admin.Option{Value: string(lang), Label: lang.Name(), Selected: form.Language == string(lang)})
	}
	return s.render(w, r, status, admin.APIPage(vm))
}

func scopesText(sc []helpdesk.APIScope) string {
	out := make([]string, len(sc))
	for i, s := range sc {
		out[i] = string(s)
	}
	return strings.Join(out, " ")
}
