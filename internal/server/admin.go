package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
	"github.com/atiende/atiende/web/layout"
)

// adminSection is one entry of the admin navigation. Path is relative to
// the tenant; label is a catalogue key. Areas built elsewhere (SLA,
// automation, email) add their line here and mount their routes in
// adminRoutes.
type adminSection struct {
	id, path, label string
}

// adminSections is the admin navigation, in the order shown.
var adminSections = []adminSection{
	{"home", "/admin/", "admin.nav.home"},
	{"people", "/admin/people", "admin.nav.people"},
	{"organisations", "/admin/organisations", "admin.nav.organisations"},
	{"customers", "/admin/customers", "admin.nav.customers"},
	{"categories", "/admin/categories", "admin.nav.categories"},
	{"groups", "/admin/groups", "admin.nav.groups"},
	{"fields", "/admin/fields", "admin.nav.fields"},
	{"priority", "/admin/priority", "admin.nav.priority"},
	{"sla", "/admin/sla", "admin.nav.sla"},
	{"automation", "/admin/automation", "admin.nav.automation"},
	{"email", "/admin/email", "admin.nav.email"},
	{"api", "/admin/api", "admin.nav.api"},
	{"webhooks", "/admin/webhooks", "admin.nav.webhooks"},
	{"macros", "/agent/macros", "admin.nav.macros"},
	{"kb", "/admin/kb", "admin.nav.kb"},
	{"settings", "/admin/settings", "admin.nav.settings"},
	{"sso", "/admin/sso", "admin.nav.sso"},
	{"audit", "/admin/audit", "admin.nav.audit"},
}

// adminRoutes are the admin pages, for admins only.
func (s *Server) adminRoutes(r chi.Router) {
	r.Use(s.requireAdmin)
	r.Get("/", s.h(s.adminHome))
	r.Get("/audit", s.h(s.adminAudit))
	s.adminCategoryRoutes(r)
	s.adminGroupRoutes(r)
	s.adminPeopleRoutes(r)
	s.adminFieldRoutes(r)
	s.adminSettingsRoutes(r)
	s.adminPriorityRoutes(r)
	s.adminCustomerRoutes(r)
	s.adminSLARoutes(r)
	s.adminAutomationRoutes(r)
	s.adminEmailRoutes(r)
	s.adminKBRoutes(r)
	s.adminAPIRoutes(r)
	s.adminWebhookRoutes(r)
	s.adminSSORoutes(r)
}

// requireAdmin lets admins through and sends signed-out visitors to the
// login page. Agents and customers get 404, as requireStaff answers
// customers: the admin pages do not exist for them.
func (s *Server) requireAdmin(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		u, ok := userFrom(r)
		if !ok {
			t := tenantFrom(r)
			http.Redirect(w, r, tenantPath(t, "/login")+"?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		if u.Role != helpdesk.RoleAdmin {
			return errNotFound
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// adminFrame builds the shell of an admin page; current is the id of the
// section the page belongs to.
func (s *Server) adminFrame(r *http.Request, title, current string) admin.Frame {
	c := s.chrome(r, title)
	c.Area = layout.AreaAdmin
	t := tenantFrom(r)
	f := admin.Frame{Chrome: c, Flash: c.Flash}
	f.Chrome.Flash = nil
	for _, sec := range adminSections {
		f.Nav = append(f.Nav, admin.NavItem{ID: sec.id, Label: c.L.T(sec.label), URL: tenantPath(t, sec.path), Current: sec.id == current})
	}
	return f
}

// adminActor is the signed-in admin as the domain's actor.
func adminActor(r *http.Request) helpdesk.Actor {
	u, _ := userFrom(r)
	return u.Actor()
}

// adminPath is the path p under the tenant's admin pages.
func adminPath(t helpdesk.Tenant, p string) string { return tenantPath(t, "/admin"+p) }

// deskLocation is the desk's time zone, for showing and reading times;
// UTC when the stored name is unknown to this system.
func deskLocation(t helpdesk.Tenant) *time.Location {
	if loc, err := time.LoadLocation(t.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) error {
	t, l := tenantFrom(r), s.lang(r)
	sum, err := s.svc.DeskSummary(r.Context(), adminActor(r))
	if err != nil {
		return err
	}
	n := strconv.Itoa
	vm := admin.HomeView{
		Frame:    s.adminFrame(r, l.T("admin.nav.home"), "home"),
		DeskName: t.Name,
		AuditURL: adminPath(t, "/audit"),
		Stats: []admin.Stat{
			{ID: "open", Label: l.T("admin.stat.open"), Value: n(sum.OpenTickets), URL: tenantPath(t, "/agent/")},
			{ID: "unassigned", Label: l.T("admin.stat.unassigned"), Value: n(sum.UnassignedTickets), URL: tenantPath(t, "/agent/views/unassigned")},
			{ID: "agents", Label: l.T("admin.stat.agents"), Value: n(sum.Agents + sum.Admins), URL: adminPath(t, "/people")},
			{ID: "invites", Label: l.T("admin.stat.invites"), Value: n(sum.PendingInvites), URL: adminPath(t, "/people")},
			{ID: "customers", Label: l.T("admin.stat.customers"), Value: n(sum.Customers), URL: adminPath(t, "/customers")},
			{ID: "organisations", Label: l.T("admin.stat.organisations"), Value: n(sum.Organisations), URL: adminPath(t, "/organisations")},
			{ID: "groups", Label: l.T("admin.stat.groups"), Value: n(sum.Groups), URL: adminPath(t, "/groups")},
			{ID: "categories", Label: l.T("admin.stat.categories"), Value: n(sum.Categories), URL: adminPath(t, "/categories")},
			{ID: "fields", Label: l.T("admin.stat.fields"), Value: n(sum.CustomFields), URL: adminPath(t, "/fields")},
		},
	}
	words, err := s.auditWords(r, l)
	if err != nil {
		return err
	}
	loc := deskLocation(t)
	for _, e := range sum.Recent {
		vm.Recent = append(vm.Recent, auditRow(words, loc, e))
	}
	return s.render(w, r, http.StatusOK, admin.HomePage(vm))
}

func auditActionLabel(l i18n.Lang, action string) string {
	return translated(l, "admin.audit.action."+action, action)
}

func auditKindLabel(l i18n.Lang, kind string) string {
	return translated(l, "admin.audit.kind."+kind, kind)
}

// translated is key's message, or fallback when the catalogue lacks it.
func translated(l i18n.Lang, key, fallback string) string {
	if l.Has(key) {
		return l.T(key)
	}
	return fallback
}

// flashError is an error message shown at the top of a page.
func flashError(msg string) *layout.Flash {
	return &layout.Flash{Kind: layout.FlashError, Message: msg}
}
