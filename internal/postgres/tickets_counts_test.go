package postgres_test

import (
	"strconv"
	"time"

	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestViewCountsFollowEveryChange: the built-in views' counts come from
// ticket_counts (migrations/00031), kept by triggers; after every kind of
// change (creation, status, assignment, group, a merge, a multi-row update)
// each count equals count(*) over the tickets, in each tenant.
func TestViewCountsFollowEveryChange(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a, b := newDesk(t, pool, "vistas-a"), newDesk(t, pool, "vistas-b")
	ctx := a.ctx()
	var group int64
	require.NoError(t, a.tx(func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO groups (tenant_id, name) VALUES ($1, 'Soporte') RETURNING id`, int64(a.tenant.ID)).Scan(&group)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO group_members (tenant_id, group_id, user_id) VALUES ($1, $2, $3)`, int64(a.tenant.ID), group, int64(a.agent.ID))
		return err
	}))
	unsolved := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}
	now := time.Now().UTC().Truncate(time.Second)
	stamp := now.Format(time.RFC3339)
	views := []helpdesk.TicketFilter{
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: a.agent.ID}},
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}},
		{Statuses: unsolved, GroupsOf: a.agent.ID},
		{Statuses: []helpdesk.Status{helpdesk.StatusPending}},
		{Statuses: []helpdesk.Status{helpdesk.StatusOnHold}},
		{Statuses: []helpdesk.Status{helpdesk.StatusSolved}},
		{Statuses: []helpdesk.Status{helpdesk.StatusClosed}},
		{Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeAnyone}},
		// Not from the counters: in the same statement, through their index.
		{Statuses: unsolved, SLA: helpdesk.SLAOverdue, SLANow: now},
		{Statuses: unsolved, SLA: helpdesk.SLADueSoon, SLANow: now},
		{},
	}
	// real counts the same views over the tickets themselves.
	real := []string{
		`status IN ('new', 'open', 'pending', 'on_hold') AND assignee_id = ` + strconv.FormatInt(int64(a.agent.ID), 10),
		`status IN ('new', 'open', 'pending', 'on_hold') AND assignee_id IS NULL`,
		`status IN ('new', 'open', 'pending', 'on_hold') AND group_id = ` + strconv.FormatInt(group, 10),
		`status = 'pending'`, `status = 'on_hold'`, `status = 'solved'`, `status = 'closed'`, `assignee_id IS NOT NULL`,
		`status IN ('new', 'open', 'pending', 'on_hold') AND coalesce(next_due_at, 'infinity') <= '` + stamp + `'`,
		`status IN ('new', 'open', 'pending', 'on_hold') AND coalesce(next_due_at, 'infinity') > '` + stamp +
			`' AND coalesce(next_due_at, 'infinity') <= '` + stamp + `'::timestamptz + interval '1 hour'`,
		`true`,
	}
	check := func(step string) {
		t.Helper()
		got, err := a.s.CountTickets(ctx, a.tenant.ID, views)
		require.NoError(t, err, step)
		want := make([]int, len(real))
		require.NoError(t, a.tx(func(tx pgx.Tx) error {
			for i, cond := range real {
				if err := tx.QueryRow(ctx, `SELECT count(*) FROM tickets WHERE `+cond).Scan(&want[i]); err != nil {
					return err
				}
			}
			return nil
		}))
		assert.Equal(t, want, got, step)
	}

	first := a.openFor(t, a.cust, "La impresora no imprime")
	second := a.openFor(t, a.cust, "La impresora sigue sin imprimir")
	third := a.openFor(t, a.cust, "No recibo el correo")
	b.openFor(t, b.cust, "Otro desk")
	check("created")
	// SLA targets: one past, one within the default hour, one later.
	a.exec(t, `UPDATE tickets SET next_due_at = $1::timestamptz + (number - 2) * interval '50 minutes'`, now)
	check("SLA targets")
	g, me := helpdesk.GroupID(group), a.agent.ID
	_, err := a.svc.Assign(ctx, a.admin.Actor(), helpdesk.TicketVersion{Number: first.Number}, helpdesk.Assignment{Group: &g, Agent: &me})
	require.NoError(t, err)
	check("assigned")
	_, err = a.svc.ChangeStatus(ctx, a.agent.Actor(), helpdesk.TicketVersion{Number: third.Number}, helpdesk.StatusPending)
	require.NoError(t, err)
	check("pending")
	_, err = a.svc.Merge(ctx, a.agent.Actor(), at(second), first.Number)
	require.NoError(t, err)
	check("merged")
	a.exec(t, `UPDATE tickets SET status = 'on_hold', assignee_id = $1 WHERE status IN ('new', 'open', 'pending')`, int64(a.agent.ID))
	check("several at once")
	a.exec(t, `UPDATE tickets SET subject = subject || '.'`)
	check("no counted column changed")
	a.solve(t, first.Number)
	check("solved")

	got, err := b.s.CountTickets(ctx, b.tenant.ID, views[1:2])
	require.NoError(t, err)
	assert.Equal(t, []int{1}, got, "each tenant counts its own")
}
