package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/postgres"
	"github.com/atiende/atiende/internal/server"
)

// tracer counts what the pages send to PostgreSQL: statements, round trips
// (a batch is one) and the time spent waiting for them.
type tracer struct {
	// log, when set, receives each statement's first line (BENCH_SQL=1).
	log        io.Writer
	mu         sync.Mutex
	statements int
	trips      int
	wait       time.Duration
}

type startKey struct{}

func (t *tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	t.say("trip  ", d.SQL)
	t.mu.Lock()
	t.statements++
	t.trips++
	t.mu.Unlock()
	return context.WithValue(ctx, startKey{}, time.Now())
}

func (t *tracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) { t.end(ctx) }

func (t *tracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	t.mu.Lock()
	t.trips++
	t.mu.Unlock()
	return context.WithValue(ctx, startKey{}, time.Now())
}

func (t *tracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	t.say("  batch", d.SQL)
	t.mu.Lock()
	t.statements++
	t.mu.Unlock()
}

func (t *tracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchEndData) { t.end(ctx) }

func (t *tracer) say(kind, sql string) {
	if t.log != nil {
		line, _, _ := strings.Cut(strings.TrimSpace(sql), "\n")
		fmt.Fprintf(t.log, "%s %.110s\n", kind, line)
	}
}

func (t *tracer) end(ctx context.Context) {
	if s, ok := ctx.Value(startKey{}).(time.Time); ok {
		t.mu.Lock()
		t.wait += time.Since(s)
		t.mu.Unlock()
	}
}

func (t *tracer) reset() (int, int, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, r, w := t.statements, t.trips, t.wait
	t.statements, t.trips, t.wait = 0, 0, 0
	return s, r, w
}

// PageQueries is one page's database work, measured one request at a time
// on an idle server.
type PageQueries struct {
	Page       string  `json:"page"`
	Statements int     `json:"statements"`
	RoundTrips int     `json:"round_trips"`
	DBms       float64 `json:"db_ms"`   // median time waiting for PostgreSQL
	PageMs     float64 `json:"page_ms"` // median time of the whole request
	Bytes      int     `json:"bytes"`
}

// pageQueries serves the application in this process over a counting pool
// and measures the queue page and a 50-comment ticket page of the largest
// tenant, as its first agent.
func pageQueries(ctx context.Context, dbURL string, w workload, sqlLog io.Writer) ([]PageQueries, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	tr := &tracer{}
	cfg.ConnConfig.Tracer = tr
	cfg.MaxConns = 4
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	store := postgres.New(pool)
	conf, err := config.Load("bench", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		return nil, err
	}
	srv := server.New(server.Deps{Log: slog.New(slog.DiscardHandler), Config: conf, Store: store,
		Service: helpdesk.NewService(store, password.New(password.Default, 1), nil)})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c := ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(ts.URL+"/"+w.slug+"/login", url.Values{"email": {AgentEmail(w.slug, 0)}, "password": {Password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("bench: sign in for the query count: status %d", resp.StatusCode)
	}
	cookies := resp.Cookies()
	pages := []struct{ name, path string }{
		{"queue (mine)", "/" + w.slug + "/agent/"},
		{fmt.Sprintf("ticket (%d comments)", LongTicketComments), fmt.Sprintf("/%s/agent/tickets/%d", w.slug, w.longTickets[0])},
		{"ticket (typical)", fmt.Sprintf("/%s/agent/tickets/%d", w.slug, w.tickets[len(w.tickets)/2])},
		// The agent's own figures: an agent who leads no group.
		{"reports overview (30 days)", "/" + w.slug + "/agent/reports"},
		{"reports by agent (30 days)", "/" + w.slug + "/agent/reports/breakdown?by=agent"},
	}
	var out []PageQueries
	for _, p := range pages {
		const runs = 101
		var db, page []time.Duration
		pq := PageQueries{Page: p.name}
		for i := range runs {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+p.path, nil)
			for _, ck := range cookies {
				req.AddCookie(ck)
			}
			tr.reset()
			if i == 0 && sqlLog != nil {
				fmt.Fprintf(sqlLog, "--- %s\n", p.name)
				tr.log = sqlLog
			}
			start := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			el := time.Since(start)
			if err != nil || resp.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("bench: %s: status %d %v", p.name, resp.StatusCode, err)
			}
			tr.log = nil
			s, r, wait := tr.reset()
			if i == 0 {
				pq.Statements, pq.RoundTrips, pq.Bytes = s, r, len(b)
				continue // warm-up
			}
			db, page = append(db, wait), append(page, el)
		}
		pq.DBms, pq.PageMs = median(db), median(page)
		out = append(out, pq)
	}
	return out, nil
}

func median(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2].Microseconds()) / 1000
}
