package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/admin"
)

func (s *Server) adminCustomerRoutes(r chi.Router) {
	r.Get("/organisations", s.h(s.adminOrganisations))
	r.Post("/organisations", s.h(s.adminSaveOrganisation))
	r.Get("/organisations/{id}", s.h(s.adminOrganisation))
	r.Post("/organisations/{id}", s.h(s.adminSaveOrganisation))
	r.Get("/customers", s.h(s.adminCustomers))
	r.Get("/customers/{id}", s.h(s.adminCustomer))
	r.Post("/customers/{id}", s.h(s.adminUpdateCustomer))
	r.Post("/customers/{id}/block", s.h(s.adminBlockCustomer))
	r.Post("/customers/{id}/merge", s.h(s.adminMergeCustomer))
}

func (s *Server) adminOrganisations(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrganisations(w, r, http.StatusOK, 0, admin.OrgForm{}, nil)
}

func (s *Server) adminOrganisation(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := s.svc.AdminOrganisation(r.Context(), adminActor(r), helpdesk.OrganisationID(id))
	if err != nil {
		return err
	}
	return s.renderOrganisations(w, r, http.StatusOK, o.ID, admin.OrgForm{Name: o.Name, Domains: strings.Join(o.Domains, ", "), Shared: o.SharedTickets}, nil)
}

// adminSaveOrganisation creates (POST /organisations) or updates (POST
// /organisations/{id}) an organisation.
func (s *Server) adminSaveOrganisation(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if chi.URLParam(r, "id") != "" {
		var err error
		if id, err = pathID(r); err != nil {
			return err
		}
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	f := r.PostForm
	form := admin.OrgForm{Name: f.Get("name"), Domains: f.Get("domains"), Shared: f.Get("shared") != ""}
	o, err := s.svc.SaveOrganisation(r.Context(), adminActor(r), helpdesk.OrganisationID(id),
		helpdesk.OrganisationInput{Name: form.Name, Domains: form.Domains, SharedTickets: form.Shared})
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderOrganisations(w, r, http.StatusUnprocessableEntity, helpdesk.OrganisationID(id), form, errs)
	}, l.T("admin.org.saved", o.Name), adminPath(t, "/organisations"))
}

func (s *Server) renderOrganisations(w http.ResponseWriter, r *http.Request, status int, id helpdesk.OrganisationID, form admin.OrgForm, errs map[string]string) error {
	t, l := tenantFrom(r), s.lang(r)
	vm := admin.OrganisationsView{
		Title: l.T("admin.nav.organisations"), ActionURL: adminPath(t, "/organisations"), BackURL: adminPath(t, "/organisations"),
		Form: form, Errors: errs, Submit: l.T("admin.org.create"),
	}
	if id != 0 {
		vm.Editing, vm.Title, vm.Submit = true, l.T("admin.org.edit", form.Name), l.T("admin.save")
		vm.ActionURL = adminPath(t, "/organisations/"+idString(id))
	} else {
		orgs, err := s.svc.Organisations(r.Context(), adminActor(r))
		if err != nil {
			return err
		}
		for _, o := range orgs {
			shared := l.T("admin.no")
			if o.SharedTickets {
				shared = l.T("admin.yes")
			}
			vm.Rows = append(vm.Rows, admin.OrgRow{
				ID: idString(o.ID), Name: o.Name, Domains: orDash(strings.Join(o.Domains, ", ")), Shared: shared,
				Members: strconv.Itoa(o.Members), EditURL: adminPath(t, "/organisations/"+idString(o.ID)),
			})
		}
	}
	vm.Frame = s.adminFrame(r, vm.Title, "organisations")
	return s.render(w, r, status, admin.OrganisationsPage(vm))
}

// adminCustomers lists customers, searched by name or email, a page at a
// time (keyset on name and id, carried in the next link).
func (s *Server) adminCustomers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	in := r.URL.Query()
	q := in.Get("q")
	afterID, _ := strconv.ParseInt(in.Get("after_id"), 10, 64)
	vm := admin.CustomersView{Frame: s.adminFrame(r, l.T("admin.nav.customers"), "customers"), ActionURL: adminPath(t, "/customers"), Query: q}
	page, err := s.svc.Customers(ctx, by, q, in.Get("after_name"), helpdesk.UserID(max(afterID, 0)))
	status := http.StatusOK
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		vm.Error, status = errs["q"], http.StatusUnprocessableEntity
	}
	orgs, err := s.svc.Organisations(ctx, by)
	if err != nil {
		return err
	}
	names := map[helpdesk.OrganisationID]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	for _, u := range page.Customers {
		st := l.T("admin.people.active")
		switch {
		case u.MergedInto != 0:
			st = l.T("admin.customer.merged")
		case !u.Active:
			st = l.T("admin.customer.blocked")
		}
		vm.Rows = append(vm.Rows, admin.CustomerRow{Name: u.Name, Email: u.Email, Organisation: orDash(names[u.Organisation]), Status: st,
			EditURL: adminPath(t, "/customers/"+idString(u.ID))})
	}
	if page.NextID != 0 {
		next := url.Values{"after_name": {page.NextName}, "after_id": {idString(page.NextID)}}
		if q != "" {
			next.Set("q", q)
		}
		vm.NextURL = adminPath(t, "/customers") + "?" + next.Encode()
	}
	return s.render(w, r, status, admin.CustomersPage(vm))
}

func (s *Server) adminCustomer(w http.ResponseWriter, r *http.Request) error {
	return s.renderCustomer(w, r, http.StatusOK, nil, "", nil)
}

// renderCustomer shows a customer; form, when set, is a refused form to
// show again as typed, and into the merge form's email as typed.
func (s *Server) renderCustomer(w http.ResponseWriter, r *http.Request, status int, form *admin.CustomerForm, into string, errs map[string]string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, by := tenantFrom(r), adminActor(r)
	u, err := s.svc.AdminCustomer(ctx, by, helpdesk.UserID(id))
	if err != nil {
		return err
	}
	orgs, err := s.svc.Organisations(ctx, by)
	if err != nil {
		return err
	}
	f := admin.CustomerForm{Name: u.Name, Phone: u.Phone}
	if u.Organisation != 0 {
		f.Organisation = idString(u.Organisation)
	}
	if form != nil {
		f = *form
	}
	f.Into = into
	base := "/customers/" + idString(u.ID)
	vm := admin.CustomerView{
		Frame: s.adminFrame(r, u.Name, "customers"), BackURL: adminPath(t, "/customers"), Name: u.Name, Email: u.Email,
		Blocked: !u.Active, ActionURL: adminPath(t, base), BlockURL: adminPath(t, base+"/block"), MergeURL: adminPath(t, base+"/merge"),
		Form: f, Errors: errs,
	}
	if u.MergedInto != 0 {
		if into, err := s.svc.AdminCustomer(ctx, by, u.MergedInto); err == nil {
			vm.MergedInto = into.Email
		}
	}
	for _, o := range orgs {
		v := idString(o.ID)
		vm.Organisations = append(vm.Organisations, admin.Option{Value: v, Label: o.Name, Selected: v == f.Organisation})
	}
	return s.render(w, r, status, admin.CustomerPage(vm))
}

func (s *Server) adminUpdateCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	f := r.PostForm
	form := admin.CustomerForm{Name: f.Get("name"), Phone: f.Get("phone"), Organisation: f.Get("organisation")}
	u, err := s.svc.UpdateCustomer(r.Context(), adminActor(r), helpdesk.UserID(id), helpdesk.CustomerInput{
		Name: form.Name, Phone: form.Phone, Organisation: helpdesk.OrganisationID(optionalID(form.Organisation)),
	})
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderCustomer(w, r, http.StatusUnprocessableEntity, &form, "", errs)
	}, l.T("admin.customer.saved", u.Name), adminPath(t, "/customers/"+idString(u.ID)))
}

// adminBlockCustomer blocks an active customer and unblocks a blocked one.
func (s *Server) adminBlockCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, l, by := tenantFrom(r), s.lang(r), adminActor(r)
	cur, err := s.svc.AdminCustomer(ctx, by, helpdesk.UserID(id))
	if err != nil {
		return err
	}
	u, err := s.svc.BlockCustomer(ctx, by, cur.ID, cur.Active)
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderCustomer(w, r, http.StatusUnprocessableEntity, nil, "", errs)
	}
	msg := l.T("admin.customer.unblocked", u.Name)
	if !u.Active {
		msg = l.T("admin.customer.blocked_done", u.Name)
	}
	s.flash(ctx, "success", msg)
	http.Redirect(w, r, adminPath(t, "/customers/"+idString(u.ID)), http.StatusSeeOther)
	return nil
}

func (s *Server) adminMergeCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	t, l := tenantFrom(r), s.lang(r)
	intoEmail := r.PostForm.Get("into")
	into, moved, err := s.svc.MergeCustomer(r.Context(), adminActor(r), helpdesk.UserID(id), intoEmail)
	return s.formDone(w, r, err, func(errs map[string]string) error {
		return s.renderCustomer(w, r, http.StatusUnprocessableEntity, nil, intoEmail, errs)
	}, l.N("admin.customer.merged_done", moved, into.Email), adminPath(t, "/customers/"+idString(into.ID)))
}
