package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// The queue's list reads ids only and takes the group's and the
// assignee's names from the desk's directory; a name the directory lacks
// (an agent made inactive who still holds tickets, a group added after it
// was read) is read all the same, and never another desk's.
func TestQueuePageNamesEveryRow(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	b := newDesk(t, pool, "beta")
	ctx := a.ctx()
	luis := a.user(t, "luis@acme.example", "Luis Pérez", helpdesk.RoleAgent, 0)
	n1, err := a.svc.CreateGroup(ctx, a.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{a.agent.ID, luis.ID})
	require.NoError(t, err)
	assign := func(subject string, g helpdesk.GroupID, u helpdesk.UserID) {
		tk := a.openFor(t, a.cust, subject)
		_, err := a.svc.Assign(ctx, a.admin.Actor(), at(tk), helpdesk.Assignment{Group: &g, Agent: &u})
		require.NoError(t, err)
	}
	assign("Del agente", n1.ID, a.agent.ID)
	assign("De Luis", n1.ID, luis.ID)
	a.openFor(t, a.cust, "Sin asignar")

	all := helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeAnyone}}}
	names := func(dir *helpdesk.QueueDirectory) map[string][2]string {
		t.Helper()
		page, err := a.svc.QueuePage(ctx, a.agent.Actor(), &helpdesk.TicketQuery{}, nil, dir)
		require.NoError(t, err)
		require.NoError(t, page.ListErr)
		out := map[string][2]string{}
		for _, ts := range page.Tickets.Tickets {
			out[ts.Subject] = [2]string{ts.GroupName, ts.AssigneeName}
		}
		return out
	}
	first, err := a.svc.QueuePage(ctx, a.agent.Actor(), &all, nil, nil)
	require.NoError(t, err)
	want := map[string][2]string{
		"Del agente":  {"Soporte N1", a.agent.Name},
		"De Luis":     {"Soporte N1", "Luis Pérez"},
		"Sin asignar": {"", ""},
	}
	assert.Equal(t, want, names(first.Directory))
	// The names match the list that reads them by join (the API's).
	list, err := a.svc.Tickets(ctx, a.agent.Actor(), helpdesk.TicketQuery{})
	require.NoError(t, err)
	for _, ts := range list.Tickets {
		assert.Equal(t, want[ts.Subject], [2]string{ts.GroupName, ts.AssigneeName}, ts.Subject)
	}

	// Luis leaves: the directory no longer lists him, his tickets still
	// name him. A group added after the directory was read is named too.
	_, _, err = a.svc.SetActive(ctx, a.admin.Actor(), luis.ID, false)
	require.NoError(t, err)
	fresh, err := a.svc.QueuePage(ctx, a.agent.Actor(), nil, nil, nil)
	require.NoError(t, err)
	for _, ag := range fresh.Agents {
		require.NotEqual(t, luis.ID, ag.ID)
	}
	n2, err := a.svc.CreateGroup(ctx, a.admin.Actor(), "Nivel 2", 2, []helpdesk.UserID{a.agent.ID})
	require.NoError(t, err)
	assign("Del segundo nivel", n2.ID, a.agent.ID)
	want["Del segundo nivel"] = [2]string{"Nivel 2", a.agent.Name}
	assert.Equal(t, want, names(fresh.Directory))
	assert.Equal(t, want, names(nil))

	// Ids of another desk are not names of this one.
	cat, err := a.svc.CreateCategory(ctx, a.admin.Actor(), "Facturación")
	require.NoError(t, err)
	ids := helpdesk.DisplayIDs{Groups: []helpdesk.GroupID{n1.ID}, Users: []helpdesk.UserID{luis.ID}, Categories: []helpdesk.CategoryID{cat.ID}}
	got, err := a.s.DisplayNames(ctx, a.tenant.ID, ids)
	require.NoError(t, err)
	assert.Equal(t, "Facturación", got.Categories[cat.ID])
	got, err = b.s.DisplayNames(ctx, b.tenant.ID, ids)
	require.NoError(t, err)
	assert.Empty(t, got.Groups)
	assert.Empty(t, got.Users)
	assert.Empty(t, got.Categories)
}
