package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/postgres"
)

// rollupCounts are report_daily's count columns.
const rollupCounts = `created, escalated, frt_achieved, frt_breached, frt_active, nrt_achieved, nrt_breached,
	nrt_active, res_achieved, res_breached, res_active, breached, solved, fcr, reopened, reopens, touches, rated,
	csat_sum, done`

// rollupRows reads d's rollup rows with a non-zero count, as text.
func rollupRows(t *testing.T, d *desk, sql string) []string {
	t.Helper()
	var out []string
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(context.Background(), sql, int64(d.tenant.ID))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	}))
	return out
}

// assertRollupExact checks that d's daily rollup, kept up to date by the
// trigger through every operation, equals the rollup computed from scratch
// from the metric rows (themselves equal to the events' recomputation),
// and that every report reading it answers what the metric rows alone
// answer, over a period of whole local days around now.
func assertRollupExact(t *testing.T, d *desk, seed uint64) {
	t.Helper()
	zeros := strings.TrimSuffix(strings.Repeat("0,", strings.Count(rollupCounts, ",")+1), ",")
	// A key's slots (migrations/00046) are summed, as every report does.
	kept := rollupRows(t, d, `SELECT row(tenant_id, day, group_id, assignee_id, category_id, organisation_id,
			sla_policy_id, channel, priority, `+rollupCounts+`)::text
		FROM (SELECT tenant_id, day, group_id, assignee_id, category_id, organisation_id, sla_policy_id, channel,
			priority, `+slotSums()+` FROM report_daily WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9) k
		WHERE (`+rollupCounts+`) <> (`+zeros+`) ORDER BY 1`)
	fresh := rollupRows(t, d, `SELECT row(x.tenant_id, x.day, x.group_id, x.assignee_id, x.category_id,
			x.organisation_id, x.sla_policy_id, x.channel, x.priority, `+sums()+`)::text
		FROM ticket_metrics m, tenants tn, report_daily_of(m, tn.time_zone, 1) x
		WHERE m.tenant_id = $1 AND tn.id = m.tenant_id
		GROUP BY x.tenant_id, x.day, x.group_id, x.assignee_id, x.category_id, x.organisation_id, x.sla_policy_id,
			x.channel, x.priority ORDER BY 1`)
	require.NotEmpty(t, fresh)
	assert.Equal(t, fresh, kept, "rollup kept by the trigger (seed %d)", seed)

	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	now := d.clock.Now().In(madrid)
	to := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, madrid)
	live := postgres.LiveReportsForTest(d.s)
	ctx := d.ctx()
	for _, f := range []helpdesk.ReportFilter{
		{From: to.AddDate(0, 0, -3), To: to, Location: madrid},
		{From: to.AddDate(0, -1, 0), To: to, Location: madrid},
		{From: to.AddDate(0, -1, 0), To: to.AddDate(0, 0, -2), Location: madrid, Agent: d.agent.ID},
		{From: to.AddDate(0, -1, 0), To: to, Location: madrid, Agent: helpdesk.None, Priority: "normal"},
	} {
		want, err := live.ReportSummary(ctx, d.tenant.ID, f)
		require.NoError(t, err)
		got, err := d.s.ReportSummary(ctx, d.tenant.ID, f)
		require.NoError(t, err)
		assert.Equal(t, want, got, "summary %s–%s (seed %d)", f.From, f.To, seed)
		wantS, err := live.ReportSeries(ctx, d.tenant.ID, f)
		require.NoError(t, err)
		gotS, err := d.s.ReportSeries(ctx, d.tenant.ID, f)
		require.NoError(t, err)
		assert.Equal(t, wantS, gotS, "series (seed %d)", seed)
		for _, by := range []helpdesk.Dimension{helpdesk.ByAgent, helpdesk.ByGroup, helpdesk.ByPriority} {
			wantB, err := live.ReportBreakdown(ctx, d.tenant.ID, f, by)
			require.NoError(t, err)
			gotB, err := d.s.ReportBreakdown(ctx, d.tenant.ID, f, by)
			require.NoError(t, err)
			assert.Equal(t, wantB, gotB, "breakdown by %s (seed %d)", by, seed)
		}
	}
}

func sums() string {
	cols := strings.Split(rollupCounts, ",")
	for i, c := range cols {
		cols[i] = "sum(x." + strings.TrimSpace(c) + ")::int"
	}
	return strings.Join(cols, ", ")
}

// slotSums sums each count column over a key's slots, keeping its name.
func slotSums() string {
	cols := strings.Split(rollupCounts, ",")
	for i, c := range cols {
		c = strings.TrimSpace(c)
		cols[i] = "sum(" + c + ")::int AS " + c
	}
	return strings.Join(cols, ", ")
}
