package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The daily rollup (migrations/00024_reports_rollup.sql): report_daily
// holds, per local day of the desk's time zone and dimension set, the
// counts and sums of the tickets created, solved and done that day. A
// trigger on ticket_metrics keeps it in the ticket's own transaction.
// Reports read it for counts when their period is whole local days of
// that zone (the reports pages' periods always are); the medians and p90
// stay exact on ticket_metrics.

// rollupFilter narrows report_daily d like metricFilter narrows
// ticket_metrics: the rollup's ids hold -1 for none, as the filter does.
const rollupFilter = `d.tenant_id = @tenant
	AND (@group::bigint = 0 OR d.group_id = @group::bigint)
	AND (@agent::bigint = 0 OR d.assignee_id = @agent::bigint)
	AND (@category::bigint = 0 OR d.category_id = @category::bigint)
	AND (@organisation::bigint = 0 OR d.organisation_id = @organisation::bigint)
	AND (@channel::text = '' OR d.channel = @channel::text)
	AND (@priority::text = '' OR d.priority = @priority::text)`

const inDays = `(d.day >= @day0::date AND d.day < @dayto::date)`

// summaryRollupSQL reads the summary's counts (in ReportSummary's scan
// order) and the backlog at the period's end: every ticket created before
// it less every ticket done before it.
const summaryRollupSQL = `SELECT
	coalesce(sum(created) FILTER (WHERE ` + inDays + `), 0), coalesce(sum(solved) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(fcr) FILTER (WHERE ` + inDays + `), 0), coalesce(sum(reopened) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(reopens) FILTER (WHERE ` + inDays + `), 0), coalesce(sum(escalated) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(touches) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(frt_achieved) FILTER (WHERE ` + inDays + `), 0), coalesce(sum(frt_breached) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(frt_active) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(nrt_achieved) FILTER (WHERE ` + inDays + `), 0), coalesce(sum(nrt_breached) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(nrt_active) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(res_achieved) FILTER (WHERE ` + inDays + `), 0), coalesce(sum(res_breached) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(res_active) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(rated) FILTER (WHERE ` + inDays + `), 0), coalesce(sum(csat_sum) FILTER (WHERE ` + inDays + `), 0),
	coalesce(sum(created - done), 0)
FROM report_daily d WHERE ` + rollupFilter + ` AND d.day < @dayto::date`

// The summary's percentiles, each over the one range it counts by.
var (
	firstReplyStatSQL = `SELECT ` + statSQL("first_reply", "true") + `
FROM ticket_metrics m WHERE ` + metricFilter + ` AND ` + inFirstReply
	solvedStatSQL = `SELECT ` + statSQL("resolution", "true") + `, ` + statSQL("wait", "true") + `
FROM ticket_metrics m WHERE ` + metricFilter + ` AND ` + inSolved
)

// seriesRollupSQL is seriesSQL over the rollup: the backlog at the start
// is everything created before the first day less everything done before.
const seriesRollupSQL = `WITH days AS (SELECT generate_series(0, @ndays::int - 1) AS i),
b0 AS (SELECT coalesce(sum(created - done), 0) AS n FROM report_daily d WHERE ` + rollupFilter + ` AND d.day < @day0::date),
r AS (SELECT d.day - @day0::date AS i, sum(created) AS c, sum(solved) AS s, sum(done) AS x
	FROM report_daily d WHERE ` + rollupFilter + ` AND ` + inDays + ` GROUP BY 1)
SELECT days.i, coalesce(r.c, 0), coalesce(r.s, 0),
	(SELECT n FROM b0) + sum(coalesce(r.c, 0) - coalesce(r.x, 0)) OVER (ORDER BY days.i)
FROM days LEFT JOIN r USING (i)
ORDER BY days.i`

// useRollup reports whether f's period is whole local days of the zone
// the tenant's rollup is kept in, and if so adds the days' arguments to a.
func (s *Store) useRollup(ctx context.Context, tx pgx.Tx, tenant helpdesk.TenantID, f helpdesk.ReportFilter, a pgx.NamedArgs) (bool, error) {
	if s.liveReports || !midnight(f.From, f.Loc()) || !midnight(f.To, f.Loc()) || !f.From.Before(f.To) {
		return false, nil
	}
	var zone string
	if err := tx.QueryRow(ctx, `SELECT time_zone FROM tenants WHERE id = $1`, int64(tenant)).Scan(&zone); err != nil {
		return false, err
	}
	if zone != f.Loc().String() {
		return false, nil
	}
	a["day0"], a["dayto"] = f.From.In(f.Loc()).Format(time.DateOnly), f.To.In(f.Loc()).Format(time.DateOnly)
	return true, nil
}

func midnight(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	return l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 && l.Nanosecond() == 0
}

// RebuildReportRollup recomputes the tenant's daily rollup from its metric
// rows, in one transaction, and returns how many rollup rows it wrote.
func (s *Store) RebuildReportRollup(ctx context.Context, tenant helpdesk.TenantID) (int64, error) {
	var n int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT report_daily_rebuild($1)`, int64(tenant)).Scan(&n)
	})
	return n, mapErr(err, "rebuild report rollup")
}
