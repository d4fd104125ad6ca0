package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

func (s *Server) adminCategoryRoutes(r chi.Router) {
	r.Get("/categories", s.h(s.adminCategories))
	r.Get("/categories/new", s.h(s.adminNewCategory))
	r.Post("/categories", s.h(s.adminCreateCategory))
	r.Get("/categories/{id}", s.h(s.adminEditCategory))
	r.Post("/categories/{id}", s.h(s.adminUpdateCategory))
	r.Post("/categories/{id}/archive", s.h(s.adminArchiveCategory(true)))
	r.Post("/categories/{id}/restore", s.h(s.adminArchiveCategory(false)))
}

// pathID reads the {id} URL parameter; anything but a positive number is
// nothing anyone has.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// optionalID reads an optional id from a form: "" is 0, anything not a
// positive number is -1, which the domain refuses as a field error.
func optionalID(v string) int64 {
	if v == "" {
		return 0
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return -1
	}
	return id
}

func idString[T ~int64](id T) string { return strconv.FormatInt(int64(id), 10) }

func (s *Server) adminCategories(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	cats, err := s.svc.AdminCategories(ctx, by)
	if err != nil {
		return err
	}
	groups, err := s.svc.AdminGroups(ctx, by)
	if err != nil {
		return err
	}
	names := map[helpdesk.GroupID]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	vm := admin.CategoriesView{Frame: s.adminFrame(r, l.T("admin.nav.categories"), "categories"), NewURL: adminPath(t, "/categories/new")}
	for _, c := range cats {
		row := admin.CategoryRow{
			ID: idString(c.ID), Name: c.Name, Description: c.Description, Group: orDash(names[c.DefaultGroup]),
			Priority: l.T("admin.category.priority_matrix"), Visibility: l.T("admin.category.in_portal"),
			Position: strconv.Itoa(c.Position), Archived: c.Archived(),
			EditURL: adminPath(t, "/categories/"+idString(c.ID)), ArchiveURL: adminPath(t, "/categories/"+idString(c.ID)+"/archive"),
		}
		if c.DefaultPriority != "" {
			row.Priority = priorityLabel(l, c.DefaultPriority)
		}
		if c.Internal {
			row.Visibility = l.T("admin.category.internal")
		}
		if c.Archived() {
			row.ArchiveURL = adminPath(t, "/categories/"+idString(c.ID)+"/restore")
		}
		vm.Rows = append(vm.Rows, row)
	}
	return s.render(w, r, http.StatusOK, admin.CategoriesPage(vm))
}

func (s *Server) adminNewCategory(w http.ResponseWriter, r *http.Request) error {
	return s.renderCategoryForm(w, r, http.StatusOK, 0, admin.CategoryForm{PortalVisible: true}, nil)
}

func (s *Server) adminEditCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.svc.AdminCategory(r.Context(), adminActor(r), helpdesk.CategoryID(id))
	if err != nil {
		return err
	}
	form := admin.CategoryForm{
		Name: c.Name, Description: c.Description, DefaultPriority: string(c.DefaultPriority),
		PortalVisible: !c.Internal, Position: strconv.Itoa(c.Position),
	}
	if c.DefaultGroup != 0 {
		form.DefaultGroup = idString(c.DefaultGroup)
	}
	return s.renderCategoryForm(w, r, http.StatusOK, c.ID, form, nil)
}

// categoryForm decodes the category form into its explicit fields.
func categoryForm(r *http.Request) (admin.CategoryForm, helpdesk.CategoryInput) {
	f := r.PostForm
	form := admin.CategoryForm{
		Name: f.Get("name"), Description: f.Get("description"), DefaultGroup: f.Get("default_group"),
		DefaultPriority: f.Get("default_priority"), PortalVisible: f.Get("portal_visible") != "", Position: f.Get("position"),
	}
	return form, helpdesk.CategoryInput{
		Name: form.Name, Description: form.Description, DefaultGroup: helpdesk.GroupID(optionalID(form.DefaultGroup)),
		DefaultPriority: form.DefaultPriority, Internal: !form.PortalVisible, Position: form.Position,
	}
}

func (s *Server) adminCreateCategory(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	form, in := categoryForm(r)
	c, err := s.svc.AddCategory(r.Context(), adminActor(r), in)
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderCategoryForm(w, r, http.StatusUnprocessableEntity, 0, form, errs)
	}
	s.flash(r.Context(), "success", l.T("admin.category.created", c.Name))
	http.Redirect(w, r, adminPath(t, "/categories"), http.StatusSeeOther)
	return nil
}

func (s *Server) adminUpdateCategory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	form, in := categoryForm(r)
	c, err := s.svc.UpdateCategory(r.Context(), adminActor(r), helpdesk.CategoryID(id), in)
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderCategoryForm(w, r, http.StatusUnprocessableEntity, helpdesk.CategoryID(id), form, errs)
	}
	s.flash(r.Context(), "success", l.T("admin.category.saved", c.Name))
	http.Redirect(w, r, adminPath(t, "/categories"), http.StatusSeeOther)
	return nil
}

func (s *Server) adminArchiveCategory(archive bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		t, l := tenantFrom(r), s.lang(r)
		c, err := s.svc.ArchiveCategory(r.Context(), adminActor(r), helpdesk.CategoryID(id), archive)
		if err != nil {
			return err
		}
		msg := "admin.category.archived"
		if !archive {
			msg = "admin.category.restored"
		}
		s.flash(r.Context(), "success", l.T(msg, c.Name))
		http.Redirect(w, r, adminPath(t, "/categories"), http.StatusSeeOther)
		return nil
	}
}

func (s *Server) renderCategoryForm(w http.ResponseWriter, r *http.Request, status int, id helpdesk.CategoryID, form admin.CategoryForm, errs map[string]string) error {
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	groups, err := s.svc.AdminGroups(r.Context(), by)
	if err != nil {
		return err
	}
	vm := admin.CategoryFormView{
		Form: form, Errors: errs, BackURL: adminPath(t, "/categories"),
		Title: l.T("admin.category.new"), ActionURL: adminPath(t, "/categories"), Submit: l.T("admin.category.create"),
	}
	if id != 0 {
		vm.Title, vm.Submit = l.T("admin.category.edit", form.Name), l.T("admin.save")
		vm.ActionURL = adminPath(t, "/categories/"+idString(id))
	}
	vm.Frame = s.adminFrame(r, vm.Title, "categories")
	vm.Groups = adminGroupOptions(l, groups, form.DefaultGroup)
	for _, p := range helpdesk.Priorities() {
		vm.Priorities = append(vm.Priorities, admin.Option{Value: p.String(), Label: priorityLabel(l, p), Selected: form.DefaultPriority == p.String()})
	}
	return s.render(w, r, status, admin.CategoryFormPage(vm))
}

// adminGroupOptions offers the groups in use, and an archived one only when it
// is the current choice (so editing never silently drops it).
func adminGroupOptions(l i18n.Lang, groups []helpdesk.Group, selected string) []admin.Option {
	var out []admin.Option
	for _, g := range groups {
		id := idString(g.ID)
		if g.Archived() && id != selected {
			continue
		}
		label := l.T("admin.group.label", g.Name, g.Tier)
		if g.Archived() {
			label += " (" + l.T("admin.archived") + ")"
		}
		out = append(out, admin.Option{Value: id, Label: label, Selected: id == selected})
	}
	return out
}

// orDash shows an empty value as a dash.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
