package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestAdminDefaultGroupRoutesUncategorisedTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("dg")
	ctx := context.Background()
	g, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N1", 1, nil)
	require.NoError(t, err)
	id := strconv.FormatInt(int64(g.ID), 10)
	c := e.client()
	c.login(d, d.admin)
	res := c.post("/"+d.tenant.Slug+"/admin/groups/default", url.Values{"default_group": {id}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page := c.get("/" + d.tenant.Slug + "/admin/groups")
	v, _ := page.doc.Find(`#default_group option[selected]`).Attr("value")
	require.Equal(t, id, v)

	// A portal ticket without a category now lands in the group.
	tk := e.consoleOpen(d.customer, "Sin categoría")
	require.Equal(t, g.ID, e.staffTicket(d, tk.Number).Group)

	// A forged id is refused and nothing changes; agents get no page.
	res = c.post("/"+d.tenant.Slug+"/admin/groups/default", url.Values{"default_group": {"abc"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	got, err := e.svc.DefaultGroup(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Equal(t, helpdesk.GroupID(g.ID), got)
	ac := e.client()
	ac.login(d, d.agent)
	require.Equal(t, http.StatusNotFound, ac.post("/"+d.tenant.Slug+"/admin/groups/default", url.Values{"default_group": {""}}).status)
}
