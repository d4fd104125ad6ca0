package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// dimension is how a breakdown groups: the key as text (an id, -1 for
// none, or a channel or priority) over ticket_metrics m and over
// report_daily d, and the table its names come from.
type dimension struct{ key, rollupKey, names string }

var dimensions = map[helpdesk.Dimension]dimension{
	helpdesk.ByGroup:        {`coalesce(m.group_id, -1)::text`, `d.group_id::text`, "groups"},
	helpdesk.ByAgent:        {`coalesce(m.assignee_id, -1)::text`, `d.assignee_id::text`, "users"},
	helpdesk.ByCategory:     {`coalesce(m.category_id, -1)::text`, `d.category_id::text`, "categories"},
	helpdesk.ByOrganisation: {`coalesce(m.organisation_id, -1)::text`, `d.organisation_id::text`, "organisations"},
	helpdesk.ByChannel:      {`m.channel`, `d.channel`, ""},
	helpdesk.ByPriority:     {`m.priority`, `d.priority`, ""},
}

// breakdownRollupSQL is breakdownSQL with the counts from the rollup and
// the percentiles from the metric rows of the tickets first replied to or
// solved in the period, joined on the key; the columns come out alike.
const breakdownRollupSQL = `WITH r AS (
	SELECT %[1]s AS k, sum(created) AS created, sum(solved) AS solved, sum(fcr) AS fcr,
		sum(reopened) AS reopened, sum(breached) AS breached, sum(rated) AS rated, sum(csat_sum) AS csat_sum
	FROM report_daily d WHERE ` + rollupFilter + ` AND ` + inDays + ` GROUP BY 1
	HAVING sum(created) <> 0 OR sum(solved) <> 0
), p AS (
	SELECT k, %[2]s, %[3]s
	FROM (SELECT m.*, %[4]s AS k, coalesce(` + inFirstReply + `, false) AS f, coalesce(` + inSolved + `, false) AS s
		FROM ticket_metrics m WHERE ` + metricFilter + ` AND (` + inFirstReply + ` OR ` + inSolved + `)) m
	GROUP BY k
), agg AS (
	SELECT k, coalesce(r.created, 0) AS created, coalesce(r.solved, 0) AS solved,
		coalesce(p.n1, 0), p.c1, p.b1, coalesce(p.n2, 0), p.c2, p.b2,
		coalesce(r.fcr, 0), coalesce(r.reopened, 0), coalesce(r.breached, 0), coalesce(r.rated, 0),
		coalesce(r.csat_sum, 0)
	FROM r FULL JOIN p AS p(k, n1, c1, b1, n2, c2, b2) USING (k)
)
SELECT agg.*, %[5]s FROM agg %[6]s
ORDER BY agg.created DESC, agg.solved DESC, agg.k`

const breakdownSQL = `%s, agg AS (
	SELECT k, count(*) FILTER (WHERE c) AS created, count(*) FILTER (WHERE s) AS solved,
		%s, %s,
		count(*) FILTER (WHERE s AND fcr) AS fcr, count(*) FILTER (WHERE s AND reopens > 0) AS reopened,
		count(*) FILTER (WHERE c AND 'breached' IN (sla_first_reply, sla_next_reply, sla_resolution)) AS breached,
		count(*) FILTER (WHERE s AND csat IS NOT NULL) AS rated, coalesce(sum(csat) FILTER (WHERE s), 0) AS csat_sum
	FROM (SELECT m.*, %s AS k FROM m) m GROUP BY k
)
SELECT agg.*, %s FROM agg %s
ORDER BY agg.created DESC, agg.solved DESC, agg.k`

// ReportBreakdown reads f's figures grouped by dim.
func (s *Store) ReportBreakdown(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.ReportFilter, by helpdesk.Dimension) ([]helpdesk.BreakdownRow, error) {
	dim, ok := dimensions[by]
	if !ok {
		return nil, fmt.Errorf("postgres: breakdown by %q: %w", by, helpdesk.ErrNotFound)
	}
	name, join := `agg.k`, ``
	if dim.names != "" {
		name = `coalesce(n.name, '')`
		join = `LEFT JOIN ` + dim.names + ` n ON n.tenant_id = @tenant AND n.id::text = agg.k`
	}
	var out []helpdesk.BreakdownRow
	a := filterArgs(tenant, f)
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		q := fmt.Sprintf(breakdownSQL, flagged, statSQL("first_reply", "f"), statSQL("resolution", "s"), dim.key, name, join)
		if roll, err := s.useRollup(ctx, tx, tenant, f, a); err != nil {
			return err
		} else if roll {
			q = fmt.Sprintf(breakdownRollupSQL, dim.rollupKey, statSQL("first_reply", "f"), statSQL("resolution", "s"), dim.key, name, join)
		}
		rows, err := tx.Query(ctx, q, a)
		if err != nil {
			return err
		}
		var r helpdesk.BreakdownRow
		var k string
		var fr, res stat2
		dest := []any{&k, &r.Created, &r.Solved}
		dest = append(dest, fr.dest()...)
		dest = append(dest, res.dest()...)
		dest = append(dest, &r.FCR, &r.Reopened, &r.Breached, &r.Rated, &r.CSATSum, &r.Name)
		_, err = pgx.ForEachRow(rows, dest, func() error {
			row := r
			row.FirstReply, row.Resolution = fr.stat(), res.stat()
			if dim.names != "" {
				_, _ = fmt.Sscan(k, &row.ID)
			} else {
				row.Key = k
			}
			out = append(out, row)
			return nil
		})
		return err
	})
	return out, mapErr(err, "report by %s", by)
}

const ratingsSQL = `SELECT m.number, t.subject, r.rating, r.comment, r.rated_by_name, coalesce(u.name, ''), r.solved_at, r.updated_at
FROM satisfaction_ratings r
JOIN ticket_metrics m ON m.tenant_id = r.tenant_id AND m.ticket_id = r.ticket_id
JOIN tickets t ON t.tenant_id = r.tenant_id AND t.id = r.ticket_id
LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.assignee_id
WHERE r.tenant_id = @tenant AND r.solved_at >= @from AND r.solved_at < @to AND ` + metricFilter + `
	AND (@rating::int = 0 OR r.rating = @rating::int)
ORDER BY r.updated_at DESC, m.number DESC
LIMIT @limit`

// ReportRatings lists the ratings of resolutions reached in f's period.
func (s *Store) ReportRatings(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.ReportFilter, limit int) ([]helpdesk.RatingRow, error) {
	a := filterArgs(tenant, f)
	a["rating"], a["limit"] = f.Rating, limit
	var out []helpdesk.RatingRow
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, ratingsSQL, a)
		if err != nil {
			return err
		}
		var r helpdesk.RatingRow
		var n int64
		var score int16
		_, err = pgx.ForEachRow(rows, []any{&n, &r.Subject, &score, &r.Comment, &r.RatedBy, &r.Assignee, &r.SolvedAt, &r.UpdatedAt}, func() error {
			row := r
			row.Number, row.Score, row.SolvedAt, row.UpdatedAt = helpdesk.TicketNumber(n), int(score), r.SolvedAt.UTC(), r.UpdatedAt.UTC()
			out = append(out, row)
			return nil
		})
		return err
	})
	return out, mapErr(err, "report ratings")
}

const slaSQL = `SELECT coalesce(m.sla_policy_id, 0), coalesce(p.name, ''), o.metric,
	count(*) FILTER (WHERE o.outcome = 'achieved'), count(*) FILTER (WHERE o.outcome = 'breached'),
	count(*) FILTER (WHERE o.outcome = 'active')
FROM ticket_metrics m
CROSS JOIN LATERAL (VALUES (1, 'first_reply', m.sla_first_reply), (2, 'next_reply', m.sla_next_reply),
	(3, 'resolution', m.sla_resolution)) AS o(ord, metric, outcome)
LEFT JOIN sla_policies p ON p.tenant_id = m.tenant_id AND p.id = m.sla_policy_id
WHERE ` + metricFilter + ` AND ` + inCreated + ` AND o.outcome <> ''
GROUP BY 1, 2, 3, o.ord
ORDER BY 2, 1, o.ord`

// ReportSLA reads each policy's outcomes per target over f's created tickets.
func (s *Store) ReportSLA(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.ReportFilter) ([]helpdesk.SLARow, error) {
	var out []helpdesk.SLARow
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, slaSQL, filterArgs(tenant, f))
		if err != nil {
			return err
		}
		var r helpdesk.SLARow
		var id int64
		var metric string
		_, err = pgx.ForEachRow(rows, []any{&id, &r.PolicyName, &metric, &r.Achieved, &r.Breached, &r.Active}, func() error {
			row := r
			row.Policy, row.Metric = helpdesk.SLAPolicyID(id), helpdesk.SLAMetric(metric)
			out = append(out, row)
			return nil
		})
		return err
	})
	return out, mapErr(err, "report SLA")
}

// slaColumns are the outcome columns by metric, for the drill-down sets.
var slaColumns = map[helpdesk.SLAMetric]string{
	helpdesk.MetricFirstReply: "m.sla_first_reply",
	helpdesk.MetricNextReply:  "m.sla_next_reply",
	helpdesk.MetricResolution: "m.sla_resolution",
}

// setCondition is the SQL condition of a drill-down set; every piece is a
// constant of this file, never text from the request.
func setCondition(set helpdesk.TicketSet) (string, error) {
	name, metric, err := helpdesk.ParseTicketSet(string(set))
	if err != nil {
		return "", err
	}
	switch name {
	case helpdesk.SetCreated:
		return inCreated, nil
	case helpdesk.SetSolved:
		return inSolved, nil
	case helpdesk.SetBacklog:
		return `m.created_at < @to AND (m.done_at IS NULL OR m.done_at >= @to)`, nil
	case helpdesk.SetFirstReply:
		return inFirstReply, nil
	case helpdesk.SetFCR:
		return inSolved + ` AND m.fcr`, nil
	case helpdesk.SetReopened:
		return inSolved + ` AND m.reopens > 0`, nil
	case helpdesk.SetEscalated:
		return inCreated + ` AND m.escalations > 0`, nil
	case helpdesk.SetRated:
		return inSolved + ` AND m.csat IS NOT NULL`, nil
	case helpdesk.SetBreached:
		if metric == "" {
			return inCreated + ` AND 'breached' IN (m.sla_first_reply, m.sla_next_reply, m.sla_resolution)`, nil
		}
		return inCreated + ` AND ` + slaColumns[metric] + ` = 'breached'`, nil
	case helpdesk.SetAchieved:
		return inCreated + ` AND ` + slaColumns[metric] + ` = 'achieved'`, nil
	}
	return "", fmt.Errorf("postgres: ticket set %q: %w", set, helpdesk.ErrNotFound)
}

// ReportTickets lists up to limit tickets of set under f, newest first.
func (s *Store) ReportTickets(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.ReportFilter, set helpdesk.TicketSet, limit int) ([]helpdesk.ReportTicket, error) {
	cond, err := setCondition(set)
	if err != nil {
		return nil, err
	}
	a := filterArgs(tenant, f)
	a["limit"] = limit
	var out []helpdesk.ReportTicket
	err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT m.number, t.subject, m.status, m.priority, m.created_at, m.solved_at, coalesce(u.name, '')
			FROM ticket_metrics m
			JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
			LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.assignee_id
			WHERE `+metricFilter+` AND `+cond+`
			ORDER BY m.created_at DESC, m.number DESC LIMIT @limit`, a)
		if err != nil {
			return err
		}
		var r helpdesk.ReportTicket
		var n int64
		var status, priority string
		var solved *time.Time
		_, err = pgx.ForEachRow(rows, []any{&n, &r.Subject, &status, &priority, &r.CreatedAt, &solved, &r.Assignee}, func() error {
			row := r
			row.Number, row.Status, row.Priority = helpdesk.TicketNumber(n), helpdesk.Status(status), helpdesk.Priority(priority)
			row.CreatedAt, row.SolvedAt = r.CreatedAt.UTC(), fromTimePtr(solved)
			out = append(out, row)
			return nil
		})
		return err
	})
	return out, mapErr(err, "report tickets %s", set)
}

// EachTicketMetrics streams the metric rows of f's created tickets, with
// the names of their dimensions, oldest first.
func (s *Store) EachTicketMetrics(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.ReportFilter, fn func(helpdesk.MetricExportRow) error) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+metricColumns+`, t.subject, coalesce(g.name, ''), coalesce(u.name, ''),
				coalesce(c.name, ''), coalesce(o.name, '')
			FROM ticket_metrics m
			JOIN tickets t ON t.tenant_id = m.tenant_id AND t.id = m.ticket_id
			LEFT JOIN groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
			LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.assignee_id
			LEFT JOIN categories c ON c.tenant_id = m.tenant_id AND c.id = m.category_id
			LEFT JOIN organisations o ON o.tenant_id = m.tenant_id AND o.id = m.organisation_id
			WHERE `+metricFilter+` AND `+inCreated+`
			ORDER BY m.created_at, m.number`, filterArgs(tenant, f))
		if err != nil {
			return err
		}
		var x metricScan
		var r helpdesk.MetricExportRow
		_, err = pgx.ForEachRow(rows, x.dest(&r.Subject, &r.Group, &r.Assignee, &r.Category, &r.Organisation), func() error {
			row := r
			row.TicketMetrics = x.row()
			return fn(row)
		})
		return err
	})
	return mapErr(err, "export metrics")
}
