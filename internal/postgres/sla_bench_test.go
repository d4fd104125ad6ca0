package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// slaLoad is a database of open tickets spread over tenants, each with a
// running resolution clock; due of them are past their next check at now.
type slaLoad struct {
	pool    *pgxpool.Pool
	store   *postgres.Store
	now     time.Time
	tickets int
	due     int
}

// loadSLA bulk-loads n open tickets over tenants tenants: the rows are
// COPYed into a staging table (COPY FROM cannot write a table under
// row-level security), then inserted tenant by tenant in tenant-bound
// transactions, as the application role. One ticket in dueEvery is due.
func loadSLA(tb testing.TB, n, tenants, dueEvery int) *slaLoad {
	tb.Helper()
	ctx := context.Background()
	pool := pgtest.New(tb)
	l := &slaLoad{pool: pool, store: postgres.New(pool), now: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), tickets: n}
	svc := helpdesk.NewService(l.store, nil, func() time.Time { return l.now })
	targets := map[helpdesk.Priority]helpdesk.SLATargets{}
	for _, p := range helpdesk.Priorities() {
		targets[p] = helpdesk.SLATargets{Resolution: 480}
	}
	ids := make([]helpdesk.TenantID, tenants)
	for i := range ids {
		tn, admin, err := l.store.CreateTenant(ctx, helpdesk.Tenant{Slug: fmt.Sprintf("t%d", i), Name: fmt.Sprintf("T%d", i), Language: "es"},
			helpdesk.User{Email: fmt.Sprintf("a@t%d.example", i), Name: "Admin", Role: helpdesk.RoleAdmin, Active: true})
		require.NoError(tb, err)
		_, err = svc.SavePolicy(ctx, admin.Actor(), 0, helpdesk.SLAPolicyInput{Name: "Base", Targets: targets,
			Escalations: []helpdesk.EscalationLevel{{Percent: 75, NotifyAssignee: true}}})
		require.NoError(tb, err)
		ids[i] = tn.ID
	}
	conn, err := pool.Acquire(ctx)
	require.NoError(tb, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `CREATE TEMP TABLE stage (tenant_id bigint, number bigint, created_at timestamptz, check_at timestamptz)`)
	require.NoError(tb, err)
	// Rows are generated as COPY asks for them, so a million tickets need
	// no million-row slice.
	per := map[helpdesk.TenantID]int{}
	i := 0
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"stage"}, []string{"tenant_id", "number", "created_at", "check_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			tn := ids[i%tenants]
			per[tn]++
			// Created up to 40 days back; the next check lies ahead, except
			// for one ticket in dueEvery, whose check came in the last hour.
			created := l.now.Add(-time.Duration(i%(40*24*60)) * time.Minute)
			check := l.now.Add(time.Duration(1+i%(30*24*60)) * time.Minute)
			if i%dueEvery == 0 {
				check = l.now.Add(-time.Duration(1+i%60) * time.Minute)
				l.due++
			}
			i++
			return []any{int64(tn), int64(per[tn]), created, check}, nil
		}))
	require.NoError(tb, err)
	// Each tenant's inserts read its slice of the staging table.
	_, err = conn.Exec(ctx, `CREATE INDEX ON stage (tenant_id, number); ANALYZE stage`)
	require.NoError(tb, err)
	for _, tn := range ids {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			t := int64(tn)
			for _, sql := range []string{
				`SELECT set_config('app.tenant_id', $1::bigint::text, true)`,
				`INSERT INTO tickets (tenant_id, number, subject, status, priority, urgency, impact, channel,
					guest_name, guest_email, status_changed_at, created_at, updated_at, version)
				SELECT tenant_id, number, 'Ticket ' || number, 'open', 2, 'medium', 'medium', 'web',
					'Invitado', 'g' || number || '@example.com', created_at, created_at, created_at, 1
				FROM stage WHERE tenant_id = $1`,
				`SELECT ticket_numbers_follow($1)`,
				`INSERT INTO sla_clock_events (tenant_id, ticket_id, metric, kind, at, cycle)
				SELECT t.tenant_id, t.id, 'resolution', 'activate', t.created_at, 1 FROM tickets t WHERE t.tenant_id = $1`,
				`INSERT INTO sla_clocks (tenant_id, ticket_id, metric, state, cycle, started_at, due_at, next_check_at)
				SELECT t.tenant_id, t.id, 'resolution', 'running', 1, t.created_at, s.check_at, s.check_at
				FROM tickets t JOIN stage s ON s.tenant_id = t.tenant_id AND s.number = t.number WHERE t.tenant_id = $1`,
			} {
				if _, err := tx.Exec(ctx, sql, t); err != nil {
					return fmt.Errorf("%.60s: %w", sql, err)
				}
			}
			return nil
		})
		require.NoError(tb, err)
	}
	_, err = conn.Exec(ctx, `ANALYZE`)
	require.NoError(tb, err)
	return l
}

// explainScan runs the scan's statement under EXPLAIN (ANALYZE, BUFFERS)
// exactly as DueSLAClocks does (no tenant, app.sla_scan on) and returns
// the text plan and the top plan node.
func (l *slaLoad) explainScan(tb testing.TB, limit int) (string, map[string]any) {
	tb.Helper()
	ctx := context.Background()
	var text string
	var js []map[string]any
	err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.sla_scan', 'on', true)`); err != nil {
			return err
		}
		q := postgres.DueClocksSQL
		rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) "+q, l.now, limit)
		if err != nil {
			return err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		text = strings.Join(lines, "\n")
		var raw []byte
		if err := tx.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) "+q, l.now, limit).Scan(&raw); err != nil {
			return err
		}
		return json.Unmarshal(raw, &js)
	})
	require.NoError(tb, err)
	return text, js[0]["Plan"].(map[string]any)
}

// scanNode finds the node that reads sla_clocks.
func scanNode(n map[string]any) map[string]any {
	if rel, _ := n["Relation Name"].(string); rel == "sla_clocks" {
		return n
	}
	for _, c := range asList(n["Plans"]) {
		if f := scanNode(c); f != nil {
			return f
		}
	}
	return nil
}

// indexNode finds the node that reads an index of sla_clocks.
func indexNode(n map[string]any) map[string]any {
	if idx, _ := n["Index Name"].(string); strings.HasPrefix(idx, "sla_clocks") {
		return n
	}
	for _, c := range asList(n["Plans"]) {
		if f := indexNode(c); f != nil {
			return f
		}
	}
	return nil
}

func asList(v any) []map[string]any {
	var out []map[string]any
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// TestSLAScanReadsOnlyDueClocks checks the plan of the scan over 20,000
// open tickets: a scan of the index sla_clocks_check whose range holds
// exactly the due rows, and no row read and filtered away (the planner
// may choose a plain or a bitmap index scan).
func TestSLAScanReadsOnlyDueClocks(t *testing.T) {
	t.Parallel()
	l := loadSLA(t, 20000, 8, 100)
	text, plan := l.explainScan(t, 10000)
	t.Logf("EXPLAIN of the SLA scan over %d open tickets, %d due:\n%s", l.tickets, l.due, text)
	n := scanNode(plan)
	require.NotNil(t, n, text)
	require.EqualValues(t, l.due, n["Actual Rows"], "reads the due clocks only")
	for _, k := range []string{"Rows Removed by Filter", "Rows Removed by Index Recheck"} {
		if v, ok := n[k]; ok {
			require.EqualValues(t, 0, v, "%s: nothing read and thrown away", k)
		}
	}
	idx := indexNode(plan)
	require.NotNil(t, idx, text)
	require.Equal(t, "sla_clocks_check", idx["Index Name"], text)
	require.EqualValues(t, l.due, idx["Actual Rows"], "the index range holds the due clocks only")

	due, err := l.store.DueSLAClocks(context.Background(), l.now, 10000)
	require.NoError(t, err)
	require.Len(t, due, l.due)
}

// BenchmarkSLAScan measures the breach scan over many open tickets: the
// cross-tenant read of due clocks, and the whole scan (one tenant
// transaction per due ticket: lock, derive, record the breach or the
// warning, write the clock). ATIENDE_SLA_BENCH_TICKETS sets the number of
// open tickets (default 100,000; 1000000 for the full figure).
//
//	go test -run '^$' -bench BenchmarkSLAScan -benchtime 1x ./internal/postgres/
func BenchmarkSLAScan(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("ATIENDE_SLA_BENCH_TICKETS")); err == nil && v > 0 {
		n = v
	}
	start := time.Now()
	l := loadSLA(b, n, 50, 100)
	b.Logf("loaded %d open tickets (%d due) in %s", n, l.due, time.Since(start).Round(time.Millisecond))
	text, _ := l.explainScan(b, 10000)
	b.Logf("EXPLAIN:\n%s", text)
	ctx := context.Background()

	b.Run("read-due-ids", func(b *testing.B) {
		rows := 0
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			for j := 0; j < 20; j++ { // several reads per iteration: -benchtime 1x still measures more than one
				due, err := l.store.DueSLAClocks(ctx, l.now, 10000)
				require.NoError(b, err)
				rows += len(due)
			}
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("scan-and-record", func(b *testing.B) {
		svc := helpdesk.NewService(l.store, nil, func() time.Time { return l.now })
		done := 0
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			// Each run handles what is due; later runs find the clocks
			// already handled (their next check moved on) and do nothing,
			// so only the first iteration's work is counted as rows.
			res, err := svc.ScanSLA(ctx, l.now, 1000000)
			require.NoError(b, err)
			done += res.Tickets
		}
		b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "tickets/s")
	})
}
