package postgres_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// routedDesk is a desk with a "Soporte" group of three agents (Ana, Luis,
// Marta) and a category "Redes" that routes to it.
type routedDesk struct {
	*desk
	group  helpdesk.Group
	cat    helpdesk.Category
	agents []helpdesk.User
}

func newRoutedDesk(t *testing.T, d *desk, mode helpdesk.AssignmentMode) *routedDesk {
	t.Helper()
	ctx := d.ctx()
	luis := d.user(t, "luis@"+d.tenant.Slug+".example", "Luis", helpdesk.RoleAgent, 0)
	marta := d.user(t, "marta@"+d.tenant.Slug+".example", "Marta", helpdesk.RoleAgent, 0)
	agents := []helpdesk.User{d.agent, luis, marta}
	g, err := d.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte", 1, []helpdesk.UserID{d.agent.ID, luis.ID, marta.ID})
	require.NoError(t, err)
	cat, err := d.svc.CreateCategory(ctx, d.admin.Actor(), "Redes")
	require.NoError(t, err)
	require.NoError(t, d.s.Routing().SetCategory(ctx, d.tenant.ID, cat.ID, g.ID, ""))
	require.NoError(t, d.s.Routing().SetGroupMode(ctx, d.tenant.ID, g.ID, mode))
	return &routedDesk{desk: d, group: g, cat: cat, agents: agents}
}

// openIn opens a ticket in the routed category as the customer and returns
// it as staff see it (a customer does not see the group).
func (r *routedDesk) openIn(t *testing.T, subject string) helpdesk.Ticket {
	t.Helper()
	tk := r.open(t, r.cust.Actor(), helpdesk.NewTicket{Subject: subject, Category: r.cat.ID})
	full, err := r.svc.Ticket(r.ctx(), r.admin.Actor(), tk.Number)
	require.NoError(t, err)
	return full
}

func TestRoutingLeastLoadedBalancesAndBreaksTiesInTurn(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignLeastLoaded)
	ctx := r.ctx()

	// Luis already has an open ticket (assigned by hand, which is not a
	// turn of the group): the first two go to Ana and Marta, the idle ones
	// (lowest id first among the never assigned); then all carry one and
	// Luis, never given one by the group, goes first; then in turn.
	first := r.openFor(t, r.cust, "previo")
	_, err := r.svc.Assign(ctx, r.admin.Actor(), at(first), helpdesk.Assignment{Agent: &r.agents[1].ID})
	require.NoError(t, err)

	var got []helpdesk.UserID
	for i := range 5 {
		tk := r.openIn(t, fmt.Sprintf("caída %d", i))
		assert.Equal(t, r.group.ID, tk.Group, "the category's default group")
		assert.Equal(t, helpdesk.StatusOpen, tk.Status, "assigning a new ticket opens it")
		got = append(got, tk.Assignee)
		r.clock.Advance(time.Minute)
	}
	ana, luis, marta := r.agents[0].ID, r.agents[1].ID, r.agents[2].ID
	assert.Equal(t, []helpdesk.UserID{ana, marta, luis, ana, marta}, got)

	// The assignment is the system's, recorded as an event.
	tl, err := r.svc.Timeline(ctx, r.admin.Actor(), 2)
	require.NoError(t, err)
	var assigned *helpdesk.Event
	for _, e := range tl {
		if e.Event != nil && e.Event.Kind == helpdesk.EventAssigned {
			assigned = e.Event
		}
	}
	require.NotNil(t, assigned)
	assert.Equal(t, helpdesk.AuthorSystem, assigned.Actor.Kind)
	assert.Equal(t, int64(ana), assigned.ToID)
}

func TestRoutingSkipsAwayUnskilledAndFullAgents(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignLeastLoaded)
	ctx := r.ctx()
	ana, luis, marta := r.agents[0], r.agents[1], r.agents[2]
	other, err := r.svc.CreateCategory(ctx, r.admin.Actor(), "Facturas")
	require.NoError(t, err)

	// Ana is away, Luis only handles billing, Marta takes at most one.
	_, err = r.svc.SetAvailability(ctx, ana.Actor(), helpdesk.Away, false)
	require.NoError(t, err)
	require.NoError(t, r.s.Routing().SetSkills(ctx, r.tenant.ID, luis.ID, other.ID))
	require.NoError(t, r.s.Routing().SetCap(ctx, r.tenant.ID, marta.ID, 1))

	tk := r.openIn(t, "uno")
	assert.Equal(t, marta.ID, tk.Assignee)
	tk = r.openIn(t, "dos")
	assert.Zero(t, tk.Assignee, "nobody eligible: the ticket waits in the group queue")
	assert.Equal(t, helpdesk.StatusNew, tk.Status)
	assert.Equal(t, r.group.ID, tk.Group)

	// Luis gains the skill: he is eligible again.
	require.NoError(t, r.s.Routing().SetSkills(ctx, r.tenant.ID, luis.ID, other.ID, r.cat.ID))
	tk = r.openIn(t, "tres")
	assert.Equal(t, luis.ID, tk.Assignee)
}

func TestRoutingRoundRobinIgnoresLoadAndManualLeavesQueue(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignRoundRobin)
	ctx := r.ctx()
	ana, luis, marta := r.agents[0].ID, r.agents[1].ID, r.agents[2].ID
	// Luis carries load; round robin does not care.
	for i := range 3 {
		tk := r.openFor(t, r.cust, fmt.Sprintf("carga %d", i))
		_, err := r.svc.Assign(ctx, r.admin.Actor(), at(tk), helpdesk.Assignment{Agent: &luis})
		require.NoError(t, err)
	}
	var got []helpdesk.UserID
	for i := range 4 {
		got = append(got, r.openIn(t, fmt.Sprintf("rr %d", i)).Assignee)
		r.clock.Advance(time.Minute)
	}
	assert.Equal(t, []helpdesk.UserID{ana, luis, marta, ana}, got)

	require.NoError(t, r.s.Routing().SetGroupMode(ctx, r.tenant.ID, r.group.ID, helpdesk.AssignManual))
	tk := r.openIn(t, "manual")
	assert.Zero(t, tk.Assignee)
	assert.Equal(t, r.group.ID, tk.Group)
	assert.Equal(t, helpdesk.StatusNew, tk.Status)
}

func TestRoutingDefaultPriorityOnlyWithoutRequesterChoice(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignManual)
	ctx := r.ctx()
	require.NoError(t, r.s.Routing().SetCategory(ctx, r.tenant.ID, r.cat.ID, r.group.ID, helpdesk.PriorityUrgent))

	tk := r.openIn(t, "sin urgencia")
	assert.Equal(t, helpdesk.PriorityUrgent, tk.Priority)
	assert.False(t, tk.PriorityOverridden, "a category default is a proposal, not an override")

	tk = r.open(t, r.cust.Actor(), helpdesk.NewTicket{Subject: "con urgencia", Category: r.cat.ID,
		Urgency: helpdesk.UrgencyLow, Impact: helpdesk.ImpactLow})
	assert.Equal(t, helpdesk.PriorityLow, tk.Priority, "the requester's urgency and impact win")

	// The guest path routes too.
	tenant := r.tenant
	tenant.GuestTickets = true
	gt, _, err := r.svc.OpenGuestTicket(ctx, tenant, helpdesk.GuestTicketInput{
		Name: "Invitada", Email: "inv@example.com", Subject: "invitada", Description: "hola", Category: r.cat.ID,
	})
	require.NoError(t, err)
	full, err := r.svc.Ticket(ctx, r.admin.Actor(), gt.Number)
	require.NoError(t, err)
	assert.Equal(t, r.group.ID, full.Group)
	assert.Equal(t, helpdesk.PriorityUrgent, full.Priority)
}

func TestAwayHandsBackUnstartedTickets(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignLeastLoaded)
	ctx := r.ctx()
	ana, luis := r.agents[0], r.agents[1]
	// Only Ana and Luis take tickets.
	require.NoError(t, r.s.Routing().SetCap(ctx, r.tenant.ID, r.agents[2].ID, 1))
	_, err := r.svc.SetAvailability(ctx, r.agents[2].Actor(), helpdesk.Away, false)
	require.NoError(t, err)

	a1 := r.openIn(t, "a1")
	r.openIn(t, "l1")
	a2 := r.openIn(t, "a2")
	require.Equal(t, ana.ID, a1.Assignee)
	require.Equal(t, ana.ID, a2.Assignee)
	// Ana answers a1: it is started and stays hers.
	_, err = r.svc.Reply(ctx, ana.Actor(), at(a1), helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Miro"}, Public: true})
	require.NoError(t, err)

	n, err := r.svc.SetAvailability(ctx, ana.Actor(), helpdesk.Away, true)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, err := r.svc.Ticket(ctx, r.admin.Actor(), a2.Number)
	require.NoError(t, err)
	assert.Equal(t, luis.ID, got.Assignee, "routed again; Ana is away")
	got, err = r.svc.Ticket(ctx, r.admin.Actor(), a1.Number)
	require.NoError(t, err)
	assert.Equal(t, ana.ID, got.Assignee)
	st, err := r.svc.AgentSettings(ctx, ana.Actor())
	require.NoError(t, err)
	assert.Equal(t, helpdesk.Away, st.Availability)

	_, err = r.svc.SetAvailability(ctx, r.cust.Actor(), helpdesk.Away, true)
	assert.ErrorIs(t, err, helpdesk.ErrForbidden)
}

// Many tickets opened at once, in one group and in a second group sharing
// an agent: nobody goes past the cap, and the load is balanced.
func TestRoutingConcurrentCreatesRespectCapsAndBalance(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignLeastLoaded)
	ctx := r.ctx()
	ana, luis, marta := r.agents[0], r.agents[1], r.agents[2]
	require.NoError(t, r.s.Routing().SetCap(ctx, r.tenant.ID, ana.ID, 5))
	// A second automatic group shares Ana.
	g2, err := r.svc.CreateGroup(ctx, r.admin.Actor(), "Redes N1", 1, []helpdesk.UserID{ana.ID})
	require.NoError(t, err)
	cat2, err := r.svc.CreateCategory(ctx, r.admin.Actor(), "Wifi")
	require.NoError(t, err)
	require.NoError(t, r.s.Routing().SetCategory(ctx, r.tenant.ID, cat2.ID, g2.ID, ""))
	require.NoError(t, r.s.Routing().SetGroupMode(ctx, r.tenant.ID, g2.ID, helpdesk.AssignLeastLoaded))

	const n = 30
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cat := r.cat.ID
			if i%2 == 1 {
				cat = cat2.ID
			}
			_, err := r.svc.OpenTicket(ctx, r.cust.Actor(), helpdesk.NewTicket{
				Subject: fmt.Sprintf("paralelo %d", i), Description: "x", Channel: helpdesk.ChannelWeb, Category: cat})
			errs <- err
		}()
	}
	wg.Wait()
	t.Logf("%d routed tickets opened in parallel in %v", 2*n, time.Since(start).Round(time.Millisecond))
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// (group, assignee) → tickets.
	type key struct {
		g helpdesk.GroupID
		a helpdesk.UserID
	}
	counts := map[key]int{}
	err = r.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT coalesce(group_id, 0), coalesce(assignee_id, 0), count(*)::int FROM tickets
			WHERE tenant_id = $1 GROUP BY 1, 2`, int64(r.tenant.ID))
		if err != nil {
			return err
		}
		var g, a int64
		var c int
		_, err = pgx.ForEachRow(rows, []any{&g, &a, &c}, func() error {
			counts[key{helpdesk.GroupID(g), helpdesk.UserID(a)}] = c
			return nil
		})
		return err
	})
	require.NoError(t, err)
	g1, g2id := r.group.ID, g2.ID
	anaTotal := counts[key{g1, ana.ID}] + counts[key{g2id, ana.ID}]
	assert.Equal(t, 5, anaTotal, "Ana is capped at 5 across both groups: %v", counts)
	assert.Zero(t, counts[key{g1, 0}], "group 1 has uncapped members: every ticket is assigned")
	assert.InDelta(t, counts[key{g1, luis.ID}], counts[key{g1, marta.ID}], 1, "least loaded balances Luis and Marta: %v", counts)
	assert.Equal(t, n, counts[key{g1, ana.ID}]+counts[key{g1, luis.ID}]+counts[key{g1, marta.ID}])
	assert.Equal(t, n, counts[key{g2id, ana.ID}]+counts[key{g2id, 0}], "group 2's tickets beyond Ana's cap wait in its queue")
	assert.Positive(t, counts[key{g2id, 0}])
}
