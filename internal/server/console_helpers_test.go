package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
	"github.com/atiende/atiende/internal/server"
)

// consoleOpen opens a ticket for customer u through the domain, as the
// portal would.
func (e *env) consoleOpen(u helpdesk.User, subject string) helpdesk.Ticket {
	e.t.Helper()
	tk, err := e.svc.OpenTicket(context.Background(), u.Actor(), helpdesk.NewTicket{
		Subject: subject, Description: "Descripción: " + subject, Channel: helpdesk.ChannelWeb,
	})
	require.NoError(e.t, err)
	return tk
}

// staffTicket reads ticket n of d as its admin sees it.
func (e *env) staffTicket(d desk, n helpdesk.TicketNumber) helpdesk.Ticket {
	e.t.Helper()
	tk, err := e.svc.Ticket(context.Background(), d.admin.Actor(), n)
	require.NoError(e.t, err)
	return tk
}

// assignTo assigns ticket n of d to agent u, acting as u.
func (e *env) assignTo(u helpdesk.User, n helpdesk.TicketNumber) {
	e.t.Helper()
	id := u.ID
	_, err := e.svc.Assign(context.Background(), u.Actor(), helpdesk.TicketVersion{Number: n}, helpdesk.Assignment{Agent: &id})
	require.NoError(e.t, err)
}

// moveTo changes ticket n's status, acting as staff user u.
func (e *env) moveTo(u helpdesk.User, n helpdesk.TicketNumber, to helpdesk.Status) {
	e.t.Helper()
	_, err := e.svc.ChangeStatus(context.Background(), u.Actor(), helpdesk.TicketVersion{Number: n}, to)
	require.NoError(e.t, err)
}

// timelineOf is ticket n's staff timeline.
func (e *env) timelineOf(d desk, n helpdesk.TicketNumber) []helpdesk.TimelineEntry {
	e.t.Helper()
	tl, err := e.svc.Timeline(context.Background(), d.admin.Actor(), n)
	require.NoError(e.t, err)
	return tl
}

func num(n helpdesk.TicketNumber) string { return strconv.FormatInt(int64(n), 10) }

// num2 formats a version (or any int) for a form.
func num2(v int) string { return strconv.Itoa(v) }

// consoleCustomer adds one more customer to d.
func (e *env) consoleCustomer(d desk, name string) helpdesk.User {
	e.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@" + d.tenant.Slug + ".example"
	u, err := e.svc.CreateUser(context.Background(), d.tenant.ID, name, email, testPassword, helpdesk.RoleCustomer)
	require.NoError(e.t, err)
	return u
}

// agentPath is a console path of d.
func agentPath(d desk, p string) string { return "/" + d.tenant.Slug + "/agent" + p }

// rowNumbers lists the ticket numbers ("#12") of a queue page, in order.
func rowNumbers(r response) []string {
	var out []string
	r.doc.Find(`[data-testid="ticket-row"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("data-number")
		out = append(out, v)
	})
	return out
}

// refs turns tickets into their references, for comparing with rowNumbers.
func refs(ts ...helpdesk.Ticket) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Number.String()
	}
	return out
}

// formValue is the value of input name in the form matched by sel.
func formValue(t *testing.T, r response, sel, name string) string {
	t.Helper()
	v, ok := r.doc.Find(sel + ` input[name="` + name + `"]`).First().Attr("value")
	require.True(t, ok, "%s has no %s field", sel, name)
	return v
}

// statementCounter counts the SQL statements a pool sends, through pgx's
// tracer hook.
type statementCounter struct {
	n     atomic.Int64
	trips atomic.Int64 // round trips: a batch is one
	mu    sync.Mutex
	log   []string // the statements, when logging
	at    []int64  // the round trip each logged statement went in, from 1
	base  int64    // trips before the logging began
}

func (c *statementCounter) record(sql string) {
	c.n.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.log != nil {
		c.log = append(c.log, strings.Join(strings.Fields(sql), " "))
		c.at = append(c.at, c.trips.Load()-c.base)
	}
}

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, "ticket_changes_since(") {
		return ctx // the live hub's read, ten a second in the background: no request's
	}
	c.trips.Add(1)
	c.record(d.SQL)
	return ctx
}

func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a batch as one round trip; its queries are
// counted separately by TraceBatchQuery.
func (c *statementCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.trips.Add(1)
	return ctx
}

func (c *statementCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	if strings.Contains(d.SQL, "DELETE FROM ticket_presence p USING x") {
		return // the expired reports' prune rides with a look at most every 10 s per desk: no one page's
	}
	c.record("(batch) " + d.SQL)
}

func (c *statementCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// counted is what one measured call sent to the database.
type counted struct {
	statements, trips int
	log               []string
	at                []int64 // per statement of log: its round trip
}

// during counts what fn sends to the database.
func (c *statementCounter) during(fn func()) counted {
	c.mu.Lock()
	c.log, c.at, c.base = []string{}, []int64{}, c.trips.Load()
	c.mu.Unlock()
	n, trips := c.n.Load(), c.trips.Load()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := counted{statements: int(c.n.Load() - n), trips: int(c.trips.Load() - trips), log: c.log, at: c.at}
	c.log, c.at = nil, nil
	return out
}

// newCountingEnv is newEnv over a pool whose statements are counted.
func newCountingEnv(t *testing.T) (*env, *statementCounter) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.NewURL(t))
	require.NoError(t, err)
	counter := &statementCounter{}
	cfg.ConnConfig.Tracer = counter
	cfg.MaxConns = 8
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	store := postgres.New(pool)
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4), nil)
	conf, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := server.New(server.Deps{Log: log, Config: conf, Service: svc, Store: store})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, url: ts.URL, pool: pool, store: store, svc: svc, srv: srv}, counter
}

func contains(haystack []string, needle string) bool {
	for _, h := range haystack {
		if strings.Contains(h, needle) {
			return true
		}
	}
	return false
}
