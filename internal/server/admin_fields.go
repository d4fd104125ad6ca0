package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

func (s *Server) adminFieldRoutes(r chi.Router) {
	r.Get("/fields", s.h(s.adminFields))
	r.Get("/fields/new", s.h(s.adminNewField))
	r.Post("/fields", s.h(s.adminCreateField))
	r.Get("/fields/{id}", s.h(s.adminEditField))
	r.Post("/fields/{id}", s.h(s.adminUpdateField))
	r.Post("/fields/{id}/archive", s.h(s.adminArchiveField(true)))
	r.Post("/fields/{id}/restore", s.h(s.adminArchiveField(false)))
}

func fieldTypeLabel(l i18n.Lang, t helpdesk.FieldType) string {
	return l.T(msgKey("admin.field.type.", string(t)))
}

// fieldFlags names a field's flags for the list.
func fieldFlags(l i18n.Lang, d helpdesk.CustomFieldDef) string {
	var out []string
	if d.CustomerVisible {
		out = append(out, l.T("admin.field.flag.visible"))
	} else {
		out = append(out, l.T("admin.field.flag.internal"))
	}
	if d.Required {
		out = append(out, l.T("admin.field.flag.required"))
	}
	if d.AgentRequired {
		out = append(out, l.T("admin.field.flag.agent_required"))
	}
	return strings.Join(out, " · ")
}

func (s *Server) adminFields(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	defs, err := s.svc.AdminFields(r.Context(), adminActor(r))
	if err != nil {
		return err
	}
	vm := admin.FieldsView{Frame: s.adminFrame(r, l.T("admin.nav.fields"), "fields"), NewURL: adminPath(t, "/fields/new")}
	for _, d := range defs {
		id := idString(d.ID)
		row := admin.FieldRow{
			ID: id, Label: d.Label, Key: d.Key, Type: fieldTypeLabel(l, d.Type), Flags: fieldFlags(l, d),
			Position: strconv.Itoa(d.Position), Archived: !d.Active,
			EditURL: adminPath(t, "/fields/"+id), ArchiveURL: adminPath(t, "/fields/"+id+"/archive"),
		}
		if !d.Active {
			row.ArchiveURL = adminPath(t, "/fields/"+id+"/restore")
		}
		vm.Rows = append(vm.Rows, row)
	}
	return s.render(w, r, http.StatusOK, admin.FieldsPage(vm))
}

func (s *Server) adminNewField(w http.ResponseWriter, r *http.Request) error {
	return s.renderFieldForm(w, r, http.StatusOK, helpdesk.CustomFieldDef{}, admin.FieldForm{Type: string(helpdesk.FieldText)}, nil)
}

func (s *Server) adminEditField(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.svc.AdminField(r.Context(), adminActor(r), helpdesk.CustomFieldID(id))
	if err != nil {
		return err
	}
	var opts []string
	for _, o := range d.Options {
		opts = append(opts, o.Label)
	}
	form := admin.FieldForm{
		Label: d.Label, Key: d.Key, Type: string(d.Type), Options: strings.Join(opts, "\n"),
		CustomerVisible: d.CustomerVisible, Required: d.Required, AgentRequired: d.AgentRequired, Position: strconv.Itoa(d.Position),
	}
	return s.renderFieldForm(w, r, http.StatusOK, d, form, nil)
}

// fieldForm decodes the custom field form into its explicit fields.
func fieldForm(r *http.Request) (admin.FieldForm, helpdesk.FieldInput) {
	f := r.PostForm
	form := admin.FieldForm{
		Label: f.Get("label"), Key: f.Get("key"), Type: f.Get("type"), Options: f.Get("options"),
		CustomerVisible: f.Get("customer_visible") != "", Required: f.Get("required") != "",
		AgentRequired: f.Get("agent_required") != "", Position: f.Get("position"),
	}
	return form, helpdesk.FieldInput{
		Label: form.Label, Key: form.Key, Type: form.Type, Options: form.Options, CustomerVisible: form.CustomerVisible,
		Required: form.Required, AgentRequired: form.AgentRequired, Position: form.Position,
	}
}

func (s *Server) adminCreateField(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	form, in := fieldForm(r)
	d, err := s.svc.AddField(r.Context(), adminActor(r), in)
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderFieldForm(w, r, http.StatusUnprocessableEntity, helpdesk.CustomFieldDef{}, form, errs)
	}
	s.flash(r.Context(), "success", l.T("admin.field.created", d.Label))
	http.Redirect(w, r, adminPath(t, "/fields"), http.StatusSeeOther)
	return nil
}

func (s *Server) adminUpdateField(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	old, err := s.svc.AdminField(ctx, by, helpdesk.CustomFieldID(id))
	if err != nil {
		return err
	}
	form, in := fieldForm(r)
	form.Key, form.Type = old.Key, string(old.Type)
	d, err := s.svc.UpdateField(ctx, by, old.ID, in)
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderFieldForm(w, r, http.StatusUnprocessableEntity, old, form, errs)
	}
	s.flash(ctx, "success", l.T("admin.field.saved", d.Label))
	http.Redirect(w, r, adminPath(t, "/fields"), http.StatusSeeOther)
	return nil
}

func (s *Server) adminArchiveField(archive bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		t, l := tenantFrom(r), s.lang(r)
		d, err := s.svc.ArchiveField(r.Context(), adminActor(r), helpdesk.CustomFieldID(id), archive)
		if err != nil {
			return err
		}
		msg := "admin.field.archived"
		if !archive {
			msg = "admin.field.restored"
		}
		s.flash(r.Context(), "success", l.T(msg, d.Label))
		http.Redirect(w, r, adminPath(t, "/fields"), http.StatusSeeOther)
		return nil
	}
}

// renderFieldForm shows the new (d zero) or edit field page.
func (s *Server) renderFieldForm(w http.ResponseWriter, r *http.Request, status int, d helpdesk.CustomFieldDef, form admin.FieldForm, errs map[string]string) error {
	t, l := tenantFrom(r), s.lang(r)
	vm := admin.FieldFormView{
		Form: form, Errors: errs, BackURL: adminPath(t, "/fields"),
		Title: l.T("admin.field.new"), ActionURL: adminPath(t, "/fields"), Submit: l.T("admin.field.create"),
	}
	if d.ID != 0 {
		vm.Editing, vm.TypeLabel = true, fieldTypeLabel(l, d.Type)
		vm.Title, vm.Submit = l.T("admin.field.edit", d.Label), l.T("admin.save")
		vm.ActionURL = adminPath(t, "/fields/"+idString(d.ID))
	}
	vm.Frame = s.adminFrame(r, vm.Title, "fields")
	for _, ft := range helpdesk.FieldTypes() {
		vm.Types = append(vm.Types, admin.Option{Value: string(ft), Label: fieldTypeLabel(l, ft), Selected: form.Type == string(ft)})
	}
	return s.render(w, r, status, admin.FieldFormPage(vm))
}
