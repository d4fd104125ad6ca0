package bench

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/postgres"
)

// TestExplainSearchScale times the console's ranked search of each of the
// bench's search words in a generated desk (100,000 tickets unless
// ATIENDE_LOAD_SIZES says otherwise) as an agent, and explains the search
// statement of the first word (or of ATIENDE_EXPLAIN_WORD). A diagnostic, run by hand (generating the
// desk takes minutes):
//
//	ATIENDE_EXPLAIN_SEARCH=1 go test -v -timeout 30m -run TestExplainSearchScale ./internal/bench/
func TestExplainSearchScale(t *testing.T) {
	if os.Getenv("ATIENDE_EXPLAIN_SEARCH") == "" {
		t.Skip("set ATIENDE_EXPLAIN_SEARCH=1 to time the ranked search in a large desk")
	}
	n := envInts(t, "ATIENDE_LOAD_SIZES", []int{100000})[0]
	ctx := context.Background()
	start := time.Now()
	cfg, adminURL := generatedDesk(t, n)
	owner, err := pgx.Connect(ctx, adminURL)
	require.NoError(t, err)
	_, err = owner.Exec(ctx, `VACUUM ANALYZE`)
	require.NoError(t, err)
	var agentID int64
	require.NoError(t, owner.QueryRow(ctx, `SELECT min(id) FROM users WHERE tenant_id = 1 AND role = 'agent'`).Scan(&agentID))
	require.NoError(t, owner.Close(ctx))
	t.Logf("%d tickets generated in %v", n, time.Since(start).Round(time.Second))
	tracer := &sqlTracer{}
	cfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	defer pool.Close()
	s := postgres.New(pool)
	svc := helpdesk.NewService(s, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 1), nil)
	agent, err := s.User(ctx, 1, helpdesk.UserID(agentID))
	require.NoError(t, err)
	search := func(w string) helpdesk.SearchPage {
		page, err := svc.SearchTickets(ctx, agent.Actor(), helpdesk.SearchQuery{Text: w, Limit: 25})
		require.NoError(t, err)
		return page
	}
	for _, w := range SearchWords() {
		search(w) // warm
		var times []time.Duration
		for range 5 {
			t0 := time.Now()
			search(w)
			times = append(times, time.Since(t0))
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		page := search(w)
		var top []string
		for _, h := range page.Hits[:min(5, len(page.Hits))] {
			top = append(top, h.Ticket.Number.String())
		}
		t.Logf("%-12s median %7.1f ms, max %7.1f ms; bounded %v; top %s", w, ms(times[2]), ms(times[4]), page.Bounded, strings.Join(top, " "))
	}
	word := SearchWords()[0]
	if w := os.Getenv("ATIENDE_EXPLAIN_WORD"); w != "" {
		word = w
	}
	stmts := tracer.Capture(func() { search(word) })
	explainSearch(t, pool, stmts)
	for _, w := range SearchWords() {
		compareBound(t, pool, tracer.Capture(func() { search(w) }), w)
	}
}

// unbounded is the search statement without its rank bound: every
// matching document ranked, as before the bound.
var unbounded = regexp.MustCompile(`\s*ORDER BY s\.id \+ 0 DESC\s*LIMIT \$\d+`)

// compareBound times the captured search statement with and without its
// rank bound, interleaved, under EXPLAIN ANALYZE in one transaction, and
// logs the median execution times.
func compareBound(t *testing.T, pool *pgxpool.Pool, stmts []traced, word string) {
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	var bounded, all []float64
	for _, st := range stmts {
		if !strings.HasPrefix(st.SQL, "WITH q AS") {
			_, err := tx.Exec(ctx, st.SQL, st.Args...)
			require.NoError(t, err, st.SQL)
			continue
		}
		na, ok := st.Args[0].(pgx.NamedArgs)
		require.True(t, ok)
		sql, args, err := na.RewriteQuery(ctx, tx.Conn(), st.SQL, nil)
		require.NoError(t, err)
		for range 5 {
			for i, q := range []string{sql, unbounded.ReplaceAllString(sql, "")} {
				var raw []byte
				require.NoError(t, tx.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+q, args...).Scan(&raw))
				var plans []struct {
					Execution float64 `json:"Execution Time"`
				}
				require.NoError(t, json.Unmarshal(raw, &plans))
				if i == 0 {
					bounded = append(bounded, plans[0].Execution)
				} else {
					all = append(all, plans[0].Execution)
				}
			}
		}
	}
	sort.Float64s(bounded)
	sort.Float64s(all)
	t.Logf("%-12s search statement, median of 5 interleaved: every match ranked %7.1f ms, the %d most recent %7.1f ms",
		word, all[2], 2000, bounded[2])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// explainSearch runs the captured batch in one transaction of tenant 1,
// the search statement under EXPLAIN (ANALYZE, BUFFERS), and logs it.
func explainSearch(t *testing.T, pool *pgxpool.Pool, stmts []traced) {
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	for _, st := range stmts {
		if strings.HasPrefix(st.SQL, "WITH q AS") {
			rows, _ := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+st.SQL, st.Args...)
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err)
			t.Logf("%s", strings.Join(lines, "\n"))
			continue
		}
		_, err := tx.Exec(ctx, st.SQL, st.Args...)
		require.NoError(t, err, st.SQL)
	}
}
