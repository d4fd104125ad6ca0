package server

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

func (s *Server) apiDirectoryRoutes(r chi.Router) {
	r.Get("/customers", s.api(helpdesk.ScopeUsersRead, s.apiCustomers))
	r.Post("/customers", s.api(helpdesk.ScopeUsersWrite, s.apiCreateCustomer))
	r.Get("/customers/{id}", s.api(helpdesk.ScopeUsersRead, s.apiCustomer))
	r.Patch("/customers/{id}", s.api(helpdesk.ScopeUsersWrite, s.apiUpdateCustomer))
	r.Get("/organisations", s.api(helpdesk.ScopeUsersRead, s.apiOrganisations))
	r.Post("/organisations", s.api(helpdesk.ScopeUsersWrite, s.apiSaveOrganisation))
	r.Get("/organisations/{id}", s.api(helpdesk.ScopeUsersRead, s.apiOrganisation))
	r.Patch("/organisations/{id}", s.api(helpdesk.ScopeUsersWrite, s.apiSaveOrganisation))
	r.Get("/agents", s.api(helpdesk.ScopeUsersRead, s.apiAgents))
	r.Get("/groups", s.api(helpdesk.ScopeUsersRead, s.apiGroups))
	r.Get("/categories", s.api(helpdesk.ScopeTicketsRead, s.apiCategories))
	r.Get("/custom-fields", s.api(helpdesk.ScopeTicketsRead, s.apiCustomFields))
}

type apiCustomer struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Phone        string    `json:"phone"`
	Organisation *int64    `json:"organisation_id"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

func toAPICustomer(u helpdesk.User) apiCustomer {
	return apiCustomer{ID: int64(u.ID), Name: u.Name, Email: u.Email, Phone: u.Phone, Organisation: optID(u.Organisation),
		Active: u.Active, CreatedAt: u.CreatedAt.UTC()}
}

type apiOrganisation struct {
	ID            int64    `json:"id"`
	Name          string   `json:"name"`
	SharedTickets bool     `json:"shared_tickets"`
	Domains       []string `json:"domains"`
	Members       int      `json:"members"`
}

func toAPIOrganisation(o helpdesk.Organisation) apiOrganisation {
	d := o.Domains
	if d == nil {
		d = []string{}
	}
	return apiOrganisation{ID: int64(o.ID), Name: o.Name, SharedTickets: o.SharedTickets, Domains: d, Members: o.Members}
}

func apiID(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, helpdesk.ErrNotFound
	}
	return n, nil
}

// customerCursor is the customer list's keyset (name, id), opaque to
// clients.
func customerCursor(name string, id helpdesk.UserID) string {
	if id == 0 {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(int64(id), 10) + "|" + name))
}

func parseCustomerCursor(s string) (string, helpdesk.UserID, error) {
	if s == "" {
		return "", 0, nil
	}
	bad := &helpdesk.ValidationError{Fields: map[string]string{"cursor": "error.invalid"}}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > 1024 {
		return "", 0, bad
	}
	idText, name, ok := strings.Cut(string(raw), "|")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return "", 0, bad
	}
	return name, helpdesk.UserID(id), nil
}

func (s *Server) apiCustomers(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	name, id, err := parseCustomerCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	page, err := s.svc.Customers(r.Context(), c.by, r.URL.Query().Get("q"), name, id)
	if err != nil {
		return err
	}
	out := apiList[apiCustomer]{Data: []apiCustomer{}, NextCursor: customerCursor(page.NextName, page.NextID)}
	for _, u := range page.Customers {
		out.Data = append(out.Data, toAPICustomer(u))
	}
	return apiJSON(w, http.StatusOK, out)
}

func (s *Server) apiCustomer(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	id, err := apiID(r)
	if err != nil {
		return err
	}
	u, err := s.svc.AdminCustomer(r.Context(), c.by, helpdesk.UserID(id))
	if err != nil {
		return err
	}
	return apiJSON(w, http.StatusOK, toAPICustomer(u))
}

type apiCustomerIn struct {
	Name         *string `json:"name"`
	Email        string  `json:"email"`
	Phone        *string `json:"phone"`
	Organisation *int64  `json:"organisation_id"`
}

func (s *Server) apiCreateCustomer(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	var in apiCustomerIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	nc := helpdesk.NewCustomerInput{Email: in.Email}
	if in.Name != nil {
		nc.Name = *in.Name
	}
	if in.Phone != nil {
		nc.Phone = *in.Phone
	}
	if in.Organisation != nil {
		nc.Organisation = helpdesk.OrganisationID(*in.Organisation)
	}
	u, err := s.svc.CreateCustomer(r.Context(), c.by, nc)
	if err != nil {
		return err
	}
	w.Header().Set("Location", tenantPath(c.tenant, "/api/v1/customers/"+idString(u.ID)))
	return apiJSON(w, http.StatusCreated, toAPICustomer(u))
}

func (s *Server) apiUpdateCustomer(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	id, err := apiID(r)
	if err != nil {
		return err
	}
	var in apiCustomerIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	old, err := s.svc.AdminCustomer(r.Context(), c.by, helpdesk.UserID(id))
	if err != nil {
		return err
	}
	ci := helpdesk.CustomerInput{Name: old.Name, Phone: old.Phone, Organisation: old.Organisation}
	if in.Name != nil {
		ci.Name = *in.Name
	}
	if in.Phone != nil {
		ci.Phone = *in.Phone
	}
	if in.Organisation != nil {
		ci.Organisation = helpdesk.OrganisationID(*in.Organisation)
	}
	u, err := s.svc.UpdateCustomer(r.Context(), c.by, helpdesk.UserID(id), ci)
	if err != nil {
		return err
	}
	return apiJSON(w, http.StatusOK, toAPICustomer(u))
}

func (s *Server) apiOrganisations(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	orgs, err := s.svc.Organisations(r.Context(), c.by)
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	out := apiList[apiOrganisation]{Data: []apiOrganisation{}}
	for _, o := range orgs {
		if q == "" || strings.Contains(strings.ToLower(o.Name), q) {
			out.Data = append(out.Data, toAPIOrganisation(o))
		}
	}
	return apiJSON(w, http.StatusOK, out)
}

func (s *Server) apiOrganisation(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	id, err := apiID(r)
	if err != nil {
		return err
	}
	o, err := s.svc.AdminOrganisation(r.Context(), c.by, helpdesk.OrganisationID(id))
	if err != nil {
		return err
	}
	return apiJSON(w, http.StatusOK, toAPIOrganisation(o))
}

type apiOrganisationIn struct {
	Name          *string   `json:"name"`
	SharedTickets *bool     `json:"shared_tickets"`
	Domains       *[]string `json:"domains"`
}

// apiSaveOrganisation creates (POST) or updates (PATCH /{id}) an
// organisation; members left out of a PATCH keep their values.
func (s *Server) apiSaveOrganisation(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	var id int64
	var in apiOrganisationIn
	if r.Method == http.MethodPatch {
		var err error
		if id, err = apiID(r); err != nil {
			return err
		}
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var oi helpdesk.OrganisationInput
	if id != 0 {
		old, err := s.svc.AdminOrganisation(r.Context(), c.by, helpdesk.OrganisationID(id))
		if err != nil {
			return err
		}
		oi = helpdesk.OrganisationInput{Name: old.Name, SharedTickets: old.SharedTickets, Domains: strings.Join(old.Domains, " ")}
	}
	if in.Name != nil {
		oi.Name = *in.Name
	}
	if in.SharedTickets != nil {
		oi.SharedTickets = *in.SharedTickets
	}
	if in.Domains != nil {
		oi.Domains = strings.Join(*in.Domains, " ")
	}
	o, err := s.svc.SaveOrganisation(r.Context(), c.by, helpdesk.OrganisationID(id), oi)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
		w.Header().Set("Location", tenantPath(c.tenant, "/api/v1/organisations/"+idString(o.ID)))
	}
	return apiJSON(w, status, toAPIOrganisation(o))
}

type apiAgent struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

func (s *Server) apiAgents(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	us, err := s.svc.Agents(r.Context(), c.by)
	if err != nil {
		return err
	}
	out := apiList[apiAgent]{Data: []apiAgent{}}
	for _, u := range us {
		out.Data = append(out.Data, apiAgent{ID: int64(u.ID), Name: u.Name, Email: u.Email, Role: u.Role.String()})
	}
	return apiJSON(w, http.StatusOK, out)
}

type apiGroup struct {
	ID      int64   `json:"id"`
	Name    string  `json:"name"`
	Tier    int     `json:"tier"`
	Members []int64 `json:"member_ids"`
}

func (s *Server) apiGroups(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	gs, err := s.svc.Groups(r.Context(), c.by)
	if err != nil {
		return err
	}
	out := apiList[apiGroup]{Data: []apiGroup{}}
	for _, g := range gs {
		m := make([]int64, len(g.Members))
		for i, id := range g.Members {
			m[i] = int64(id)
		}
		out.Data = append(out.Data, apiGroup{ID: int64(g.ID), Name: g.Name, Tier: g.Tier, Members: m})
	}
	return apiJSON(w, http.StatusOK, out)
}

type apiCategory struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Internal    bool   `json:"internal"`
}

func (s *Server) apiCategories(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	cs, err := s.svc.Categories(r.Context(), c.by)
	if err != nil {
		return err
	}
	out := apiList[apiCategory]{Data: []apiCategory{}}
	for _, k := range cs {
		out.Data = append(out.Data, apiCategory{ID: int64(k.ID), Name: k.Name, Description: k.Description, Internal: k.Internal})
	}
	return apiJSON(w, http.StatusOK, out)
}

type apiFieldOption struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

type apiField struct {
	ID              int64            `json:"id"`
	Key             string           `json:"key"`
	Label           string           `json:"label"`
	Type            string           `json:"type"`
	Options         []apiFieldOption `json:"options"`
	CustomerVisible bool             `json:"customer_visible"`
	Required        bool             `json:"required"`
}

func (s *Server) apiCustomFields(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	defs, err := s.svc.TicketFields(r.Context(), c.by)
	if err != nil {
		return err
	}
	out := apiList[apiField]{Data: []apiField{}}
	for _, d := range defs {
		f := apiField{ID: int64(d.ID), Key: d.Key, Label: d.Label, Type: string(d.Type), Options: []apiFieldOption{},
			CustomerVisible: d.CustomerVisible, Required: d.Required || d.AgentRequired}
		for _, o := range d.Options {
			f.Options = append(f.Options, apiFieldOption{Value: o.Value, Label: o.Label})
		}
		out.Data = append(out.Data, f)
	}
	return apiJSON(w, http.StatusOK, out)
}
