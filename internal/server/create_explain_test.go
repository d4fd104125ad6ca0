package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/bench"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestExplainPortalCreation prints where PostgreSQL spends the time of
// one portal creation: every statement's execution time as auto_explain
// measures it (triggers and the statements they run included), slowest
// first. A diagnostic, run by hand with ATIENDE_EXPLAIN_CREATE=1 and -v;
// ATIENDE_EXPLAIN_TICKETS=n first fills the tables with another desk of n
// tickets of the bench's data; ATIENDE_EXPLAIN_SLA=1 gives the desk an SLA
// policy. Besides the timings, which depend on the machine's load, it
// prints the log records, buffers and rows per creation, which do not.
func TestExplainPortalCreation(t *testing.T) {
	e, d, collect := explainEnv(t)
	c := e.client()
	c.login(d, d.customer)
	create := func(i int, key string) {
		res := c.postMultipart("/alfa/tickets/new", url.Values{"key": {key}, "subject": {"Medir " + strconv.Itoa(i)}, "description": {"Una vez."}}, nil)
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
	}
	for i := range 3 {
		create(i, c.formKey(d))
	}
	runs := explainRuns()
	keys := make([]string, runs)
	for i := range keys {
		keys[i] = c.formKey(d)
	}
	// The user's allowance (30 tickets an hour) is given back every 20
	// creations, on a connection of its own that logs no plans.
	side, err := pgx.Connect(context.Background(), e.pool.Config().ConnConfig.ConnString())
	require.NoError(t, err)
	defer side.Close(context.Background())
	collect(runs, func() {
		for i, k := range keys {
			if i%20 == 0 {
				_, err := side.Exec(context.Background(), `DELETE FROM rate_limits`)
				require.NoError(t, err)
			}
			create(i, k)
		}
	})
}

// TestExplainAPICreation is TestExplainPortalCreation for a phone
// system's POST /tickets: an Idempotency-Key, the requester by email and
// the call's data, as the bench's api_create sends it.
func TestExplainAPICreation(t *testing.T) {
	e, d, collect := explainEnv(t)
	c := e.apiClient(e.apiToken(d, "Centralita", helpdesk.ScopeTicketsWrite, helpdesk.ScopeTicketsRead))
	create := func(i int) {
		body := `{"subject":"Llamada ` + strconv.Itoa(i) + `","description":"Transcripción","requester":{"email":"luis@example.com"},` +
			`"channel":"phone","phone":{"caller_number":"+34600000000","duration_seconds":60}}`
		res := c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "medir-"+strconv.Itoa(i))
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
	}
	for i := range 3 {
		create(1000 + i)
	}
	runs := explainRuns()
	collect(runs, func() {
		for i := range runs {
			create(i)
		}
	})
}

// explainRuns is how many creations the explain tests measure:
// ATIENDE_EXPLAIN_RUNS, 20 by default.
func explainRuns() int {
	if n, err := strconv.Atoi(os.Getenv("ATIENDE_EXPLAIN_RUNS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// explainEnv is a server on a database whose app role logs every
// statement's plan with its timings (auto_explain), and collect, which
// runs the measured creations and prints where their time went.
func explainEnv(t *testing.T) (*env, desk, func(runs int, fn func())) {
	if os.Getenv("ATIENDE_EXPLAIN_CREATE") == "" {
		t.Skip("set ATIENDE_EXPLAIN_CREATE=1 to print the statements' execution times")
	}
	appURL := pgtest.NewURL(t)
	cfg, err := pgxpool.ParseConfig(appURL)
	require.NoError(t, err)
	ctx := context.Background()
	adminURL := pgtest.AdminURL(t, cfg.ConnConfig.Database)
	admin, err := pgx.Connect(ctx, adminURL)
	require.NoError(t, err)
	role, db := pgx.Identifier{cfg.ConnConfig.User}.Sanitize(), pgx.Identifier{cfg.ConnConfig.Database}.Sanitize()
	for _, set := range []string{"session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0",
		"auto_explain.log_analyze = on", "auto_explain.log_nested_statements = on", "auto_explain.log_triggers = on",
		"auto_explain.log_buffers = on"} {
		_, err := admin.Exec(ctx, `ALTER ROLE `+role+` IN DATABASE `+db+` SET `+set)
		require.NoError(t, err)
	}
	// The desk's own tickets are few; the indexes a creation writes cost
	// what their size makes them cost, so another desk of the bench's
	// data can fill them first (ATIENDE_EXPLAIN_TICKETS=n tickets).
	if n, _ := strconv.Atoi(os.Getenv("ATIENDE_EXPLAIN_TICKETS")); n > 0 {
		_, err := bench.Generate(ctx, adminURL, bench.Scale{Name: "explain", Tickets: n, Tenants: 1}, io.Discard)
		require.NoError(t, err)
		// A checkpoint now, so that the generation's log does not bring
		// one during the measured creations (which would log full pages).
		_, err = admin.Exec(ctx, `ANALYZE`)
		require.NoError(t, err)
		_, err = admin.Exec(ctx, `CHECKPOINT`)
		require.NoError(t, err)
	}
	require.NoError(t, admin.Close(ctx))

	var mu sync.Mutex
	var notices []string
	collecting := false
	cfg.ConnConfig.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		mu.Lock()
		defer mu.Unlock()
		if collecting {
			notices = append(notices, n.Message)
		}
	}
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	e := newEnvOn(t, pool, nil)
	d := e.newDesk("alfa")
	if os.Getenv("ATIENDE_EXPLAIN_SLA") != "" {
		e.slaPolicy(d) // as most desks have: the creation starts clocks
	}
	collect := func(runs int, fn func()) {
		// client_min_messages must reach every pooled connection: set it
		// on each by holding them all.
		conns := make([]*pgxpool.Conn, 0, 4)
		for range 4 {
			cn, err := pool.Acquire(ctx)
			require.NoError(t, err)
			_, err = cn.Exec(ctx, `SET client_min_messages = log`)
			require.NoError(t, err)
			conns = append(conns, cn)
		}
		for _, cn := range conns {
			cn.Release()
		}
		before := dbWork(t, pool)
		mu.Lock()
		collecting = true
		mu.Unlock()
		start := time.Now()
		fn()
		wall := time.Since(start)
		mu.Lock()
		collecting = false
		mu.Unlock()
		printExplained(t, notices, runs, wall)
		// Backends report their counters within a second of going idle.
		time.Sleep(1500 * time.Millisecond)
		after := dbWork(t, pool)
		t.Logf("per creation: %s", after.minus(before).per(runs))
	}
	return e, d, collect
}

// work is what the database did, cumulatively: the log it wrote, the
// buffers it read and the rows it changed. Unlike the timings, these do
// not depend on the machine's load.
type work struct {
	walRecords, walBytes, walFPI, blksHit, blksRead, inserted, updated, deleted float64
}

// dbWork reads work's counters (the cluster's log, this database's blocks
// and rows).
func dbWork(t *testing.T, pool *pgxpool.Pool) work {
	var w work
	err := pool.QueryRow(context.Background(), `SELECT w.wal_records, w.wal_bytes, w.wal_fpi,
		d.blks_hit, d.blks_read, d.tup_inserted, d.tup_updated, d.tup_deleted
		FROM pg_stat_wal w, pg_stat_database d WHERE d.datname = current_database()`).
		Scan(&w.walRecords, &w.walBytes, &w.walFPI, &w.blksHit, &w.blksRead, &w.inserted, &w.updated, &w.deleted)
	require.NoError(t, err)
	return w
}

func (w work) minus(o work) work {
	return work{w.walRecords - o.walRecords, w.walBytes - o.walBytes, w.walFPI - o.walFPI, w.blksHit - o.blksHit,
		w.blksRead - o.blksRead, w.inserted - o.inserted, w.updated - o.updated, w.deleted - o.deleted}
}

func (w work) per(n int) string {
	f := float64(n)
	return fmt.Sprintf("%.1f WAL records, %.0f WAL bytes (%.1f full pages), %.0f buffers hit, %.1f read, rows %.1f inserted, %.1f updated, %.1f deleted",
		w.walRecords/f, w.walBytes/f, w.walFPI/f, w.blksHit/f, w.blksRead/f, w.inserted/f, w.updated/f, w.deleted/f)
}

var (
	durationRE = regexp.MustCompile(`^duration: ([0-9.]+) ms`)
	queryRE    = regexp.MustCompile(`Query Text: ([^\n]*)`)
	triggerRE  = regexp.MustCompile(`Trigger ([^:]+): time=([0-9.]+)`)
)

// printExplained logs, per statement (by its first line) and per trigger,
// the mean execution time over runs creations, as auto_explain measured
// it, slowest first. Nested statements (those run by triggers and
// functions) are listed too, and are also inside their parent's time.
func printExplained(t *testing.T, notices []string, runs int, wall time.Duration) {
	byKey := map[string]float64{}
	var top float64
	for _, n := range notices {
		m := durationRE.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		ms, _ := strconv.ParseFloat(m[1], 64)
		q := "?"
		if qm := queryRE.FindStringSubmatch(n); qm != nil {
			q = strings.TrimSpace(qm[1])
		}
		if len(q) > 110 {
			q = q[:110]
		}
		byKey["stmt "+q] += ms
		for _, tm := range triggerRE.FindAllStringSubmatch(n, -1) {
			tms, _ := strconv.ParseFloat(tm[2], 64)
			byKey["trigger "+tm[1]] += tms
		}
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return byKey[keys[i]] > byKey[keys[j]] })
	for _, k := range keys {
		if strings.HasPrefix(k, "stmt ") {
			top += byKey[k]
		}
	}
	t.Logf("%d creations in %s; statements' execution summed (nested included twice): %.2f ms per creation", runs, wall, top/float64(runs))
	for _, k := range keys {
		t.Logf("%8.3f ms  %s", byKey[k]/float64(runs), k)
	}
}

// TestBenchCreation measures one portal and one API creation end to end
// through HTTP on one connection at a time: time, Go allocations (client
// and server, in process) and statements per creation. A diagnostic, run
// by hand with ATIENDE_BENCH_CREATE=1 and -v; the machine's load makes
// the time a rough figure, the allocations and statements are exact.
func TestBenchCreation(t *testing.T) {
	if os.Getenv("ATIENDE_BENCH_CREATE") == "" {
		t.Skip("set ATIENDE_BENCH_CREATE=1 to measure creations")
	}
	e, counter := newCountingEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	api := e.apiClient(e.apiToken(d, "Centralita", helpdesk.ScopeTicketsWrite, helpdesk.ScopeTicketsRead))
	ctx := context.Background()
	resetAllowances := func() {
		_, err := e.pool.Exec(ctx, `DELETE FROM rate_limits`)
		require.NoError(t, err)
	}
	measure := func(name string, create func(i int)) {
		var statements, trips int64
		res := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			var n, skipped, skippedTrips int64
			start, startTrips := counter.n.Load(), counter.trips.Load()
			for b.Loop() {
				if n%25 == 0 {
					b.StopTimer()
					s0, t0 := counter.n.Load(), counter.trips.Load()
					resetAllowances()
					skipped += counter.n.Load() - s0
					skippedTrips += counter.trips.Load() - t0
					b.StartTimer()
				}
				create(int(n))
				n++
			}
			statements = (counter.n.Load() - start - skipped) / n
			trips = (counter.trips.Load() - startTrips - skippedTrips) / n
		})
		t.Logf("%s: %s %s, %d statements and %d round trips per creation", name, res.String(), res.MemString(), statements, trips)
	}
	run := 0
	measure("portal", func(i int) {
		run++
		key := fmt.Sprintf("bench-%06d-%015d", run, i)[:24]
		res := c.postMultipart("/alfa/tickets/new", url.Values{"key": {key}, "subject": {"Medir"}, "description": {"Una vez."}}, nil)
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
	})
	measure("api", func(i int) {
		run++
		req, err := http.NewRequest(http.MethodPost, e.url+apiBase(d)+"/tickets",
			strings.NewReader(`{"subject":"Llamada","description":"Transcripción","requester":{"email":"luis@example.com"}}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+api.token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d", run, i))
		res, err := api.http.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusCreated, res.StatusCode)
	})
}
