package bench

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// TestExplainTicketWorkspaceScale generates a 1,000- and a 10,000-ticket
// desk with the bench's generator and explains every statement of the
// console ticket page's batch (EXPLAIN ANALYZE, BUFFERS) as the application
// role with the tenant bound, summed over a sample of the desk's unsolved
// tickets, to find which statement grows with the desk. It takes minutes:
//
//	ATIENDE_EXPLAIN_WORKSPACE=1 go test -v -run TestExplainTicketWorkspaceScale ./internal/bench/
func TestExplainTicketWorkspaceScale(t *testing.T) {
	if os.Getenv("ATIENDE_EXPLAIN_WORKSPACE") == "" {
		t.Skip("set ATIENDE_EXPLAIN_WORKSPACE=1 to explain the ticket page at 1k and 10k tickets")
	}
	sizes := []int{1000, 10000}
	results := make([]map[string]stmtCost, len(sizes))
	var order []string
	for i, n := range sizes {
		results[i], order = explainWorkspaceAt(t, n)
	}
	t.Logf("%-4s %-60s %12s %12s %9s %9s", "#", "statement", "1k ms", "10k ms", "1k bufs", "10k bufs")
	for i, key := range order {
		a, b := results[0][key], results[1][key]
		t.Logf("%-4d %-60.60s %12.3f %12.3f %9.0f %9.0f", i, key, a.ms, b.ms, a.bufs, b.bufs)
	}
}

func TestMain(m *testing.M) { pgtest.Main(m) }

// The statements the store sends, recorded by pgtest's tracer.
type (
	sqlTracer = pgtest.Tracer
	traced    = pgtest.Statement
)

type stmtCost struct{ ms, plan, bufs float64 }

var spaces = regexp.MustCompile(`\s+`)

// explainWorkspaceAt generates a one-desk database of n tickets and returns
// each workspace statement's mean execution time and buffers per view.
func explainWorkspaceAt(t *testing.T, n int) (map[string]stmtCost, []string) {
	ctx := context.Background()
	cfg, adminURL := generatedDesk(t, n)
	tracer := &sqlTracer{}
	cfg.MaxConns = 2
	cfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	owner, err := pgx.Connect(ctx, adminURL)
	require.NoError(t, err)
	_, err = owner.Exec(ctx, `ANALYZE`)
	require.NoError(t, err)
	var tickets []int64
	var agentID int64
	require.NoError(t, pgx.BeginFunc(ctx, owner, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT min(id) FROM users WHERE tenant_id = 1 AND role = 'agent'`).Scan(&agentID); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT number FROM tickets WHERE tenant_id = 1
			AND status IN ('new', 'open', 'pending', 'on_hold') ORDER BY number DESC LIMIT 40`)
		tickets, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	}))
	if os.Getenv("ATIENDE_EXPLAIN_DEBUG") != "" {
		debugPlans(t, owner, pool)
	}
	require.NoError(t, owner.Close(ctx))

	s := postgres.New(pool)
	svc := helpdesk.NewService(s, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 1), nil)
	agent, err := s.User(ctx, 1, helpdesk.UserID(agentID))
	require.NoError(t, err)
	unsolved := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}
	builtin := []helpdesk.TicketFilter{
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}},
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}},
		{Statuses: unsolved, MyGroups: true},
		{Statuses: []helpdesk.Status{helpdesk.StatusPending}},
		{Statuses: []helpdesk.Status{helpdesk.StatusSolved}},
		{Statuses: unsolved, SLA: helpdesk.SLAOverdue},
		{},
	}
	// The desk's settings as the console's cache holds them, unless asked
	// to read them on every view (ATIENDE_EXPLAIN_COLD=1).
	first, err := svc.StaffWorkspacePage(ctx, agent.Actor(), helpdesk.TicketNumber(tickets[0]), builtin, nil)
	require.NoError(t, err)
	dir := first.Directory
	if os.Getenv("ATIENDE_EXPLAIN_COLD") != "" {
		dir = nil
	}
	out := map[string]stmtCost{}
	var order []string
	for round := range 2 { // the first round warms the caches, the second counts
		for _, num := range tickets {
			stmts := tracer.Capture(func() {
				_, err := svc.StaffWorkspacePage(ctx, agent.Actor(), helpdesk.TicketNumber(num), builtin, dir)
				require.NoError(t, err)
			})
			for _, st := range stmts {
				if strings.Contains(st.SQL, "set_config('app.tenant_id'") || !isRead(st.SQL) {
					continue
				}
				ms, plan, bufs := explainAnalyze(t, pool, st)
				if round == 0 {
					continue
				}
				key := spaces.ReplaceAllString(strings.TrimSpace(st.SQL), " ")
				if show := os.Getenv("ATIENDE_EXPLAIN_SHOW"); show != "" && strings.Contains(key, show) && num == tickets[0] {
					t.Logf("%d tickets:\n%s\n%s", n, st.SQL, explainText(t, pool, st))
				}
				if _, ok := out[key]; !ok {
					order = append(order, key)
				}
				c := out[key]
				c.ms += ms / float64(len(tickets))
				c.plan += plan / float64(len(tickets))
				c.bufs += bufs / float64(len(tickets))
				out[key] = c
			}
		}
	}
	keys := append([]string(nil), order...)
	sort.SliceStable(keys, func(i, j int) bool { return out[keys[i]].ms > out[keys[j]].ms })
	var total float64
	for _, k := range keys {
		total += out[k].ms
		t.Logf("%6d tickets: exec %8.3f ms plan %6.3f ms %7.0f bufs  %.110s", n, out[k].ms, out[k].plan, out[k].bufs, k)
	}
	t.Logf("%6d tickets: %d statements, %.3f ms of execution per view", n, len(keys), total)
	return out, order
}

func isRead(sql string) bool {
	s := strings.ToUpper(strings.TrimSpace(sql))
	return strings.HasPrefix(s, "SELECT") || strings.HasPrefix(s, "WITH") || strings.HasPrefix(s, "INSERT") ||
		strings.HasPrefix(s, "UPDATE") || strings.HasPrefix(s, "DELETE")
}

// explainAnalyze runs st under EXPLAIN (ANALYZE, BUFFERS) in a rolled-back
// transaction of tenant 1 and returns its execution and planning times and
// its shared buffers (hit and read).
func explainAnalyze(t *testing.T, pool *pgxpool.Pool, st traced) (exec, plan, bufs float64) {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', '1', true)`)
	require.NoError(t, err)
	var raw []byte
	require.NoError(t, tx.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+st.SQL, st.Args...).Scan(&raw), st.SQL)
	var plans []struct {
		Plan struct {
			Hit  float64 `json:"Shared Hit Blocks"`
			Read float64 `json:"Shared Read Blocks"`
		}
		Planning  float64 `json:"Planning Time"`
		Execution float64 `json:"Execution Time"`
	}
	require.NoError(t, json.Unmarshal(raw, &plans), string(raw))
	p := plans[0]
	return p.Execution, p.Planning, p.Plan.Hit + p.Plan.Read
}

// explainText is st's EXPLAIN (ANALYZE, BUFFERS) as text, as tenant 1.
func explainText(t *testing.T, pool *pgxpool.Pool, st traced) string {
	t.Helper()
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', '1', true)`)
	require.NoError(t, err)
	if set := os.Getenv("ATIENDE_EXPLAIN_SET"); set != "" { // planner experiments
		_, err = tx.Exec(ctx, set)
		require.NoError(t, err)
	}
	rows, _ := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+st.SQL, st.Args...)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return strings.Join(lines, "\n")
}

func debugPlans(t *testing.T, admin *pgx.Conn, pool *pgxpool.Pool) {
	ctx := context.Background()
	q := `SELECT count(*) FROM (SELECT FROM tickets t WHERE t.tenant_id = 1
		AND t.status IN ('new', 'open', 'pending', 'on_hold')
		AND coalesce(t.next_due_at, 'infinity') <= now() LIMIT 100) c`
	rows, _ := admin.Query(ctx, `SELECT indexdef || ' valid=' || x.indisvalid FROM pg_indexes i JOIN pg_index x ON x.indexrelid = (i.schemaname||'.'||i.indexname)::regclass WHERE indexname LIKE 'tickets_open%'`)
	defs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	rows, _ = admin.Query(ctx, "EXPLAIN "+q)
	su, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	t.Logf("indexes:\n%s\nsuperuser:\n%s\napp:\n%s", strings.Join(defs, "\n"), strings.Join(su, "\n"), explainText(t, pool, traced{SQL: q}))
}
