package server_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeskCacheFollowsChangesOnTwoServers: each server keeps the desk and
// its queue directory (groups, agents, saved views) in memory. A change
// made through one server shows on that server's very next page (it drops
// its own entry) and on the other once the notification arrives.
func TestDeskCacheFollowsChangesOnTwoServers(t *testing.T) {
	t.Parallel()
	a, b := twoListeningServers(t)
	d := a.newDesk("cache-dos")
	adm := a.adminClient(d)
	group := url.Values{"name": {"Soporte"}, "tier": {"1"}, "assignment": {"round_robin"}, "members": {id64(d.agent.ID)}}
	require.Equal(t, http.StatusSeeOther, adm.post(adminPath(d, "/groups"), group).status)
	gs, err := a.svc.AdminGroups(context.Background(), d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, gs, 1)
	groupID := id64(gs[0].ID)

	onA, onB := a.client(), b.client()
	onA.login(d, d.agent)
	onB.login(d, d.agent)
	queue := agentPath(d, "/views/all")
	shown := func(c *client) (groupName, deskName string) {
		t.Helper()
		page := c.get(queue)
		require.Equal(t, http.StatusOK, page.status, page.body)
		return text(page, `select[name="group"] option[value="`+groupID+`"]`), text(page, `[data-testid="brand-name"]`)
	}
	for name, c := range map[string]struct {
		cl  *client
		env *env
	}{"server a": {onA, a}, "server b": {onB, b}} {
		require.Eventually(t, func() bool {
			g, _ := shown(c.cl)
			return g == "Soporte" && c.env.srv.CachedDesk(d.tenant)
		}, 10*time.Second, 20*time.Millisecond, "%s caches the desk once it listens", name)
	}

	// Renamed on a: a shows it at once, b once notified.
	group.Set("name", "Facturación")
	require.Equal(t, http.StatusSeeOther, adm.post(adminPath(d, "/groups/"+groupID), group).status)
	g, _ := shown(onA)
	assert.Equal(t, "Facturación", g, "the server that made the change")
	assert.Eventually(t, func() bool { g, _ := shown(onB); return g == "Facturación" }, 10*time.Second, 20*time.Millisecond,
		"the other server, notified")

	// A desk setting (its name), changed on a.
	require.True(t, b.srv.CachedDesk(d.tenant), "b serves the desk from its cache again")
	require.Equal(t, http.StatusSeeOther, adm.post(adminPath(d, "/settings"), validSettings()).status)
	_, desk := shown(onA)
	assert.Equal(t, "Soporte Taller", desk)
	assert.Eventually(t, func() bool { _, desk := shown(onB); return desk == "Soporte Taller" }, 10*time.Second, 20*time.Millisecond)

	// A saved view made on b is in b's sidebar right after the redirect,
	// and in a's once notified.
	res := onB.post(agentPath(d, "/views"), url.Values{"view": {"all"}, "priority": {"urgent"}, "name": {"Urgentes"}, "columns": {"status"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	sidebar := func(c *client) string {
		return text(c.get(queue), `[data-testid="console-sidebar"] a[href="`+res.header.Get("Location")+`"]`)
	}
	assert.Contains(t, sidebar(onB), "Urgentes")
	assert.Eventually(t, func() bool { return sidebar(onA) != "" }, 10*time.Second, 20*time.Millisecond)
}

// TestTicketPageSettingsFollowChangesOnTwoServers: the ticket page's
// settings (macros, custom fields, …) come from each server's desk cache;
// a change made on one server shows on its next page at once and on the
// other's once notified.
func TestTicketPageSettingsFollowChangesOnTwoServers(t *testing.T) {
	t.Parallel()
	a, b := twoListeningServers(t)
	d := a.newDesk("cache-ficha")
	tk := a.consoleOpen(d.customer, "No puedo entrar")
	ws := agentPath(d, "/tickets/"+num(tk.Number))
	onA, onB := a.client(), b.client()
	onA.login(d, d.agent)
	onB.login(d, d.agent)
	macros := func(c *client) []string {
		t.Helper()
		page := c.get(ws)
		require.Equal(t, http.StatusOK, page.status, page.body)
		return optionLabels(page, `[data-testid="macro-select"]`)
	}
	for name, c := range map[string]struct {
		cl  *client
		env *env
	}{"server a": {onA, a}, "server b": {onB, b}} {
		require.Eventually(t, func() bool {
			macros(c.cl)
			return c.env.srv.CachedTicketPage(d.tenant)
		}, 10*time.Second, 20*time.Millisecond, "%s caches the ticket page's settings once it listens", name)
	}

	// A shared macro made on a: in a's picker right after the redirect, in
	// b's once notified.
	adm := a.client()
	adm.login(d, d.admin)
	res := adm.post(agentPath(d, "/macros"), url.Values{"name": {"Saludo"}, "body": {"Hola"}, "shared": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Contains(t, macros(onA), "Saludo", "the server that made the change")
	assert.Eventually(t, func() bool { return slices.Contains(macros(onB), "Saludo") }, 10*time.Second, 20*time.Millisecond,
		"the other server, notified")

	// An agent's own macro, made on b, is theirs alone on both servers.
	res = onB.post(agentPath(d, "/macros"), url.Values{"name": {"Mía"}, "body": {"Texto mío"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Contains(t, macros(onB), "Mía")
	assert.Eventually(t, func() bool { return slices.Contains(macros(onA), "Mía") }, 10*time.Second, 20*time.Millisecond)
	assert.NotContains(t, macros(adm), "Mía", "another agent does not see it")

	// A custom field added on b: in b's workspace form at once, in a's once
	// notified.
	admB := b.client()
	admB.login(d, d.admin)
	res = admB.post(adminPath(d, "/fields"), url.Values{"label": {"Sede"}, "type": {"text"}, "position": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	fields := func(c *client) string { return text(c.get(ws), `[data-testid="ws-fields"]`) }
	assert.Contains(t, fields(onB), "Sede")
	assert.Eventually(t, func() bool { return strings.Contains(fields(onA), "Sede") }, 10*time.Second, 20*time.Millisecond)
}
