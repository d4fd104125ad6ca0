package postgres_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// A creation writes its first SLA state (clock events, clocks, next due,
// metrics row) in one round trip from what it gathered, and answers its
// reads of settings, rules and history from what it read before the
// insert: what it stores must be what the step-by-step writes and a
// recomputation from the stored rows give.
func TestCreationStoresTheSLAStateARecomputationGives(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(60, 120, 6*60)})
	for _, tc := range []struct {
		by helpdesk.Actor
		in helpdesk.NewTicket
	}{
		{d.cust.Actor(), helpdesk.NewTicket{Subject: "Impresora"}},
		{d.agent.Actor(), helpdesk.NewTicket{Subject: "Llamada", Priority: helpdesk.PriorityUrgent,
			Requester: helpdesk.Requester{User: d.cust.ID}}},
	} {
		tk := d.open(t, tc.by, tc.in)
		stored, fresh, err := d.svc.CheckTicketMetrics(ctx, d.admin.Actor(), tk.Number)
		require.NoError(t, err)
		assert.Equal(t, fresh, stored, tk.Subject)
		assert.NotZero(t, stored.Policy, tk.Subject)

		rows := d.clockRows(t, tk)
		for _, m := range []helpdesk.SLAMetric{helpdesk.MetricFirstReply, helpdesk.MetricResolution} {
			assert.Contains(t, rows[string(m)], "running ", "%s %s", tk.Subject, m)
			assert.NotContains(t, rows[string(m)], "running - ", "%s %s: a due instant", tk.Subject, m)
		}
		var starts int
		var nextDue *time.Time
		require.NoError(t, d.tx(func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM sla_clock_events WHERE tenant_id = $1 AND ticket_id = $2 AND kind = 'activate'`,
				int64(d.tenant.ID), int64(tk.ID)).Scan(&starts); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT next_due_at FROM tickets WHERE tenant_id = $1 AND id = $2`,
				int64(d.tenant.ID), int64(tk.ID)).Scan(&nextDue)
		}))
		assert.GreaterOrEqual(t, starts, 2, tk.Subject)
		require.NotNil(t, nextDue, tk.Subject)

		// A change through the ordinary path (reads the stored history,
		// writes step by step) leaves the metrics as consistent.
		_, err = d.svc.AddNote(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number, Version: tk.Version},
			helpdesk.CommentInput{Body: "Revisado."})
		require.NoError(t, err)
		stored, fresh, err = d.svc.CheckTicketMetrics(ctx, d.admin.Actor(), tk.Number)
		require.NoError(t, err)
		assert.Equal(t, fresh, stored, tk.Subject)
	}
}
