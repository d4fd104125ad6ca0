package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/admin"
)

func (s *Server) adminGroupRoutes(r chi.Router) {
	r.Get("/groups", s.h(s.adminGroups))
	r.Get("/groups/new", s.h(s.adminNewGroup))
	r.Post("/groups", s.h(s.adminCreateGroup))
	r.Get("/groups/{id}", s.h(s.adminEditGroup))
	r.Post("/groups/{id}", s.h(s.adminUpdateGroup))
	r.Post("/groups/{id}/archive", s.h(s.adminArchiveGroup(true)))
	r.Post("/groups/{id}/restore", s.h(s.adminArchiveGroup(false)))
	r.Post("/groups/default", s.h(s.adminSetDefaultGroup))
}

func (s *Server) adminGroups(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	groups, err := s.svc.AdminGroups(ctx, by)
	if err != nil {
		return err
	}
	people, err := s.svc.Agents(ctx, by)
	if err != nil {
		return err
	}
	names := map[helpdesk.UserID]string{}
	for _, u := range people {
		names[u.ID] = u.Name
	}
	list := func(ids []helpdesk.UserID) string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			if n, ok := names[id]; ok {
				out = append(out, n)
			}
		}
		return strings.Join(out, ", ")
	}
	vm := admin.GroupsView{Frame: s.adminFrame(r, l.T("admin.nav.groups"), "groups"), NewURL: adminPath(t, "/groups/new")}
	for _, g := range groups {
		id := idString(g.ID)
		row := admin.GroupRow{
			ID: id, Name: g.Name, Tier: l.T("admin.group.tier_n", g.Tier), Assignment: l.T(msgKey("admin.group.mode.", string(g.Assignment))),
			Members: orDash(list(g.Members)), Leads: list(g.Leads), Archived: g.Archived(),
			EditURL: adminPath(t, "/groups/"+id), ArchiveURL: adminPath(t, "/groups/"+id+"/archive"),
		}
		if g.Archived() {
			row.ArchiveURL = adminPath(t, "/groups/"+id+"/restore")
		}
		vm.Rows = append(vm.Rows, row)
	}
	if vm.Default, err = s.defaultGroupForm(r, groups); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, admin.GroupsPage(vm))
}

func (s *Server) adminNewGroup(w http.ResponseWriter, r *http.Request) error {
	return s.renderGroupForm(w, r, http.StatusOK, 0, admin.GroupForm{Tier: "1", Assignment: string(helpdesk.AssignManual)}, nil)
}

func (s *Server) adminEditGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	g, err := s.svc.AdminGroup(r.Context(), adminActor(r), helpdesk.GroupID(id))
	if err != nil {
		return err
	}
	form := admin.GroupForm{Name: g.Name, Tier: strconv.Itoa(g.Tier), Assignment: string(g.Assignment), Members: map[string]bool{}, Leads: map[string]bool{}}
	for _, m := range g.Members {
		form.Members[idString(m)] = true
	}
	for _, m := range g.Leads {
		form.Leads[idString(m)] = true
	}
	return s.renderGroupForm(w, r, http.StatusOK, g.ID, form, nil)
}

// groupForm decodes the group form into its explicit fields.
func groupForm(r *http.Request) (admin.GroupForm, helpdesk.GroupInput) {
	f := r.PostForm
	form := admin.GroupForm{Name: f.Get("name"), Tier: f.Get("tier"), Assignment: f.Get("assignment"), Members: map[string]bool{}, Leads: map[string]bool{}}
	in := helpdesk.GroupInput{Name: form.Name, Tier: form.Tier, Assignment: form.Assignment}
	for _, v := range f["members"] {
		form.Members[v] = true
		in.Members = append(in.Members, helpdesk.UserID(optionalID(v)))
	}
	for _, v := range f["leads"] {
		form.Leads[v] = true
		in.Leads = append(in.Leads, helpdesk.UserID(optionalID(v)))
	}
	return form, in
}

func (s *Server) adminCreateGroup(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	form, in := groupForm(r)
	g, err := s.svc.AddGroup(r.Context(), adminActor(r), in)
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderGroupForm(w, r, http.StatusUnprocessableEntity, 0, form, errs)
	}, l.T("admin.group.created", g.Name), adminPath(t, "/groups"))
}

func (s *Server) adminUpdateGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	form, in := groupForm(r)
	g, err := s.svc.UpdateGroup(r.Context(), adminActor(r), helpdesk.GroupID(id), in)
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderGroupForm(w, r, http.StatusUnprocessableEntity, helpdesk.GroupID(id), form, errs)
	}, l.T("admin.group.saved", g.Name), adminPath(t, "/groups"))
}

func (s *Server) adminArchiveGroup(archive bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		t, l := tenantFrom(r), s.lang(r)
		g, err := s.svc.ArchiveGroup(r.Context(), adminActor(r), helpdesk.GroupID(id), archive)
		if err != nil {
			return err
		}
		msg := "admin.group.archived"
		if !archive {
			msg = "admin.group.restored"
		}
		s.flash(r.Context(), "success", l.T(msg, g.Name))
		http.Redirect(w, r, adminPath(t, "/groups"), http.StatusSeeOther)
		return nil
	}
}

func (s *Server) renderGroupForm(w http.ResponseWriter, r *http.Request, status int, id helpdesk.GroupID, form admin.GroupForm, errs map[string]string) error {
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	people, err := s.svc.Agents(r.Context(), by)
	if err != nil {
		return err
	}
	vm := admin.GroupFormView{
		Form: form, Errors: errs, BackURL: adminPath(t, "/groups"),
		Title: l.T("admin.group.new"), ActionURL: adminPath(t, "/groups"), Submit: l.T("admin.group.create"),
	}
	if id != 0 {
		vm.Title, vm.Submit = l.T("admin.group.edit", form.Name), l.T("admin.save")
		vm.ActionURL = adminPath(t, "/groups/"+idString(id))
	}
	vm.Frame = s.adminFrame(r, vm.Title, "groups")
	for _, m := range helpdesk.AssignmentModes() {
		vm.Assignments = append(vm.Assignments, admin.Option{Value: string(m), Label: l.T(msgKey("admin.group.mode_help.", string(m))), Selected: form.Assignment == string(m)})
	}
	for _, u := range people {
		vm.People = append(vm.People, admin.Person{ID: idString(u.ID), Name: u.Name, Email: u.Email})
	}
	return s.render(w, r, status, admin.GroupFormPage(vm))
}
