package bench

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// metricRows writes each generated ticket's metric row, which the domain
// keeps in the ticket's transaction (helpdesk.ComputeMetrics) but which the
// generator, writing rows directly, must fill itself. It derives them from
// the ticket's own instants and counters: one reply time (the first), and
// business time equal to calendar time (the generated desks have no SLA
// calendar). Enough for the reports' SQL to do its real work at scale.
func metricRows(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `
		INSERT INTO ticket_metrics (tenant_id, ticket_id, number, created_at, status, channel, priority, category_id,
			group_id, assignee_id, organisation_id, first_reply_at, first_reply_s, first_reply_bs, reply_s, reply_bs,
			solved_at, done_at, resolution_s, resolution_bs, wait_s, wait_bs, touches, public_replies, reopens,
			escalations, fcr)
		SELECT t.tenant_id, t.id, t.number, t.created_at, t.status, t.channel,
			(ARRAY['low', 'normal', 'high', 'urgent'])[t.priority], t.category_id, t.group_id, t.assignee_id,
			t.organisation_id, t.first_reply_at, x.fr, x.fr,
			CASE WHEN x.fr IS NULL THEN '{}'::int[] ELSE ARRAY[x.fr] END,
			CASE WHEN x.fr IS NULL THEN '{}'::int[] ELSE ARRAY[x.fr] END,
			x.solved, coalesce(x.solved, CASE WHEN t.status = 'closed' THEN t.closed_at END), x.res, x.res, x.res, x.res,
			t.public_agent_replies + t.assignee_changes, t.public_agent_replies, t.reopens, t.escalations,
			CASE WHEN x.solved IS NOT NULL THEN t.public_agent_replies = 1 AND t.reopens = 0 END
		FROM tickets t,
			LATERAL (SELECT CASE WHEN t.status IN ('solved', 'closed') THEN t.solved_at END AS solved) s,
			LATERAL (SELECT extract(epoch FROM t.first_reply_at - t.created_at)::int AS fr, s.solved,
				extract(epoch FROM s.solved - t.created_at)::int AS res) x
		ON CONFLICT DO NOTHING`)
	if err != nil {
		return fmt.Errorf("bench: metric rows: %w", err)
	}
	// The generator loads with triggers off, so the daily report rollup
	// the triggers keep is summed here from the rows (as the superuser,
	// whom row-level security does not bind).
	if _, err := pool.Exec(ctx, `SELECT report_daily_rebuild(id) FROM tenants`); err != nil {
		return fmt.Errorf("bench: report rollup: %w", err)
	}
	return nil
}
