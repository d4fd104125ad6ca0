package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ExplainReports runs the overview's statements for the tenant's whole desk
// over the days local days up to today, under EXPLAIN (ANALYZE, BUFFERS),
// in one transaction bound to the tenant, and returns their plans as text:
// for the benchmark's record of where a report's time goes (docs/bench).
func (s *Store) ExplainReports(ctx context.Context, tenant helpdesk.TenantID, days int, now time.Time) (string, error) {
	var b strings.Builder
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var zone string
		if err := tx.QueryRow(ctx, `SELECT time_zone FROM tenants WHERE id = $1`, int64(tenant)).Scan(&zone); err != nil {
			return err
		}
		loc, err := time.LoadLocation(zone)
		if err != nil {
			return err
		}
		l := now.In(loc)
		to := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
		f := helpdesk.ReportFilter{From: to.AddDate(0, 0, -days), To: to, Location: loc}
		a := filterArgs(tenant, f)
		if _, err := s.useRollup(ctx, tx, tenant, f, a); err != nil {
			return err
		}
		a["ndays"] = days
		statements := []struct{ name, sql string }{
			{"summary counts (rollup)", summaryRollupSQL},
			{"first reply percentiles (ticket_metrics)", firstReplyStatSQL},
			{"resolution and wait percentiles (ticket_metrics)", solvedStatSQL},
			{"reply time percentiles (ticket_metrics)", repliesSQL},
			{"daily series (rollup)", seriesRollupSQL},
			{"breakdown by agent (rollup and percentiles)", fmt.Sprintf(breakdownRollupSQL, dimensions[helpdesk.ByAgent].rollupKey,
				statSQL("first_reply", "f"), statSQL("resolution", "s"), dimensions[helpdesk.ByAgent].key, "agg.k", "")},
		}
		fmt.Fprintf(&b, "Reports over %d days (%s to %s, %s), tenant %d\n", days, f.From.Format(time.DateOnly),
			f.To.Format(time.DateOnly), zone, tenant)
		for _, st := range statements {
			rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+st.sql, a)
			if err != nil {
				return fmt.Errorf("%s: %w", st.name, err)
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return fmt.Errorf("%s: %w", st.name, err)
			}
			fmt.Fprintf(&b, "\n--- %s\n%s\n", st.name, strings.Join(lines, "\n"))
		}
		return nil
	})
	return b.String(), mapErr(err, "explain reports")
}
