package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/loadgen"
)

// Concurrencies are the closed-loop levels every endpoint is measured at.
var Concurrencies = []int{1, 8, 32, 64}

// TargetRate is the steady rate of the latency targets (requests/s);
// creation's target is set at CreateRate.
const (
	TargetRate = 300
	CreateRate = 200
)

// rateOf is the steady rate scenario sc is measured at.
func rateOf(sc string) int {
	if sc == "create" {
		return CreateRate
	}
	return TargetRate
}

// customersSignedIn is how many customers the driver signs in: enough that
// none of them opens more than maxCreates tickets in a run.
const (
	customersSignedIn = 600
	maxCreates        = 25 // the portal allows 30 an hour per customer
)

// Alone are the scenarios measured on their own at every concurrency, in
// order (the queue page alternates with the floor, see plan); the ceiling
// and the bare page floor come first, measured by the same driver.
var Alone = []string{"ceiling", "floor", "queue", "ticket", "ticket50", "reply", "create", "mytickets", "search_console", "search_portal",
	"reports", "reports_year", "api_create", "api_list"}

// RateScenarios are measured at a steady rate (rateOf), for the latency
// targets. The reading pages' rates (ReadRates) run right after the
// closed-loop phases of the last of them, before any phase creates a
// ticket: by the end of the closed-loop phases the creation phases have
// added about ten times the small desk's tickets to it, and a rate phase
// there measured a desk ten times the size its scale names.
var (
	RateScenarios = []string{"queue", "ticket50", "create", "mixed"}
	ReadRates     = []string{"queue", "ticket50"}
)

// workload is what the plan is built from: the largest tenant's users and
// tickets.
type workload struct {
	tenantID    int64
	slug        string
	agents      int
	customers   int
	tickets     []int64
	longTickets []int64
	// tenantTickets is how many tickets the tenant holds.
	tenantTickets int
	median        string
	medianID      int64
}

func loadWorkload(ctx context.Context, pool *pgxpool.Pool) (workload, error) {
	w := workload{tenantID: 1, slug: Slug(0)}
	err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM users WHERE tenant_id = 1 AND role = 'agent'),
		(SELECT count(*) FROM users WHERE tenant_id = 1 AND role = 'customer'),
		(SELECT count(*) FROM tickets WHERE tenant_id = 1)`).Scan(&w.agents, &w.customers, &w.tenantTickets)
	if err != nil {
		return w, fmt.Errorf("bench: workload: %w", err)
	}
	rows, _ := pool.Query(ctx, `SELECT number FROM tickets WHERE tenant_id = 1
		AND status IN ('new', 'open', 'pending', 'on_hold') ORDER BY number DESC LIMIT 5000`)
	if w.tickets, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return w, fmt.Errorf("bench: workload tickets: %w", err)
	}
	rows, _ = pool.Query(ctx, `SELECT t.number FROM tickets t WHERE t.tenant_id = 1 AND t.id IN (
		SELECT ticket_id FROM comments WHERE tenant_id = 1 GROUP BY ticket_id HAVING count(*) >= $1)`, LongTicketComments)
	if w.longTickets, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return w, fmt.Errorf("bench: workload long tickets: %w", err)
	}
	// The median tenant by ticket count.
	err = pool.QueryRow(ctx, `WITH c AS (SELECT tenant_id, sum(n) AS n FROM ticket_counts GROUP BY 1 HAVING sum(n) > 0)
		SELECT t.id, t.slug FROM tenants t JOIN c ON c.tenant_id = t.id
		ORDER BY c.n, t.id OFFSET (SELECT count(*) / 2 FROM c) LIMIT 1`).Scan(&w.medianID, &w.median)
	if err != nil {
		return w, fmt.Errorf("bench: median tenant: %w", err)
	}
	if len(w.tickets) == 0 || len(w.longTickets) == 0 {
		return w, fmt.Errorf("bench: the largest tenant has no unsolved or long tickets; regenerate the data")
	}
	return w, nil
}

// plan is the driver's plan: every endpoint alone at each concurrency,
// the mixed workload at each concurrency, the target rate phases, and
// logins at 50/s.
//
// only, when set, keeps the phases of those scenarios (comma-separated):
// for profiling one page.
func (w workload) plan(step time.Duration, only string) loadgen.Plan {
	p := loadgen.Plan{
		Password: Password, ForwardedFor: "X-Forwarded-For", Tenant: w.slug,
		Tickets: w.tickets, LongTickets: w.longTickets, SearchWords: SearchWords(),
		MaxCreatesPerCustomer: maxCreates,
	}
	for i := range w.agents {
		p.Agents = append(p.Agents, AgentEmail(w.slug, i))
	}
	for i := range min(w.customers, customersSignedIn) {
		p.Customers = append(p.Customers, CustomerEmail(w.slug, i))
	}
	closed := func(sc string, c int) loadgen.Phase {
		return loadgen.Phase{Name: fmt.Sprintf("%s c=%d", sc, c), Scenario: sc, Concurrency: c, Duration: step}
	}
	// The queue page follows the floor at each concurrency, so that each
	// ratio compares two phases seconds apart: on a shared machine the
	// floor's four phases, run before the queue's, drifted by a third
	// against them.
	rated := func(sc string) loadgen.Phase {
		return loadgen.Phase{Name: fmt.Sprintf("%s @%d/s", sc, rateOf(sc)), Scenario: sc, Rate: float64(rateOf(sc)), Duration: 2 * step}
	}
	for _, sc := range append(Alone, "mixed") {
		if sc == "queue" {
			continue
		}
		for _, c := range Concurrencies {
			p.Phases = append(p.Phases, closed(sc, c))
			if sc == "floor" {
				p.Phases = append(p.Phases, closed("queue", c))
			}
		}
		if sc == ReadRates[len(ReadRates)-1] {
			for _, r := range ReadRates {
				p.Phases = append(p.Phases, rated(r))
			}
		}
	}
	for _, sc := range RateScenarios {
		if !slices.Contains(ReadRates, sc) {
			p.Phases = append(p.Phases, rated(sc))
		}
	}
	p.Phases = append(p.Phases, loadgen.Phase{Name: "login @50/s", Scenario: "login", Rate: 50, Duration: step})
	if only != "" {
		keep := p.Phases[:0]
		for _, ph := range p.Phases {
			if slices.Contains(strings.Split(only, ","), ph.Scenario) {
				keep = append(keep, ph)
			}
		}
		p.Phases = keep
	}
	return p
}
