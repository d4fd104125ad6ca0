package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// TestTimerAndRoutingPlans loads 20,000 tickets into one tenant (and 5,000
// into another) and checks that every scan routing, automation and the
// timers make reads an index, never the whole tickets table, in the custom
// and the generic plan.
func TestTimerAndRoutingPlans(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 4)
	big := newDesk(t, pool, "grande")
	seedTenant(t, big, 20000)
	seedTenant(t, newDesk(t, pool, "otra"), 5000)
	owner, err := pgx.Connect(context.Background(), pgtest.OwnerURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	_, err = owner.Exec(context.Background(), `ANALYZE`)
	require.NoError(t, err)
	require.NoError(t, owner.Close(context.Background()))

	s := postgres.New(pool)
	ctx := big.ctx()
	tn := big.tenant.ID
	var agent helpdesk.UserID
	require.NoError(t, big.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT min(id) FROM users WHERE tenant_id = $1 AND role = 'agent'`, int64(tn)).Scan(&agent)
	}))
	rule, err := big.svc.SaveRule(ctx, big.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "r", Anchor: helpdesk.AnchorUpdated,
		Minutes: 1 * 60, Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "x"}}})
	require.NoError(t, err)
	threshold := time.Now().Add(-24 * time.Hour)
	inTx := func(fn func(helpdesk.Store) error) func() {
		return func() { require.NoError(t, s.InTx(ctx, tn, fn)) }
	}
	timedScan := func(q helpdesk.TimedScan) func() {
		return inTx(func(tx helpdesk.Store) error {
			q.Rule, q.Threshold, q.Limit = rule.ID, threshold, 500
			_, err := tx.TimedCandidates(ctx, tn, q)
			return err
		})
	}
	timed := func(a helpdesk.Anchor) func() { return timedScan(helpdesk.TimedScan{Anchor: a}) }
	g, err := big.svc.CreateGroup(ctx, big.admin.Actor(), "Todos", 1, nil)
	require.NoError(t, err)
	big.exec(t, `INSERT INTO group_members (tenant_id, group_id, user_id)
		SELECT $1, $2, id FROM users WHERE tenant_id = $1 AND role = 'agent'`, int64(tn), int64(g.ID))
	checks := []struct {
		name, index, marker string
		run                 func()
		sortOK              bool
	}{
		{"time-based rule: since created", "tickets_open_created", "created_at <=", timed(helpdesk.AnchorCreated), false},
		{"time-based rule: since updated", "tickets_open_updated", "updated_at <=", timed(helpdesk.AnchorUpdated), false},
		{"time-based rule: since pending", "tickets_waiting", "status = 'pending'", timed(helpdesk.AnchorPending), false},
		{"time-based rule: since solved", "tickets_waiting", "status = 'solved'", timed(helpdesk.AnchorSolved), false},
		{"time-based rule: requester waiting", "tickets_requester_waiting", "requester_waiting_since <=", timed(helpdesk.AnchorRequesterWaiting), false},
		// "SLA breached": the planner may walk the anchor's index and probe
		// sla_clocks' key per ticket, or start from the tenant's breached
		// clocks and read tickets by key (and sort those few); never the
		// tickets table.
		{"time-based rule: SLA breached", "", "FROM sla_clocks c", timedScan(helpdesk.TimedScan{
			Anchor: helpdesk.AnchorCreated, BreachedBy: time.Now()}), true},
		{"pending reminders", "tickets_waiting", "pending_reminder", inTx(func(tx helpdesk.Store) error {
			_, err := tx.ReminderCandidates(ctx, tn, threshold, 500)
			return err
		}), false},
		{"auto-close work list", "tickets_waiting", "status = 'solved'", inTx(func(tx helpdesk.Store) error {
			_, err := tx.StaleTickets(ctx, tn, helpdesk.StatusSolved, threshold, 500)
			return err
		}), false},
		{"unstarted tickets of an agent", "tickets_open_assignee", "public_agent_replies", inTx(func(tx helpdesk.Store) error {
			_, err := tx.UnstartedTickets(ctx, tn, agent, 200)
			return err
		}), false},
		// The members' load: one count per member through their slice of
		// tickets_open_assignee (the sort is of the 21 members).
		{"routing: members' load", "tickets_open_assignee", "max_open_tickets", inTx(func(tx helpdesk.Store) error {
			rg, err := tx.LockRoutingGroup(ctx, tn, g.ID, 0)
			require.Len(t, rg.Candidates, 21) // the seeded 20 and the desk's agent
			return err
		}), true},
		// The preview merges two index ranges and sorts the at most 2,000
		// ids they gave, never the table; the rows are then read by key.
		{"preview candidates", "tickets_open_updated", "UNION ALL", inTx(func(tx helpdesk.Store) error {
			_, err := tx.PreviewCandidates(ctx, tn, []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusSolved}, false, helpdesk.MaxPreviewScan)
			return err
		}), true},
	}
	for _, c := range checks {
		var main *traced
		for _, st := range tracer.Capture(c.run) {
			if strings.Contains(st.SQL, c.marker) {
				main = &st
			}
		}
		require.NotNil(t, main, c.name)
		if c.name == "preview candidates" {
			// And the rows by primary key.
			var rowsStmt *traced
			for _, st := range tracer.Capture(c.run) {
				if strings.Contains(st.SQL, "ANY(") {
					rowsStmt = &st
				}
			}
			require.NotNil(t, rowsStmt)
			explainCheck(t, big, "preview rows", nil, *rowsStmt, "tickets_pkey", true)
		}
		explainCheck(t, big, c.name, nil, *main, c.index, c.sortOK)
		p50, p95, runs := timeIt(100, 300*time.Millisecond, c.run)
		t.Logf("%-40s p50 %6.2f ms  p95 %6.2f ms  (%d runs)", c.name, ms(p50), ms(p95), runs)
	}
}
