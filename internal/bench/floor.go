package bench

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/loadgen"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/postgres"
)

// Measure is a closed-loop measurement made in this process.
type Measure struct {
	Name        string          `json:"name"`
	Concurrency int             `json:"concurrency"`
	Throughput  float64         `json:"throughput"`
	Errors      int             `json:"errors"`
	Latency     loadgen.Latency `json:"latency"`
}

// closedLoop runs fn from c goroutines for d and summarises it.
func closedLoop(ctx context.Context, name string, c int, d time.Duration, fn func(context.Context) error) Measure {
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var firstErr error
	end := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for time.Now().Before(end) && ctx.Err() == nil {
				t := time.Now()
				err := fn(ctx)
				mine = append(mine, time.Since(t))
				if err != nil {
					bad++
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			all, errs = append(all, mine...), errs+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	el := time.Since(start)
	m := Measure{Name: name, Concurrency: c, Errors: errs, Latency: loadgen.Summarise(all)}
	m.Throughput = math.Round(float64(len(all)-errs)/el.Seconds()*10) / 10
	if firstErr != nil {
		m.Name += fmt.Sprintf(" (first error: %v)", firstErr)
	}
	return m
}

// consoleViews are the console's built-in views (internal/server
// console_views.go): the queue page counts all six and lists the first.
var consoleViews = []helpdesk.TicketFilter{
	{Statuses: []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}},
	{Statuses: []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}},
	{Statuses: []helpdesk.Status{helpdesk.StatusPending}},
	{Statuses: []helpdesk.Status{helpdesk.StatusOnHold}},
	{Statuses: []helpdesk.Status{helpdesk.StatusSolved}},
	{},
}

// direct is the application's own store and service over a pool like the
// server's (same role, same size, JIT off), for the database floor.
type direct struct {
	pool  *pgxpool.Pool
	store *postgres.Store
	svc   *helpdesk.Service
}

func openDirect(ctx context.Context, url string, maxConns int32) (*direct, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = maxConns
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	store := postgres.New(pool)
	return &direct{pool: pool, store: store, svc: helpdesk.NewService(store, password.New(password.Default, 1), nil)}, nil
}

// queueFloor is every statement the queue page sends, through the same
// service and store code, without HTTP, sessions decoding or HTML: the
// tenant by slug, the session row, the user, the page of the "mine" view
// and the six view counts.
func (d *direct) queueFloor(ctx context.Context, slug, token string, agent helpdesk.User) func(context.Context) error {
	return func(ctx context.Context) error {
		t, err := d.svc.TenantBySlug(ctx, slug)
		if err != nil {
			return err
		}
		var data []byte
		if err := d.pool.QueryRow(ctx, "SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry", token).Scan(&data); err != nil {
			return fmt.Errorf("session: %w", err)
		}
		u, err := d.svc.User(ctx, t.ID, agent.ID)
		if err != nil {
			return err
		}
		if _, err := d.svc.Tickets(ctx, u.Actor(), helpdesk.TicketQuery{Filter: consoleViews[0], Limit: helpdesk.DefaultPageSize}); err != nil {
			return err
		}
		_, err = d.svc.CountTickets(ctx, u.Actor(), consoleViews)
		return err
	}
}

// search is a staff full-text search of a whole tenant's tickets, words
// in turn.
func (d *direct) search(actor helpdesk.Actor) func(context.Context) error {
	var mu sync.Mutex
	i := 0
	return func(ctx context.Context) error {
		mu.Lock()
		w := searchWords[i%len(searchWords)]
		i++
		mu.Unlock()
		_, err := d.svc.SearchTickets(ctx, actor, helpdesk.SearchQuery{Text: w, Limit: 25})
		return err
	}
}

// firstAgent returns the first agent of tenant.
func (d *direct) firstAgent(ctx context.Context, tenant helpdesk.TenantID, slug string) (helpdesk.User, error) {
	return d.store.UserByEmail(ctx, tenant, AgentEmail(slug, 0))
}
