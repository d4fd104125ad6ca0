package postgres_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// queueDesk is a desk with 120 tickets spread over statuses, assignees,
// groups, priorities, channels, categories, tags, requesters and due
// instants, with many ties in every sort key.
type queueDesk struct {
	*desk
	g1, g2     helpdesk.Group
	cat        helpdesk.Category
	org        helpdesk.OrganisationID
	c1, c2, c3 helpdesk.User // c1 and c2 in the sharing organisation
	tickets    []helpdesk.Ticket
}

func newQueueDesk(t *testing.T) *queueDesk {
	t.Helper()
	pool := pgtest.New(t)
	q := &queueDesk{desk: newDesk(t, pool, "cola")}
	// Another tenant's tickets must never show up.
	noise := newDesk(t, pool, "ruido")
	for i := range 5 {
		noise.openFor(t, noise.cust, fmt.Sprintf("Ruido %d", i))
	}

	ctx := q.ctx()
	var err error
	q.g1, err = q.s.CreateGroup(ctx, q.tenant.ID, helpdesk.Group{Name: "N1", Tier: 1, Members: []helpdesk.UserID{q.agent.ID, q.admin.ID}})
	require.NoError(t, err)
	q.g2, err = q.s.CreateGroup(ctx, q.tenant.ID, helpdesk.Group{Name: "N2", Tier: 2, Members: []helpdesk.UserID{q.admin.ID}})
	require.NoError(t, err)
	q.cat, err = q.s.CreateCategory(ctx, q.tenant.ID, helpdesk.Category{Name: "Red"})
	require.NoError(t, err)
	q.org = q.organisation(t, "Compartida", true)
	q.c1 = q.user(t, "c1@cola.example", "Cliente Uno", helpdesk.RoleCustomer, q.org)
	q.c2 = q.user(t, "c2@cola.example", "Cliente Dos", helpdesk.RoleCustomer, q.org)
	q.c3 = q.cust

	agent := q.agent.Actor()
	levels := []helpdesk.Urgency{helpdesk.UrgencyLow, helpdesk.UrgencyMedium, helpdesk.UrgencyHigh}
	impacts := []helpdesk.Impact{helpdesk.ImpactLow, helpdesk.ImpactMedium, helpdesk.ImpactHigh}
	for i := range 120 {
		in := helpdesk.NewTicket{
			Subject:   fmt.Sprintf("Incidencia %03d", i),
			Requester: helpdesk.Requester{User: []helpdesk.User{q.c1, q.c2, q.c3}[i%3].ID},
			Channel:   helpdesk.Channels()[i%5],
			Urgency:   levels[i%3], Impact: impacts[(i/3)%3],
		}
		if i%4 == 0 {
			in.Category = q.cat.ID
		}
		if i%6 == 0 {
			in.Tags = []string{"vip"}
		}
		if i%7 == 0 {
			in.Priority = helpdesk.PriorityUrgent
		}
		q.tickets = append(q.tickets, q.open(t, agent, in))
		q.clock.Advance(time.Duration(i%3) * time.Second) // ties in created_at
	}
	for i, tk := range q.tickets {
		var err error
		switch i % 5 {
		case 0:
			tk, err = q.svc.Assign(ctx, agent, at(tk), helpdesk.Assignment{Group: &q.g1.ID, Agent: &q.agent.ID})
		case 1:
			tk, err = q.svc.Assign(ctx, agent, at(tk), helpdesk.Assignment{Group: &q.g2.ID})
		case 2:
			tk, err = q.svc.ChangeStatus(ctx, agent, at(tk), helpdesk.StatusPending)
		case 3:
			tk, err = q.svc.ChangeStatus(ctx, agent, at(tk), helpdesk.StatusSolved)
		}
		require.NoError(t, err)
		if i%11 == 0 {
			tk, err = q.svc.Follow(ctx, agent, at(tk), q.c3.ID)
			require.NoError(t, err)
		}
		q.tickets[i] = tk
		if i%2 == 0 {
			q.clock.Advance(time.Second) // ties in updated_at
		}
	}
	// Due instants (the SLA engine's column), with ties and NULLs.
	q.exec(t, `UPDATE tickets SET next_due_at = created_at + (number % 4) * interval '1 hour' WHERE number % 3 <> 0`)
	return q
}

// keyRow is what the expected orders are computed from, read straight from
// the table.
type keyRow struct {
	id               helpdesk.TicketID
	status           helpdesk.Status
	created, updated time.Time
	rank             int
	due              *time.Time
}

func (q *queueDesk) keyRows(t *testing.T) []keyRow {
	t.Helper()
	var out []keyRow
	require.NoError(t, q.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(q.ctx(), `SELECT id, status, created_at, updated_at, priority, next_due_at FROM tickets WHERE tenant_id = $1`, int64(q.tenant.ID))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (keyRow, error) {
			var k keyRow
			var id int64
			var status string
			err := r.Scan(&id, &status, &k.created, &k.updated, &k.rank, &k.due)
			k.id, k.status = helpdesk.TicketID(id), helpdesk.Status(status)
			return k, err
		})
		return err
	}))
	return out
}

func expectedOrder(rows []keyRow, s helpdesk.Sort, keep func(keyRow) bool) []helpdesk.TicketID {
	inf := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	due := func(k keyRow) time.Time {
		if k.due == nil {
			return inf
		}
		return *k.due
	}
	var sel []keyRow
	for _, k := range rows {
		if keep(k) {
			sel = append(sel, k)
		}
	}
	slices.SortFunc(sel, func(a, b keyRow) int {
		var c int
		switch s.Key {
		case helpdesk.SortUpdated:
			c = a.updated.Compare(b.updated)
		case helpdesk.SortCreated:
			c = a.created.Compare(b.created)
		case helpdesk.SortPriority:
			c = cmp.Or(cmp.Compare(a.rank, b.rank), a.updated.Compare(b.updated))
		case helpdesk.SortDue:
			c = due(a).Compare(due(b))
		}
		c = cmp.Or(c, cmp.Compare(a.id, b.id))
		if s.Desc {
			return -c
		}
		return c
	})
	ids := make([]helpdesk.TicketID, len(sel))
	for i, k := range sel {
		ids[i] = k.id
	}
	return ids
}

// walk reads every page of q, passing the cursor through its string form
// as a client would.
func (q *queueDesk) walk(t *testing.T, tq helpdesk.TicketQuery) []helpdesk.TicketID {
	t.Helper()
	require.NoError(t, tq.Validate())
	var ids []helpdesk.TicketID
	for range 200 {
		page, err := q.s.ListTickets(q.ctx(), q.tenant.ID, tq)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(page.Tickets), tq.Limit)
		for _, s := range page.Tickets {
			ids = append(ids, s.ID)
		}
		if page.Next.IsZero() {
			return ids
		}
		tq.Cursor, err = helpdesk.ParseCursor(page.Next.String(), tq.Sort)
		require.NoError(t, err)
	}
	t.Fatal("pagination does not end")
	return nil
}

func TestKeysetPaginationWalksEverySort(t *testing.T) {
	t.Parallel()
	q := newQueueDesk(t)
	rows := q.keyRows(t)
	require.Len(t, rows, 120)
	unsolved := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}
	for _, key := range []helpdesk.SortKey{helpdesk.SortUpdated, helpdesk.SortCreated, helpdesk.SortPriority, helpdesk.SortDue} {
		for _, desc := range []bool{false, true} {
			s := helpdesk.Sort{Key: key, Desc: desc}
			t.Run(s.String(), func(t *testing.T) {
				got := q.walk(t, helpdesk.TicketQuery{Sort: s, Limit: 7})
				assert.Equal(t, expectedOrder(rows, s, func(keyRow) bool { return true }), got, "all 120, no duplicates, no gaps")
				got = q.walk(t, helpdesk.TicketQuery{Sort: s, Limit: 9, Filter: helpdesk.TicketFilter{Statuses: unsolved}})
				want := expectedOrder(rows, s, func(k keyRow) bool { return k.status.Unsolved() })
				assert.Equal(t, want, got, "the working queue")
				assert.NotEmpty(t, want)
			})
		}
	}
}

func TestCursorOfAnotherSortIsRefused(t *testing.T) {
	t.Parallel()
	q := newQueueDesk(t)
	page, err := q.s.ListTickets(q.ctx(), q.tenant.ID, helpdesk.TicketQuery{Sort: helpdesk.Sort{Key: helpdesk.SortCreated}, Limit: 5})
	require.NoError(t, err)
	require.False(t, page.Next.IsZero())

	tq := helpdesk.TicketQuery{Sort: helpdesk.DefaultSort, Cursor: page.Next, Limit: 5}
	var ve *helpdesk.ValidationError
	require.ErrorAs(t, tq.Validate(), &ve, "the domain refuses it")
	_, err = q.s.ListTickets(q.ctx(), q.tenant.ID, tq)
	require.ErrorAs(t, err, &ve, "and so does the store")
	assert.Contains(t, ve.Fields, "cursor")
	_, err = helpdesk.ParseCursor(page.Next.String(), helpdesk.DefaultSort)
	require.Error(t, err)

	_, err = q.s.ListTickets(q.ctx(), q.tenant.ID, helpdesk.TicketQuery{Sort: helpdesk.Sort{Key: "updated_at; DROP TABLE tickets"}})
	require.ErrorAs(t, err, &ve, "unknown sorts never reach SQL")
	_, err = q.s.ListTickets(q.ctx(), q.tenant.ID, helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: []helpdesk.Status{"open') OR true --"}}})
	require.ErrorAs(t, err, &ve, "unknown statuses never reach SQL")

	// A forged cursor only moves within the tenant: it cannot show another
	// tenant's rows (there are 5 in "ruido", with lower ids).
	forged := helpdesk.Cursor{Sort: helpdesk.DefaultSort, Time: time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC), ID: 1 << 40}
	got := q.walk(t, helpdesk.TicketQuery{Sort: helpdesk.DefaultSort, Cursor: forged, Limit: 50})
	assert.Len(t, got, 120)
}

// matches evaluates a filter on a loaded ticket, as the expected result.
func matches(f helpdesk.TicketFilter, tk helpdesk.Ticket) bool {
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, tk.Status) {
		return false
	}
	switch f.Assignee.Mode {
	case helpdesk.AssigneeNobody:
		if tk.Assignee != 0 {
			return false
		}
	case helpdesk.AssigneeAnyone:
		if tk.Assignee == 0 {
			return false
		}
	case helpdesk.AssigneeUser:
		if tk.Assignee != f.Assignee.User {
			return false
		}
	}
	switch {
	case len(f.Groups) > 0 && !slices.Contains(f.Groups, tk.Group),
		len(f.Priorities) > 0 && !slices.Contains(f.Priorities, tk.Priority),
		f.Category != 0 && tk.Category != f.Category,
		f.Tag != "" && !slices.Contains(tk.Tags, f.Tag),
		f.Channel != "" && tk.Channel != f.Channel,
		f.Requester != 0 && tk.Requester.User != f.Requester,
		f.Organisation != 0 && tk.Organisation != f.Organisation:
		return false
	}
	if c := f.Customer; c != nil {
		own := tk.Requester.User == c.User || tk.IsFollower(c.User) || (c.Organisation != 0 && tk.Organisation == c.Organisation)
		if !own {
			return false
		}
	}
	return true
}

func TestFiltersAndCounts(t *testing.T) {
	t.Parallel()
	q := newQueueDesk(t)
	ctx := q.ctx()
	var loaded []helpdesk.Ticket
	for _, tk := range q.tickets {
		got, err := q.s.Ticket(ctx, q.tenant.ID, tk.Number)
		require.NoError(t, err)
		loaded = append(loaded, got)
	}
	tests := []struct {
		name string
		f    helpdesk.TicketFilter
	}{
		{"everything", helpdesk.TicketFilter{}},
		{"unsolved", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}}},
		{"solved", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusSolved}}},
		{"mine", helpdesk.TicketFilter{Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: q.agent.ID}}},
		{"unassigned open", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen}, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}}},
		{"assigned", helpdesk.TicketFilter{Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeAnyone}}},
		{"groups", helpdesk.TicketFilter{Groups: []helpdesk.GroupID{q.g1.ID, q.g2.ID}}},
		{"group 2", helpdesk.TicketFilter{Groups: []helpdesk.GroupID{q.g2.ID}}},
		{"urgent or high", helpdesk.TicketFilter{Priorities: []helpdesk.Priority{helpdesk.PriorityUrgent, helpdesk.PriorityHigh}}},
		{"category", helpdesk.TicketFilter{Category: q.cat.ID}},
		{"tag", helpdesk.TicketFilter{Tag: "vip"}},
		{"channel", helpdesk.TicketFilter{Channel: helpdesk.ChannelEmail}},
		{"requester", helpdesk.TicketFilter{Requester: q.c2.ID}},
		{"organisation", helpdesk.TicketFilter{Organisation: q.org}},
		{"combined", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusOpen, helpdesk.StatusNew}, Channel: helpdesk.ChannelWeb, Tag: "vip"}},
		{"customer scope with organisation", helpdesk.TicketFilter{Customer: &helpdesk.CustomerScope{User: q.c1.ID, Organisation: q.org}}},
		{"customer scope, own and followed", helpdesk.TicketFilter{Customer: &helpdesk.CustomerScope{User: q.c3.ID}}},
		{"customer scope and requester", helpdesk.TicketFilter{Requester: q.c3.ID, Customer: &helpdesk.CustomerScope{User: q.c3.ID}}},
		{"nothing", helpdesk.TicketFilter{Tag: "inexistente"}},
	}
	var filters []helpdesk.TicketFilter
	var want []int
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.f.Validate())
			var exp []helpdesk.TicketID
			for _, tk := range loaded {
				if matches(tt.f, tk) {
					exp = append(exp, tk.ID)
				}
			}
			got := q.walk(t, helpdesk.TicketQuery{Filter: tt.f, Limit: 25})
			assert.ElementsMatch(t, exp, got)
			filters, want = append(filters, tt.f), append(want, len(exp))
		})
	}
	counts, err := q.s.CountTickets(ctx, q.tenant.ID, filters)
	require.NoError(t, err)
	assert.Equal(t, want, counts, "one count per view, in order")

	// The text filter: a number, "#number", or part of the subject.
	tk := q.tickets[42]
	for _, text := range []string{tk.Number.String(), fmt.Sprint(int64(tk.Number)), "incidencia 042", "cidencia 04"} {
		got := q.walk(t, helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Text: text}, Limit: 50})
		assert.Contains(t, got, tk.ID, text)
		if text[0] == '#' {
			assert.Equal(t, []helpdesk.TicketID{tk.ID}, got, "a #number finds just that ticket: no subject holds #")
		}
	}
	counts, err = q.s.CountTickets(ctx, q.tenant.ID, []helpdesk.TicketFilter{{Text: tk.Number.String()}, {}, {Text: "nada-parecido-zzz"}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 120, 0}, counts)
}

func TestCustomerListsOnlyTheirTickets(t *testing.T) {
	t.Parallel()
	q := newQueueDesk(t)
	ctx := q.ctx()
	list := func(u helpdesk.User, f helpdesk.TicketFilter) []helpdesk.TicketNumber {
		var out []helpdesk.TicketNumber
		tq := helpdesk.TicketQuery{Filter: f, Limit: 100}
		for {
			page, err := q.svc.Tickets(ctx, u.Actor(), tq)
			require.NoError(t, err)
			for _, s := range page.Tickets {
				out = append(out, s.Number)
				assert.Zero(t, s.Group, "customers do not see groups")
				assert.NotEqual(t, helpdesk.StatusOnHold, s.Status)
			}
			if page.Next.IsZero() {
				return out
			}
			tq.Cursor = page.Next
		}
	}
	var c1orOrg, c3own []helpdesk.TicketNumber
	for _, tk := range q.tickets {
		if tk.Organisation == q.org {
			c1orOrg = append(c1orOrg, tk.Number)
		}
		if tk.Requester.User == q.c3.ID || tk.IsFollower(q.c3.ID) {
			c3own = append(c3own, tk.Number)
		}
	}
	assert.ElementsMatch(t, c1orOrg, list(q.c1, helpdesk.TicketFilter{}), "the sharing organisation's tickets")
	assert.ElementsMatch(t, c3own, list(q.c3, helpdesk.TicketFilter{}), "own and followed tickets")
	for _, n := range list(q.c3, helpdesk.TicketFilter{Requester: q.c3.ID}) {
		assert.Contains(t, c3own, n)
	}

	// Another customer's ticket by number, through the text filter: nothing.
	foreign := q.tickets[1] // requested by c2, not followed by c3
	require.NotContains(t, c3own, foreign.Number)
	assert.Empty(t, list(q.c3, helpdesk.TicketFilter{Text: foreign.Number.String()}))
	_, err := q.svc.Tickets(ctx, q.c3.Actor(), helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Requester: q.c1.ID}})
	require.ErrorIs(t, err, helpdesk.ErrForbidden)
}
