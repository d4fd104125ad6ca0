package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestConsoleAssignsToAGroupAndAgent: the workspace's pickers list the
// desk's groups and agents, and the domain's routing rules still apply.
func TestConsoleAssignsToAGroupAndAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("grupos")
	other := e.newDesk("ajeno")
	ctx := context.Background()
	n1, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	n2, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Especialistas N2", 2, []helpdesk.UserID{d.admin.ID})
	require.NoError(t, err)
	foreign, err := e.svc.CreateGroup(ctx, other.admin.Actor(), "Grupo ajeno", 1, nil)
	require.NoError(t, err)
	tk := e.consoleOpen(d.customer, "Asignar por grupo")

	c := e.client()
	c.login(d, d.agent)
	path := agentPath(d, "/tickets/"+num(tk.Number))
	page := c.get(path)
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "Soporte N1 (nivel 1)", strings.TrimSpace(page.doc.Find(`#field-group option[value="`+num2(int(n1.ID))+`"]`).Text()))
	assert.Equal(t, 1, page.doc.Find(`#field-agent option[value="`+num2(int(d.admin.ID))+`"]`).Length())
	assert.Zero(t, page.doc.Find(`#field-agent option[value="`+num2(int(d.customer.ID))+`"]`).Length(), "customers are not agents")
	assert.NotContains(t, page.body, "Grupo ajeno")

	version := func() string { return num2(e.staffTicket(d, tk.Number).Version) }
	res := c.post(path+"/assign", url.Values{"version": {version()}, "assignee": {"pick"}, "group": {num2(int(n1.ID))}, "agent": {num2(int(d.agent.ID))}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got := e.staffTicket(d, tk.Number)
	assert.Equal(t, n1.ID, got.Group)
	assert.Equal(t, d.agent.ID, got.Assignee)

	// An agent who is not in the group is refused, with the reason.
	res = c.post(path+"/assign", url.Values{"version": {version()}, "assignee": {"pick"}, "group": {num2(int(n2.ID))}, "agent": {num2(int(d.agent.ID))}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, n1.ID, e.staffTicket(d, tk.Number).Group, "nothing changed")

	// Another desk's group or a forged value changes nothing.
	for _, group := range []string{num2(int(foreign.ID)), "abc", "-1"} {
		before := e.staffTicket(d, tk.Number)
		res = c.post(path+"/assign", url.Values{"version": {version()}, "assignee": {"pick"}, "group": {group}, "agent": {""}})
		assert.GreaterOrEqual(t, res.status, 400, group)
		after := e.staffTicket(d, tk.Number)
		assert.Equal(t, before.Group, after.Group, group)
		assert.Equal(t, before.Version, after.Version, group)
	}
}
