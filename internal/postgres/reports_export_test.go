package postgres

import (
	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ReportSQLForTest exposes the report statements and their arguments, so
// the scale test can show their plans.
func ReportSQLForTest(tenant helpdesk.TenantID, f helpdesk.ReportFilter) (map[string]string, pgx.NamedArgs) {
	a := filterArgs(tenant, f)
	days := localDays(f)
	a["ndays"], a["day0"] = len(days), days[0].Format("2006-01-02")
	a["dayto"] = f.To.In(f.Loc()).Format("2006-01-02")
	return map[string]string{"summary": summarySQL, "replies": repliesSQL, "backlog": backlogSQL, "series": seriesSQL,
		"summary (rollup)": summaryRollupSQL, "first reply percentiles": firstReplyStatSQL,
		"solved percentiles": solvedStatSQL, "series (rollup)": seriesRollupSQL}, a
}

// LiveReportsForTest returns a copy of s whose reports aggregate the
// metric rows alone, never the daily rollup.
func LiveReportsForTest(s *Store) *Store {
	c := *s
	c.liveReports = true
	return &c
}
