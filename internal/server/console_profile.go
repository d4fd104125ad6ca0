package server

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// The agent's profile: availability, signature, language and which
// notices they get. Name, email and password are on the account page that
// every user has.
func (s *Server) consoleProfileRoutes(r chi.Router) {
	r.Get("/profile", s.h(s.consoleProfile))
	r.Post("/profile", s.h(s.consoleUpdateProfile))
}

func (s *Server) consoleProfile(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.AgentSettings(r.Context(), agent(r).Actor())
	if err != nil {
		return err
	}
	form := helpdesk.AgentSettingsInput{Availability: string(a.Availability), Signature: a.Signature, Language: a.Language}
	for _, k := range helpdesk.NotificationKinds() {
		if a.Wants(k) {
			form.Notify = append(form.Notify, string(k))
		}
	}
	return s.renderProfile(w, r, http.StatusOK, form, nil)
}

func (s *Server) consoleUpdateProfile(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	f := r.PostForm
	form := helpdesk.AgentSettingsInput{Availability: f.Get("availability"), Signature: f.Get("signature"),
		Language: f.Get("language"), Notify: f["notify"]}
	if _, err := s.svc.UpdateAgentSettings(ctx, u.Actor(), form); err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderProfile(w, r, http.StatusUnprocessableEntity, form, errs)
	}
	// As on the account page: a changed language takes effect at once,
	// and the confirmation is in it.
	if form.Language != u.Language {
		s.rememberLanguage(w, form.Language)
		l = s.langOf(r, form.Language)
	}
	s.flash(ctx, "success", l.T("console.profile.saved"))
	http.Redirect(w, r, tenantPath(t, "/agent/profile"), http.StatusSeeOther)
	return nil
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, form helpdesk.AgentSettingsInput, errs map[string]string) error {
	t, l := tenantFrom(r), s.lang(r)
	frame, err := s.consoleFrame(r, l.T("console.profile.title"), "")
	if err != nil {
		return err
	}
	vm := console.Profile{
		Frame: frame, Errors: errs, Signature: form.Signature,
		ActionURL: tenantPath(t, "/agent/profile"), AccountURL: tenantPath(t, "/account"),
	}
	for _, a := range []helpdesk.Availability{helpdesk.Available, helpdesk.Away} {
		vm.Availability = append(vm.Availability, console.Option{Value: string(a), Label: l.T(msgKey("console.profile.availability.", string(a))), Selected: form.Availability == string(a)})
	}
	def := s.langOf(r, "")
	vm.Languages = append(vm.Languages, console.Option{Value: "", Label: l.T("account.language_default", def.Name()), Selected: form.Language == ""})
	for _, lang := range i18n.Supported {
		vm.Languages = append(vm.Languages, console.Option{Value: lang.String(), Label: lang.Name(), Selected: form.Language == lang.String()})
	}
	for _, k := range helpdesk.NotificationKinds() {
		vm.Notify = append(vm.Notify, console.Option{Value: string(k), Label: l.T(msgKey("console.profile.notify.", string(k))), Selected: slices.Contains(form.Notify, string(k))})
	}
	return s.render(w, r, status, console.ProfilePage(vm))
}
