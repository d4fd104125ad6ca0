package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func id64[T ~int64](id T) string { return strconv.FormatInt(int64(id), 10) }

func TestAdminCategoriesCreateEditArchive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("cats")
	other := e.newDesk("otra")
	ctx := context.Background()
	n2, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Especialistas N2", 2, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	foreignGroup, err := e.svc.CreateGroup(ctx, other.admin.Actor(), "Grupo ajeno", 1, nil)
	require.NoError(t, err)
	c := e.adminClient(d)

	// Refused input comes back as typed, with field messages; nothing is stored.
	res := c.post(adminPath(d, "/categories"), url.Values{
		"name": {""}, "description": {"Para <b>todo</b>"}, "default_group": {id64(foreignGroup.ID)},
		"default_priority": {"altísima"}, "position": {"abc"}, "tenant_id": {id64(other.tenant.ID)},
	})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, "Este campo es obligatorio.", text(res, `[data-testid="error-name"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-default_group"]`), "another desk's group is no choice")
	assert.NotEmpty(t, text(res, `[data-testid="error-default_priority"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-position"]`))
	assert.Equal(t, "Para <b>todo</b>", res.doc.Find(`#description`).Text())
	assert.Equal(t, "abc", res.doc.Find(`#position`).AttrOr("value", ""))
	assert.Equal(t, 1, res.doc.Find(`[data-testid="error-summary"]`).Length())
	cats, err := e.svc.AdminCategories(ctx, d.admin.Actor())
	require.NoError(t, err)
	assert.Empty(t, cats)

	res = c.post(adminPath(d, "/categories"), url.Values{
		"name": {"Red y VPN"}, "description": {"Conexión, wifi y VPN"}, "default_group": {id64(n2.ID)},
		"default_priority": {"high"}, "portal_visible": {"1"}, "position": {"5"},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, adminPath(d, "/categories"), res.header.Get("Location"))
	page := c.get(adminPath(d, "/categories"))
	assert.Contains(t, text(page, `[data-testid="flash"]`), "Red y VPN")
	require.Equal(t, 1, page.doc.Find(`[data-testid="category"]`).Length())
	cats, err = e.svc.AdminCategories(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, cats, 1)
	cat := cats[0]
	assert.Equal(t, n2.ID, cat.DefaultGroup)
	assert.Equal(t, helpdesk.PriorityHigh, cat.DefaultPriority)
	assert.False(t, cat.Internal)
	assert.Equal(t, 5, cat.Position)

	// A second name clash is a field error.
	res = c.post(adminPath(d, "/categories"), url.Values{"name": {"Red y VPN"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-name"]`))

	// Edit: make it internal; the customer's form stops offering it.
	edit := c.get(adminPath(d, "/categories/"+id64(cat.ID)))
	require.Equal(t, http.StatusOK, edit.status)
	assert.Equal(t, "Red y VPN", edit.doc.Find(`#name`).AttrOr("value", ""))
	assert.Equal(t, id64(n2.ID), edit.doc.Find(`#default_group option[selected]`).AttrOr("value", ""))
	cust := e.client()
	cust.login(d, d.customer)
	assert.Contains(t, cust.get("/cats/tickets/new").body, "Red y VPN")
	res = c.post(adminPath(d, "/categories/"+id64(cat.ID)), url.Values{"name": {"Red y VPN"}, "default_group": {id64(n2.ID)}, "position": {"5"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.NotContains(t, cust.get("/cats/tickets/new").body, "Red y VPN")
	staffCats, err := e.svc.Categories(ctx, d.agent.Actor())
	require.NoError(t, err)
	assert.Len(t, staffCats, 1, "agents still see an internal category")

	// Archive: offered nowhere, but listed (as archived) for admins and restorable.
	res = c.post(adminPath(d, "/categories/"+id64(cat.ID)+"/archive"), url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status)
	staffCats, err = e.svc.Categories(ctx, d.agent.Actor())
	require.NoError(t, err)
	assert.Empty(t, staffCats)
	page = c.get(adminPath(d, "/categories"))
	assert.Equal(t, 1, page.doc.Find(`[data-testid="category"] [data-testid="archived"]`).Length())
	res = c.post(adminPath(d, "/categories/"+id64(cat.ID)+"/restore"), url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status)

	// Another desk's category through this desk's pages: not found, unchanged.
	foreign, err := e.svc.CreateCategory(ctx, other.admin.Actor(), "Secreta")
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, c.get(adminPath(d, "/categories/"+id64(foreign.ID))).status)
	assert.Equal(t, http.StatusNotFound, c.post(adminPath(d, "/categories/"+id64(foreign.ID)), url.Values{"name": {"Robada"}}).status)
	assert.Equal(t, http.StatusNotFound, c.post(adminPath(d, "/categories/"+id64(foreign.ID)+"/archive"), url.Values{}).status)
	assert.Equal(t, http.StatusNotFound, c.get(adminPath(d, "/categories/abc")).status)
	got, err := e.svc.AdminCategory(ctx, other.admin.Actor(), foreign.ID)
	require.NoError(t, err)
	assert.Equal(t, "Secreta", got.Name)
	assert.False(t, got.Archived())

	// Every change is in the log, with before and after.
	log := c.get(adminPath(d, "/audit?kind=category"))
	require.Equal(t, http.StatusOK, log.status)
	assert.Equal(t, 4, log.doc.Find(`[data-testid="audit-entry"]`).Length(), "create, update, archive, restore")
	assert.Contains(t, log.body, "Visible en el portal")
}

func TestAdminGroupsMembersLeadsAndArchive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("equipos")
	other := e.newDesk("fuera")
	ctx := context.Background()
	c := e.adminClient(d)

	res := c.post(adminPath(d, "/groups"), url.Values{
		"name": {"Especialistas N2"}, "tier": {"12"}, "assignment": {"magic"},
		"members": {id64(d.agent.ID), id64(other.agent.ID)}, "leads": {id64(d.admin.ID)},
	})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="error-tier"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-assignment"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-members"]`), "another desk's agent")
	assert.NotEmpty(t, text(res, `[data-testid="error-leads"]`), "a lead who is not a member")
	assert.Equal(t, "12", res.doc.Find(`#tier`).AttrOr("value", ""))
	assert.Equal(t, 1, res.doc.Find(`[data-testid="member-`+id64(d.agent.ID)+`"][checked]`).Length())

	res = c.post(adminPath(d, "/groups"), url.Values{
		"name": {"Especialistas N2"}, "tier": {"2"}, "assignment": {"round_robin"},
		"members": {id64(d.agent.ID), id64(d.admin.ID)}, "leads": {id64(d.admin.ID)},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	gs, err := e.svc.AdminGroups(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, gs, 1)
	g := gs[0]
	assert.Equal(t, 2, g.Tier)
	assert.Equal(t, helpdesk.AssignRoundRobin, g.Assignment)
	assert.ElementsMatch(t, []helpdesk.UserID{d.agent.ID, d.admin.ID}, g.Members)
	assert.Equal(t, []helpdesk.UserID{d.admin.ID}, g.Leads)

	// Edit: drop the admin, make the agent lead.
	res = c.post(adminPath(d, "/groups/"+id64(g.ID)), url.Values{
		"name": {"Especialistas N2"}, "tier": {"2"}, "assignment": {"least_loaded"},
		"members": {id64(d.agent.ID)}, "leads": {id64(d.agent.ID)},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	g, err = e.svc.AdminGroup(ctx, d.admin.Actor(), g.ID)
	require.NoError(t, err)
	assert.Equal(t, []helpdesk.UserID{d.agent.ID}, g.Members)
	assert.Equal(t, []helpdesk.UserID{d.agent.ID}, g.Leads)
	assert.Equal(t, helpdesk.AssignLeastLoaded, g.Assignment)

	// Archived groups leave the console's choices.
	res = c.post(adminPath(d, "/groups/"+id64(g.ID)+"/archive"), url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status)
	active, err := e.svc.Groups(ctx, d.agent.Actor())
	require.NoError(t, err)
	assert.Empty(t, active)

	// Another desk's group: not found through these pages.
	foreign, err := e.svc.CreateGroup(ctx, other.admin.Actor(), "Ajeno", 1, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, c.get(adminPath(d, "/groups/"+id64(foreign.ID))).status)
	assert.Equal(t, http.StatusNotFound, c.post(adminPath(d, "/groups/"+id64(foreign.ID)), url.Values{"name": {"x"}, "tier": {"1"}, "assignment": {"manual"}}).status)
	assert.Equal(t, http.StatusNotFound, c.post(adminPath(d, "/groups/"+id64(foreign.ID)+"/archive"), url.Values{}).status)

	log := c.get(adminPath(d, "/audit?kind=group"))
	assert.Equal(t, 3, log.doc.Find(`[data-testid="audit-entry"]`).Length())
	assert.Contains(t, log.body, "Responsables")
}
