package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The report queries: aggregates over ticket_metrics only (plus names),
// each a range scan on a tenant-leading index of the instant its section
// covers. docs/metrics.md lists which tickets each figure counts.

// metricFilter narrows ticket_metrics m to the tenant and f's dimensions;
// a dimension's 0 means any and -1 (helpdesk.None) means none.
const metricFilter = `m.tenant_id = @tenant
	AND (@group::bigint = 0 OR coalesce(m.group_id, -1) = @group::bigint)
	AND (@agent::bigint = 0 OR coalesce(m.assignee_id, -1) = @agent::bigint)
	AND (@category::bigint = 0 OR coalesce(m.category_id, -1) = @category::bigint)
	AND (@organisation::bigint = 0 OR coalesce(m.organisation_id, -1) = @organisation::bigint)
	AND (@channel::text = '' OR m.channel = @channel::text)
	AND (@priority::text = '' OR m.priority = @priority::text)`

// Period conditions over m, by the instant each counts.
const (
	inCreated    = `(m.created_at >= @from AND m.created_at < @to)`
	inSolved     = `(m.solved_at >= @from AND m.solved_at < @to)`
	inFirstReply = `(m.first_reply_at >= @from AND m.first_reply_at < @to)`
)

func filterArgs(tenant helpdesk.TenantID, f helpdesk.ReportFilter) pgx.NamedArgs {
	return pgx.NamedArgs{
		"tenant": int64(tenant), "from": f.From, "to": f.To, "tz": f.Loc().String(),
		"group": int64(f.Group), "agent": int64(f.Agent), "category": int64(f.Category),
		"organisation": int64(f.Organisation), "channel": string(f.Channel), "priority": string(f.Priority),
	}
}

// flagged is ticket_metrics with a row per ticket touched by the period
// and the flags c (created in it), s (solved in it) and f (first reply in
// it). The OR of three ranges becomes a BitmapOr of three index scans.
const flagged = `WITH m AS (
	SELECT m.*, ` + inCreated + ` AS c, coalesce(` + inSolved + `, false) AS s, coalesce(` + inFirstReply + `, false) AS f
	FROM ticket_metrics m
	WHERE ` + metricFilter + ` AND (` + inCreated + ` OR ` + inSolved + ` OR ` + inFirstReply + `)
)`

// pct is the SQL of the median and the 90th percentile of col where cond,
// as one two-element array: one sort for both.
func pct(col, cond string) string {
	return fmt.Sprintf(`percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %[1]s) FILTER (WHERE %[2]s)`, col, cond)
}

// stat2 is a Stat as scanned: calendar and business [median, p90].
type stat2 struct {
	n        int
	cal, biz []*float64
}

func (x *stat2) dest() []any { return []any{&x.n, &x.cal, &x.biz} }

func secs(v []*float64, i int) time.Duration {
	if i >= len(v) || v[i] == nil {
		return 0
	}
	return time.Duration(math.Round(*v[i])) * time.Second
}

func (x *stat2) stat() helpdesk.Stat {
	return helpdesk.Stat{N: x.n, Median: helpdesk.Durations{Calendar: secs(x.cal, 0), Business: secs(x.biz, 0)},
		P90: helpdesk.Durations{Calendar: secs(x.cal, 1), Business: secs(x.biz, 1)}}
}

// statSQL counts rows where cond and takes the percentiles of col_s and
// col_bs among them.
func statSQL(col, cond string) string {
	return fmt.Sprintf(`count(*) FILTER (WHERE %[2]s AND %[1]s_s IS NOT NULL), %[3]s, %[4]s`,
		col, cond, pct(col+"_s", cond), pct(col+"_bs", cond))
}

var summarySQL = flagged + `
SELECT count(*) FILTER (WHERE c), count(*) FILTER (WHERE s),
	` + statSQL("first_reply", "f") + `,
	` + statSQL("resolution", "s") + `,
	` + statSQL("wait", "s") + `,
	count(*) FILTER (WHERE s AND fcr), count(*) FILTER (WHERE s AND reopens > 0),
	coalesce(sum(reopens) FILTER (WHERE s), 0), count(*) FILTER (WHERE c AND escalations > 0),
	coalesce(sum(touches) FILTER (WHERE s), 0),
	count(*) FILTER (WHERE c AND sla_first_reply = 'achieved'), count(*) FILTER (WHERE c AND sla_first_reply = 'breached'),
	count(*) FILTER (WHERE c AND sla_first_reply = 'active'),
	count(*) FILTER (WHERE c AND sla_next_reply = 'achieved'), count(*) FILTER (WHERE c AND sla_next_reply = 'breached'),
	count(*) FILTER (WHERE c AND sla_next_reply = 'active'),
	count(*) FILTER (WHERE c AND sla_resolution = 'achieved'), count(*) FILTER (WHERE c AND sla_resolution = 'breached'),
	count(*) FILTER (WHERE c AND sla_resolution = 'active'),
	count(*) FILTER (WHERE s AND csat IS NOT NULL), coalesce(sum(csat) FILTER (WHERE s), 0)
FROM m`

// repliesSQL unnests in the select list (one ProjectSet node, the two
// arrays in step: a CHECK keeps them the same length) rather than in a
// lateral join, which ran a function scan per ticket at twice the cost.
var repliesSQL = `SELECT count(*), ` + pct("r.s", "true") + `, ` + pct("r.bs", "true") + `
FROM (SELECT unnest(m.reply_s) AS s, unnest(m.reply_bs) AS bs FROM ticket_metrics m
	WHERE ` + metricFilter + ` AND ` + inSolved + `) r`

// backlogSQL counts the tickets not done at @to: the open ones (a small
// partial index) plus those done after it.
var backlogSQL = `SELECT (SELECT count(*) FROM ticket_metrics m WHERE ` + metricFilter + `
		AND m.done_at IS NULL AND m.created_at < @to)
	+ (SELECT count(*) FROM ticket_metrics m WHERE ` + metricFilter + ` AND m.done_at >= @to AND m.created_at < @to)`

// ReportSummary reads the overview's figures in one round trip: from the
// daily rollup and the percentiles of ticket_metrics when the period is
// whole local days of the desk's zone, else all from ticket_metrics.
func (s *Store) ReportSummary(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.ReportFilter) (helpdesk.ReportSummary, error) {
	var out helpdesk.ReportSummary
	a := filterArgs(tenant, f)
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		roll, err := s.useRollup(ctx, tx, tenant, f, a)
		if err != nil {
			return err
		}
		var fr, res, wait, rep stat2
		var sla [9]int
		var touches int
		counts := []any{&out.Created, &out.Solved, &out.FCR, &out.Reopened, &out.Reopens, &out.Escalated, &touches}
		for i := range sla {
			counts = append(counts, &sla[i])
		}
		counts = append(counts, &out.Rated, &out.CSATSum)
		b := &pgx.Batch{}
		if roll {
			b.Queue(summaryRollupSQL, a).QueryRow(func(r pgx.Row) error { return r.Scan(append(counts, &out.Backlog)...) })
			b.Queue(firstReplyStatSQL, a).QueryRow(func(r pgx.Row) error { return r.Scan(fr.dest()...) })
			b.Queue(solvedStatSQL, a).QueryRow(func(r pgx.Row) error { return r.Scan(append(res.dest(), wait.dest()...)...) })
		} else {
			dest := append(append(append([]any{&out.Created, &out.Solved}, fr.dest()...), res.dest()...), wait.dest()...)
			b.Queue(summarySQL, a).QueryRow(func(r pgx.Row) error { return r.Scan(append(dest, counts[2:]...)...) })
			b.Queue(backlogSQL, a).QueryRow(func(r pgx.Row) error { return r.Scan(&out.Backlog) })
		}
		b.Queue(repliesSQL, a).QueryRow(func(r pgx.Row) error { return r.Scan(rep.dest()...) })
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		out.FirstReply, out.Resolution, out.Wait, out.Reply = fr.stat(), res.stat(), wait.stat(), rep.stat()
		if out.Solved > 0 {
			out.Touches = float64(touches) / float64(out.Solved)
		}
		out.SLA = map[helpdesk.SLAMetric]helpdesk.SLACount{}
		for i, m := range helpdesk.SLAMetrics() {
			out.SLA[m] = helpdesk.SLACount{Achieved: sla[3*i], Breached: sla[3*i+1], Active: sla[3*i+2]}
		}
		return nil
	})
	return out, mapErr(err, "report summary")
}

// seriesSQL counts per local day the created and solved tickets and the
// backlog at the day's end: the backlog at the start (b0) plus the running
// sum of created minus done. base holds only the tickets that matter: the
// period's, and those still open at its start.
var seriesSQL = `WITH base AS (
	SELECT m.created_at, m.solved_at, m.done_at FROM ticket_metrics m WHERE ` + metricFilter + ` AND ` + inCreated + `
	UNION ALL
	SELECT m.created_at, m.solved_at, m.done_at FROM ticket_metrics m WHERE ` + metricFilter + `
		AND m.created_at < @from AND m.done_at IS NULL
	UNION ALL
	SELECT m.created_at, m.solved_at, m.done_at FROM ticket_metrics m WHERE ` + metricFilter + `
		AND m.created_at < @from AND m.done_at >= @from
), days AS (SELECT generate_series(0, @ndays::int - 1) AS i),
b0 AS (SELECT count(*) AS n FROM base WHERE created_at < @from),
c AS (SELECT (created_at AT TIME ZONE @tz)::date - @day0::date AS i, count(*) AS n FROM base
	WHERE created_at >= @from GROUP BY 1),
s AS (SELECT (solved_at AT TIME ZONE @tz)::date - @day0::date AS i, count(*) AS n FROM base
	WHERE solved_at >= @from AND solved_at < @to GROUP BY 1),
d AS (SELECT (done_at AT TIME ZONE @tz)::date - @day0::date AS i, count(*) AS n FROM base
	WHERE done_at >= @from AND done_at < @to GROUP BY 1)
SELECT days.i, coalesce(c.n, 0), coalesce(s.n, 0),
	(SELECT n FROM b0) + sum(coalesce(c.n, 0) - coalesce(d.n, 0)) OVER (ORDER BY days.i)
FROM days LEFT JOIN c USING (i) LEFT JOIN s USING (i) LEFT JOIN d USING (i)
ORDER BY days.i`

// localDays lists the local midnights of f's period.
func localDays(f helpdesk.ReportFilter) []time.Time {
	loc := f.Loc()
	l := f.From.In(loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	var out []time.Time
	for ; d.Before(f.To) && len(out) <= helpdesk.MaxReportDays; d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// ReportSeries reads the daily volume of f's period.
func (s *Store) ReportSeries(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.ReportFilter) ([]helpdesk.DayPoint, error) {
	days := localDays(f)
	if len(days) == 0 {
		return nil, nil
	}
	a := filterArgs(tenant, f)
	a["ndays"], a["day0"] = len(days), days[0].Format("2006-01-02")
	out := make([]helpdesk.DayPoint, 0, len(days))
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		q := seriesSQL
		if roll, err := s.useRollup(ctx, tx, tenant, f, a); err != nil {
			return err
		} else if roll {
			q = seriesRollupSQL
		}
		rows, err := tx.Query(ctx, q, a)
		if err != nil {
			return err
		}
		var p helpdesk.DayPoint
		var i int
		var backlog int64
		_, err = pgx.ForEachRow(rows, []any{&i, &p.Created, &p.Solved, &backlog}, func() error {
			if i >= 0 && i < len(days) {
				p.Day, p.Backlog = days[i], int(backlog)
				out = append(out, p)
			}
			return nil
		})
		return err
	})
	return out, mapErr(err, "report series")
}

// ReportArrivals counts f's created tickets by local weekday and hour.
func (s *Store) ReportArrivals(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.ReportFilter) (helpdesk.Arrivals, error) {
	var out helpdesk.Arrivals
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT extract(dow FROM m.created_at AT TIME ZONE @tz)::int,
				extract(hour FROM m.created_at AT TIME ZONE @tz)::int, count(*)::int
			FROM ticket_metrics m WHERE `+metricFilter+` AND `+inCreated+` GROUP BY 1, 2`, filterArgs(tenant, f))
		if err != nil {
			return err
		}
		var d, h, n int
		_, err = pgx.ForEachRow(rows, []any{&d, &h, &n}, func() error {
			if d >= 0 && d < 7 && h >= 0 && h < 24 {
				out[d][h] = n
			}
			return nil
		})
		return err
	})
	return out, mapErr(err, "report arrivals")
}
