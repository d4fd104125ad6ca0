package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/password"
)

// GenStats is what Generate loaded and how long it took.
type GenStats struct {
	Scale       string        `json:"scale"`
	Duration    time.Duration `json:"duration"`
	Tenants     int           `json:"tenants"`
	Users       int64         `json:"users"`
	Tickets     int64         `json:"tickets"`
	Comments    int64         `json:"comments"`
	Events      int64         `json:"events"`
	SearchDocs  int64         `json:"search_docs"`
	Largest     int           `json:"largest_tenant_tickets"`
	Median      int           `json:"median_tenant_tickets"`
	GeneratedAt time.Time     `json:"generated_at"`
}

// ids hands out identity values: the generator writes ids itself so that
// child rows can name their parents, and moves the sequences on at the end.
type ids struct{ users, orgs, groups, cats, tickets, comments, events atomic.Int64 }

func (x *ids) take(c *atomic.Int64, n int) int64 { return c.Add(int64(n)) - int64(n) + 1 }

// tenantSetup is what ticket chunks of one tenant need to know.
type tenantSetup struct {
	id        int64
	slug      string
	tickets   int
	agents    []person
	customers []person
	groups    []int64
	cats      []int64
	// agentGroup is the group of each agent (by index).
	agentGroup []int64
}

type person struct {
	id   int64
	name string
	org  int64
}

// chunkSize is how many tickets one COPY transaction carries.
const chunkSize = 2000

// Generate loads scale's tenants into the database at url, which must be
// migrated and empty. It connects as a superuser: COPY cannot write tables
// under forced row-level security, and the foreign-key triggers are off
// while loading (session_replication_role = replica) since the generator
// writes consistent rows by construction. Secondary indexes are dropped
// during the load and rebuilt from their own definitions afterwards.
func Generate(ctx context.Context, url string, sc Scale, log io.Writer) (GenStats, error) {
	start := time.Now()
	st := GenStats{Scale: sc.Name, Tenants: sc.Tenants, GeneratedAt: start.UTC()}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return st, err
	}
	cfg.MaxConns = 3
	cfg.ConnConfig.RuntimeParams["session_replication_role"] = "replica"
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	cfg.ConnConfig.RuntimeParams["maintenance_work_mem"] = "256MB"
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return st, fmt.Errorf("bench: connect: %w", err)
	}
	defer pool.Close()

	hash, err := password.New(password.Default, 1).Hash(ctx, Password)
	if err != nil {
		return st, err
	}
	indexes, err := dropIndexes(ctx, pool)
	if err != nil {
		return st, err
	}
	sizes := tenantSizes(sc.Tickets, sc.Tenants)
	st.Largest, st.Median = sizes[0], sizes[len(sizes)/2]
	var x ids
	now := time.Now().UTC().Truncate(time.Second)

	fmt.Fprintf(log, "bench: generating %s: %d tickets over %d tenants (largest %d)\n", sc.Name, sc.Tickets, sc.Tenants, sizes[0])
	tenants := make([]*tenantSetup, len(sizes))
	for i, n := range sizes {
		if tenants[i], err = setupTenant(ctx, pool, &x, i, n, hash, now); err != nil {
			return st, err
		}
	}
	if err := loadTickets(ctx, pool, &x, tenants, now, log); err != nil {
		return st, err
	}
	fmt.Fprintf(log, "bench: rows loaded in %s; search documents next\n", time.Since(start).Round(time.Second))
	if err := searchDocs(ctx, pool, tenants); err != nil {
		return st, err
	}
	if err := metricRows(ctx, pool); err != nil {
		return st, err
	}
	fmt.Fprintf(log, "bench: search documents in %s; rebuilding %d indexes\n", time.Since(start).Round(time.Second), len(indexes))
	if err := finish(ctx, pool, indexes); err != nil {
		return st, err
	}
	st.Users, st.Tickets, st.Comments, st.Events = x.users.Load(), x.tickets.Load(), x.comments.Load(), x.events.Load()
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM ticket_search`).Scan(&st.SearchDocs); err != nil {
		return st, err
	}
	st.Duration = time.Since(start)
	fmt.Fprintf(log, "bench: generated in %s\n", st.Duration.Round(time.Second))
	return st, nil
}

// setupTenant inserts a tenant with its organisations, users, groups and
// categories.
func setupTenant(ctx context.Context, pool *pgxpool.Pool, x *ids, i, tickets int, hash string, now time.Time) (*tenantSetup, error) {
	r := rand.New(rand.NewPCG(uint64(i), 1))
	t := &tenantSetup{id: int64(i + 1), slug: Slug(i), tickets: tickets}
	created := now.AddDate(-1, 0, -7)
	nAgents, nCustomers := agentsFor(tickets), customersFor(tickets, i == 0)
	nOrgs := max(1, nCustomers/25)
	nGroups := 2 + min(4, tickets/5000)
	nCats := 4 + min(4, tickets/3000)

	orgBase := x.take(&x.orgs, nOrgs)
	var orgs, users, groups, cats, members [][]any
	for k := range nOrgs {
		orgs = append(orgs, []any{t.id, orgBase + int64(k), companyName(r, k+1), k%10 == 0, created})
	}
	userBase := x.take(&x.users, 1+nAgents+nCustomers)
	uid := userBase
	users = append(users, []any{t.id, uid, AdminEmail(t.slug), personName(r), "admin", hash, nil, created})
	for k := range nAgents {
		uid++
		p := person{id: uid, name: personName(r)}
		t.agents = append(t.agents, p)
		users = append(users, []any{t.id, uid, AgentEmail(t.slug, k), p.name, "agent", hash, nil, created})
	}
	for k := range nCustomers {
		uid++
		p := person{id: uid, name: personName(r)}
		var org any
		if r.IntN(10) < 4 {
			p.org = orgBase + int64(r.IntN(nOrgs))
			org = p.org
		}
		t.customers = append(t.customers, p)
		users = append(users, []any{t.id, uid, CustomerEmail(t.slug, k), p.name, "customer", hash, org, created})
	}
	groupBase := x.take(&x.groups, nGroups)
	for k := range nGroups {
		id := groupBase + int64(k)
		t.groups = append(t.groups, id)
		groups = append(groups, []any{t.id, id, groupNames[k], 1 + k/2, created})
	}
	for k, a := range t.agents {
		g := t.groups[k%nGroups]
		t.agentGroup = append(t.agentGroup, g)
		members = append(members, []any{t.id, g, a.id, k < nGroups})
	}
	catBase := x.take(&x.cats, nCats)
	for k := range nCats {
		id := catBase + int64(k)
		t.cats = append(t.cats, id)
		cats = append(cats, []any{t.id, id, categoryNames[k], t.groups[k%nGroups], k, created})
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO tenants (id, slug, name, created_at) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4)`,
			t.id, t.slug, companyName(r, i+1), created); err != nil {
			return err
		}
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"organisations", []string{"tenant_id", "id", "name", "shared_tickets", "created_at"}, orgs},
			{"users", []string{"tenant_id", "id", "email", "name", "role", "password_hash", "organisation_id", "created_at"}, users},
			{"groups", []string{"tenant_id", "id", "name", "tier", "created_at"}, groups},
			{"group_members", []string{"tenant_id", "group_id", "user_id", "is_lead"}, members},
			{"categories", []string{"tenant_id", "id", "name", "default_group_id", "position", "created_at"}, cats},
		} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", c.table, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bench: tenant %s: %w", t.slug, err)
	}
	return t, nil
}

type chunk struct {
	t     *tenantSetup
	first int // first ticket number
	n     int
}

// loadTickets generates and copies every tenant's tickets in chunks, two
// at a time (one per core).
func loadTickets(ctx context.Context, pool *pgxpool.Pool, x *ids, tenants []*tenantSetup, now time.Time, log io.Writer) error {
	work := make(chan chunk)
	errc := make(chan error, 2)
	var wg sync.WaitGroup
	var done atomic.Int64
	total := 0
	for _, t := range tenants {
		total += t.tickets
	}
	for range 2 {
		wg.Go(func() {
			for c := range work {
				if err := copyChunk(ctx, pool, x, c, now); err != nil {
					errc <- fmt.Errorf("bench: tenant %s tickets %d+: %w", c.t.slug, c.first, err)
					return
				}
				if d := done.Add(int64(c.n)); d/100_000 != (d-int64(c.n))/100_000 {
					fmt.Fprintf(log, "bench: %d/%d tickets\n", d, total)
				}
			}
		})
	}
	var err error
feed:
	for _, t := range tenants {
		for first := 1; first <= t.tickets; first += chunkSize {
			select {
			case work <- chunk{t: t, first: first, n: min(chunkSize, t.tickets-first+1)}:
			case err = <-errc:
				break feed
			}
		}
	}
	close(work)
	wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err = <-errc:
		return err
	default:
		return nil
	}
}
