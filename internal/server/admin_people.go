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

func (s *Server) adminPeopleRoutes(r chi.Router) {
	r.Get("/people", s.h(s.adminPeople))
	r.Post("/people/invite", s.h(s.adminInvite))
	r.Post("/people/invitations/{id}/revoke", s.h(s.adminRevokeInvitation))
	r.Post("/people/invitations/{id}/resend", s.h(s.adminResendInvitation))
	r.Post("/people/{id}/2fa/reset", s.h(s.adminResetFactors))
	r.Post("/people/require-2fa", s.h(s.adminRequireTwoFactor))
	r.Get("/people/{id}", s.h(s.adminPerson))
	r.Post("/people/{id}/role", s.h(s.adminPersonRole))
	r.Post("/people/{id}/active", s.h(s.adminPersonActive))
	r.Post("/people/{id}/routing", s.h(s.adminPersonRouting))
}

func roleLabel(l i18n.Lang, r helpdesk.Role) string { return l.T(msgKey("admin.role.", r.String())) }

func roleOptions(l i18n.Lang, selected string) []admin.Option {
	var out []admin.Option
	for _, r := range []helpdesk.Role{helpdesk.RoleAgent, helpdesk.RoleAdmin} {
		out = append(out, admin.Option{Value: r.String(), Label: roleLabel(l, r), Selected: r.String() == selected})
	}
	return out
}

func (s *Server) adminPeople(w http.ResponseWriter, r *http.Request) error {
	return s.renderPeople(w, r, http.StatusOK, admin.InviteForm{Role: helpdesk.RoleAgent.String()}, nil, "", "")
}

func (s *Server) renderPeople(w http.ResponseWriter, r *http.Request, status int, form admin.InviteForm, errs map[string]string, link, email string) error {
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	people, err := s.svc.AdminPeople(ctx, by)
	if err != nil {
		return err
	}
	groups, err := s.svc.AdminGroups(ctx, by)
	if err != nil {
		return err
	}
	invs, err := s.svc.PendingInvitations(ctx, by)
	if err != nil {
		return err
	}
	required, err := s.svc.StaffTwoFactorRequired(ctx, by)
	if err != nil {
		return err
	}
	vm := admin.PeopleView{RequireTwoFactor: required, RequireURL: adminPath(t, "/people/require-2fa"),
		Frame: s.adminFrame(r, l.T("admin.nav.people"), "people"), InviteURL: adminPath(t, "/people/invite"),
		Form: form, Errors: errs, Roles: inviteRoleOptions(l, form.Role), NewLink: link, NewEmail: email,
		Languages: inviteLanguageOptions(l, t, form.Language),
	}
	loc := deskLocation(t)
	for _, u := range people {
		var gs []string
		for _, g := range groups {
			if g.HasMember(u.ID) && !g.Archived() {
				gs = append(gs, g.Name)
			}
		}
		status := l.T("admin.people.active")
		if !u.Active {
			status = l.T("admin.people.inactive")
		}
		vm.Rows = append(vm.Rows, admin.PersonRow{
			ID: idString(u.ID), Name: u.Name, Email: u.Email, Role: roleLabel(l, u.Role), Status: status, Active: u.Active,
			Groups: orDash(strings.Join(gs, ", ")), EditURL: adminPath(t, "/people/"+idString(u.ID)),
		})
	}
	for _, inv := range invs {
		vm.Invitations = append(vm.Invitations, admin.InvitationRow{
			ID: idString(inv.ID), Email: inv.Email, Role: roleLabel(l, inv.Role),
			Expires:   l.T("admin.people.expires", formatTime(l, loc, inv.ExpiresAt)),
			RevokeURL: adminPath(t, "/people/invitations/"+idString(inv.ID)+"/revoke"),
			ResendURL: adminPath(t, "/people/invitations/"+idString(inv.ID)+"/resend"),
			Mailed:    invitationMailed(l, inv, loc),
		})
	}
	return s.render(w, r, status, admin.PeoplePage(vm))
}

// adminInvite creates an invitation and shows its link once, on the
// answer to the POST itself: the token is never stored in the session.
func (s *Server) adminInvite(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	f := r.PostForm
	form := admin.InviteForm{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role"), Language: f.Get("language")}
	inv, token, err := s.svc.Invite(r.Context(), adminActor(r), helpdesk.InviteInput{Email: form.Email, Name: form.Name, Role: form.Role,
		Language: form.Language})
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderPeople(w, r, http.StatusUnprocessableEntity, form, errs, "", "")
	}
	link := s.cfg.BaseURL + tenantPath(t, "/invitations/"+token)
	// The flash is shown on this very page.
	s.flash(r.Context(), "success", l.T("admin.people.invited", inv.Email))
	return s.renderPeople(w, r, http.StatusOK, admin.InviteForm{Role: form.Role, Language: form.Language}, nil, link, inv.Email)
}

func (s *Server) adminRevokeInvitation(w http.ResponseWriter, r *http.Request) error {
	return s.adminRevoke(w, r, "/people", "admin.people.revoked", func(ctx context.Context, by helpdesk.Actor, id int64) (string, error) {
		inv, err := s.svc.RevokeInvitation(ctx, by, helpdesk.InvitationID(id))
		return inv.Email, err
	})
}

func (s *Server) adminPerson(w http.ResponseWriter, r *http.Request) error {
	return s.renderPerson(w, r, http.StatusOK, nil, nil)
}

// renderPerson shows a person; typed, when set, is a refused routing form
// to show again as typed.
func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, typed *helpdesk.AgentRoutingInput) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	u, routing, open, err := s.svc.AdminPerson(ctx, by, helpdesk.UserID(id))
	if err != nil {
		return err
	}
	cats, err := s.svc.AdminCategories(ctx, by)
	if err != nil {
		return err
	}
	groups, err := s.svc.AdminGroups(ctx, by)
	if err != nil {
		return err
	}
	base := "/people/" + idString(u.ID)
	vm := admin.PersonView{
		Frame: s.adminFrame(r, u.Name, "people"), BackURL: adminPath(t, "/people"), Name: u.Name, Email: u.Email,
		Active: u.Active, Self: u.ID == by.User, RoleURL: adminPath(t, base+"/role"), ActiveURL: adminPath(t, base+"/active"),
		ResetFactorsURL: adminPath(t, base+"/2fa/reset"),
		RoutingURL:      adminPath(t, base+"/routing"), Roles: roleOptions(l, u.Role.String()), Errors: errs,
		TicketsCapped: len(open) >= 100,
	}
	skills, member, capText := map[string]bool{}, map[string]bool{}, ""
	if typed != nil {
		for _, c := range typed.Skills {
			skills[idString(c)] = true
		}
		for _, g := range typed.Groups {
			member[idString(g)] = true
		}
		capText = typed.MaxOpenTickets
	} else {
		for _, c := range routing.Skills {
			skills[idString(c)] = true
		}
		for _, g := range routing.Groups {
			member[idString(g)] = true
		}
		if routing.MaxOpenTickets > 0 {
			capText = strconv.Itoa(routing.MaxOpenTickets)
		}
	}
	vm.Routing.MaxOpenTickets = capText
	for _, c := range cats {
		v := idString(c.ID)
		if c.Archived() && !skills[v] {
			continue
		}
		vm.Routing.Skills = append(vm.Routing.Skills, admin.Check{Value: v, Label: c.Name, Checked: skills[v]})
	}
	for _, g := range groups {
		v := idString(g.ID)
		if g.Archived() && !member[v] {
			continue
		}
		vm.Routing.Groups = append(vm.Routing.Groups, admin.Check{Value: v, Label: l.T("admin.group.label", g.Name, g.Tier), Checked: member[v]})
	}
	for _, tk := range open {
		vm.Tickets = append(vm.Tickets, admin.TicketLink{
			Number: tk.Number.String(), Subject: tk.Subject, Status: statusLabel(l, tk.Status),
			URL: tenantPath(t, "/agent/tickets/"+strconv.FormatInt(int64(tk.Number), 10)),
		})
	}
	return s.render(w, r, status, admin.PersonPage(vm))
}

func (s *Server) adminPersonRole(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	u, err := s.svc.ChangeRole(r.Context(), adminActor(r), helpdesk.UserID(id), r.PostForm.Get("role"))
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderPerson(w, r, http.StatusUnprocessableEntity, errs, nil)
	}, l.T("admin.people.role_saved", u.Name, roleLabel(l, u.Role)), adminPath(t, "/people/"+idString(u.ID)))
}

// adminPersonActive deactivates an active person and reactivates an
// inactive one: the form's one button does what the page offered.
func (s *Server) adminPersonActive(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	cur, _, _, err := s.svc.AdminPerson(ctx, by, helpdesk.UserID(id))
	if err != nil {
		return err
	}
	u, open, err := s.svc.SetActive(ctx, by, cur.ID, !cur.Active)
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderPerson(w, r, http.StatusUnprocessableEntity, errs, nil)
	}
	msg := l.T("admin.people.reactivated", u.Name)
	if !u.Active {
		msg = l.T("admin.people.deactivated", u.Name)
		if len(open) > 0 {
			msg += " " + l.N("admin.people.reassign_count", len(open))
		}
	}
	s.flash(ctx, "success", msg)
	http.Redirect(w, r, adminPath(t, "/people/"+idString(u.ID)), http.StatusSeeOther)
	return nil
}

func (s *Server) adminPersonRouting(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	f := r.PostForm
	in := helpdesk.AgentRoutingInput{MaxOpenTickets: f.Get("max_open_tickets")}
	for _, v := range f["skills"] {
		in.Skills = append(in.Skills, helpdesk.CategoryID(optionalID(v)))
	}
	for _, v := range f["groups"] {
		in.Groups = append(in.Groups, helpdesk.GroupID(optionalID(v)))
	}
	if _, err := s.svc.SetAgentRouting(r.Context(), adminActor(r), helpdesk.UserID(id), in); err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderPerson(w, r, http.StatusUnprocessableEntity, errs, &in)
	}
	s.flash(r.Context(), "success", l.T("admin.people.routing_saved"))
	http.Redirect(w, r, adminPath(t, "/people/"+strconv.FormatInt(id, 10)), http.StatusSeeOther)
	return nil
}
