package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// The queue page read in one batch equals its reads one by one, sees only
// its own tenant, picks the viewer's saved views out of the directory, and
// reads the same counts from a directory handed back in.
func TestQueuePageReadsOneBatch(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	b := newDesk(t, pool, "beta")
	ctx := a.ctx()
	luis := a.user(t, "luis@acme.example", "Luis", helpdesk.RoleAgent, 0)
	_, err := a.svc.CreateGroup(ctx, a.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{a.agent.ID})
	require.NoError(t, err)
	_, err = b.svc.CreateGroup(ctx, b.admin.Actor(), "Beta N1", 1, nil)
	require.NoError(t, err)
	_, err = a.svc.CreateCategory(ctx, a.admin.Actor(), "Facturas")
	require.NoError(t, err)
	for _, s := range []string{"Uno", "Dos", "Tres"} {
		a.openFor(t, a.cust, s)
	}
	b.openFor(t, b.cust, "De beta")
	mine, err := a.svc.CreateView(ctx, a.agent.Actor(), helpdesk.ViewInput{Name: "Mías", Filter: helpdesk.TicketFilter{Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}},
		Sort: helpdesk.DefaultSort, Columns: []helpdesk.ViewColumn{helpdesk.ColumnStatus}})
	require.NoError(t, err)
	_, err = a.svc.CreateView(ctx, luis.Actor(), helpdesk.ViewInput{Name: "De Luis", Filter: helpdesk.TicketFilter{Text: "Dos"},
		Sort: helpdesk.DefaultSort, Columns: []helpdesk.ViewColumn{helpdesk.ColumnStatus}})
	require.NoError(t, err)

	builtin := []helpdesk.TicketFilter{{}, {Statuses: []helpdesk.Status{helpdesk.StatusNew}}, {Text: "Tres"}}
	q := helpdesk.TicketQuery{Limit: 2}
	page, err := a.svc.QueuePage(ctx, a.agent.Actor(), &q, builtin, nil)
	require.NoError(t, err)
	require.NoError(t, page.ListErr)
	list, err := a.svc.Tickets(ctx, a.agent.Actor(), q)
	require.NoError(t, err)
	assert.Equal(t, numbers(list), numbers(page.Tickets))
	assert.Equal(t, list.Next, page.Tickets.Next)
	groups, agents, cats, err := a.s.FilterChoices(ctx, a.tenant.ID)
	require.NoError(t, err)
	assert.Equal(t, groups, page.Groups)
	for i := range agents {
		agents[i].PasswordHash = "" // the directory is kept in memory without them
	}
	assert.Equal(t, agents, page.Agents)
	assert.Equal(t, cats, page.Categories)
	saved, err := a.svc.SavedViews(ctx, a.agent.Actor())
	require.NoError(t, err)
	assert.Equal(t, saved, page.Saved, "the viewer's views only")
	require.Len(t, page.Saved, 1)
	assert.Equal(t, mine.ID, page.Saved[0].ID)
	require.NotNil(t, page.Directory)
	assert.Len(t, page.Directory.Views, 2, "the directory holds every agent's views")
	assert.Equal(t, []int{3, 3, 1, 0}, page.Counts)

	// Handed the directory back: the same page, nothing to keep.
	again, err := a.svc.QueuePage(ctx, a.agent.Actor(), &q, builtin, page.Directory)
	require.NoError(t, err)
	assert.Nil(t, again.Directory)
	assert.Equal(t, page.Counts, again.Counts)
	assert.Equal(t, page.Saved, again.Saved)
	assert.Equal(t, numbers(page.Tickets), numbers(again.Tickets))

	// Luis sees his own view, counted from the same directory.
	his, err := a.svc.QueuePage(ctx, luis.Actor(), nil, builtin, page.Directory)
	require.NoError(t, err)
	require.Len(t, his.Saved, 1)
	assert.Equal(t, "De Luis", his.Saved[0].Name)
	assert.Equal(t, []int{3, 3, 1, 1}, his.Counts)

	// Another desk: none of acme's rows.
	other, err := b.svc.QueuePage(ctx, b.agent.Actor(), &helpdesk.TicketQuery{}, builtin, nil)
	require.NoError(t, err)
	assert.Len(t, other.Tickets.Tickets, 1)
	require.Len(t, other.Groups, 1)
	assert.Equal(t, "Beta N1", other.Groups[0].Name)
	assert.Empty(t, other.Directory.Views)
	assert.Equal(t, []int{1, 1, 0}, other.Counts)

	// A cursor of another sort is the list's refusal alone.
	bad := helpdesk.TicketQuery{Sort: helpdesk.Sort{Key: helpdesk.SortCreated}, Cursor: page.Tickets.Next}
	refused, err := a.svc.QueuePage(ctx, a.agent.Actor(), &bad, builtin, page.Directory)
	require.NoError(t, err)
	var v *helpdesk.ValidationError
	assert.True(t, errors.As(refused.ListErr, &v), "%v", refused.ListErr)
	assert.Equal(t, page.Counts, refused.Counts)

	// A count that reads tickets stops at the limit and says so; one the
	// counters answer is exact whatever the limit.
	urgentOrNot := helpdesk.TicketFilter{Priorities: []helpdesk.Priority{helpdesk.PriorityLow, helpdesk.PriorityNormal, helpdesk.PriorityHigh, helpdesk.PriorityUrgent}}
	open := helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusNew}}
	res, err := a.s.ReadQueue(ctx, a.tenant.ID, helpdesk.QueueReads{Counts: []helpdesk.TicketFilter{urgentOrNot, open, urgentOrNot}, CountLimit: 2})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3, 2}, res.Counts)
	assert.Equal(t, []bool{true, false, true}, res.Capped)
	res, err = a.s.ReadQueue(ctx, a.tenant.ID, helpdesk.QueueReads{Counts: []helpdesk.TicketFilter{urgentOrNot}, CountLimit: 4})
	require.NoError(t, err)
	assert.Equal(t, []int{3}, res.Counts, "exact below the limit")
	assert.Equal(t, []bool{false}, res.Capped)

	// Never without a tenant.
	_, err = a.s.ReadQueue(ctx, 0, helpdesk.QueueReads{Directory: true})
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
}

// Changes to what the desk cache keeps announce the tenant on
// atiende_desks; a customer's row does not.
func TestDeskChangesAreAnnounced(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	ctx, cancel := context.WithCancel(a.ctx())
	var mu sync.Mutex
	var desks []helpdesk.TenantID
	listening := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.s.ListenDeskChanges(ctx, func() { close(listening) },
			func(id helpdesk.TenantID) { mu.Lock(); desks = append(desks, id); mu.Unlock() })
	}()
	t.Cleanup(func() { cancel(); <-done })
	<-listening
	announced := func(what string, change func()) {
		t.Helper()
		mu.Lock()
		desks = nil
		mu.Unlock()
		change()
		assert.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(desks) > 0 && desks[0] == a.tenant.ID
		}, 5*time.Second, 10*time.Millisecond, what)
	}
	c := a.ctx()
	var g helpdesk.Group
	announced("a group", func() {
		var err error
		g, err = a.svc.CreateGroup(c, a.admin.Actor(), "Soporte", 1, nil)
		require.NoError(t, err)
	})
	announced("a group renamed", func() {
		g.Name = "Facturación"
		_, err := a.s.UpdateGroup(c, a.tenant.ID, g)
		require.NoError(t, err)
	})
	announced("an agent disabled", func() {
		_, err := a.s.SetUserActive(c, a.tenant.ID, a.agent.ID, false)
		require.NoError(t, err)
	})
	announced("a category", func() {
		_, err := a.svc.CreateCategory(c, a.admin.Actor(), "Facturas")
		require.NoError(t, err)
	})
	announced("the desk's name", func() {
		tn := a.tenant
		tn.Name = "Acme Soporte"
		_, err := a.s.UpdateTenant(c, a.tenant.ID, tn)
		require.NoError(t, err)
	})

	// A customer's row, then a ticket, then a marker sent by hand: the
	// marker comes after the customer's notification would have, and no
	// notification of the desk came.
	mu.Lock()
	desks = nil
	mu.Unlock()
	a.user(t, "nuevo@acme.example", "Nuevo Cliente", helpdesk.RoleCustomer, 0)
	a.openFor(t, a.cust, "Una duda")
	const marker = helpdesk.TenantID(1 << 40)
	_, err := pool.Exec(c, `SELECT pg_notify('atiende_desks', $1)`, strconv.FormatInt(int64(marker), 10))
	require.NoError(t, err)
	assert.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return slices.Contains(desks, marker) }, 5*time.Second, 10*time.Millisecond)
	mu.Lock()
	assert.Equal(t, []helpdesk.TenantID{marker}, desks, "neither a customer nor a ticket is in the directory")
	mu.Unlock()
}
