package postgres_test

import (
	"context"
	"fmt"
	"os"
	"slices"
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

// TestExplainQueueCounts prints, for a desk of 1,000 and one of 10,000
// tickets, each statement the sidebar's counts send (the nine built-in
// views and two saved ones, by priority and by text) with the median of
// its execution time over repeated runs and its buffers, under the
// application role with the tenant set: what grows with the backlog shows
// as a statement whose time or buffers grow with it. Slow to set up, so
// only with ATIENDE_EXPLAIN_COUNTS=1:
//
//	ATIENDE_EXPLAIN_COUNTS=1 go test -count=1 -run TestExplainQueueCounts -v ./internal/postgres/
func TestExplainQueueCounts(t *testing.T) {
	if os.Getenv("ATIENDE_EXPLAIN_COUNTS") == "" {
		t.Skip("set ATIENDE_EXPLAIN_COUNTS=1 to print the counts' plans")
	}
	for _, n := range []int{1_000, 10_000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			pool := pgtest.New(t)
			tenant, filters := countsDesk(t, pool, n)
			b := &pgx.Batch{}
			require.NoError(t, postgres.QueueCounts(b, tenant, filters, helpdesk.SidebarCountLimit))
			explainBatch(t, pool, tenant, b)
		})
	}
}

// countsDesk fills a desk with n tickets (four in ten unsolved, half of
// those past their SLA target, a third assigned to the agent, spread over
// three groups) and returns the sidebar's filters as the Service scopes
// them for that agent.
func countsDesk(t testing.TB, pool *pgxpool.Pool, n int) (helpdesk.TenantID, []helpdesk.TicketFilter) {
	ctx := context.Background()
	s := postgres.New(pool)
	tn, _, err := s.CreateTenant(ctx, helpdesk.Tenant{Slug: "cuentas", Name: "Cuentas", Language: "es", TimeZone: "Europe/Madrid"},
		helpdesk.User{Email: "admin@cuentas.example", Name: "Admin", Role: helpdesk.RoleAdmin, Active: true})
	require.NoError(t, err)
	agent, err := s.CreateUser(ctx, tn.ID, helpdesk.User{Email: "ana@cuentas.example", Name: "Ana", Role: helpdesk.RoleAgent, Active: true})
	require.NoError(t, err)
	cust, err := s.CreateUser(ctx, tn.ID, helpdesk.User{Email: "carla@cuentas.example", Name: "Carla", Role: helpdesk.RoleCustomer, Active: true})
	require.NoError(t, err)
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(tn.ID), 10)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `WITH g AS (INSERT INTO groups (tenant_id, name) SELECT $1, 'Grupo ' || i FROM generate_series(1, 3) i RETURNING id)
			INSERT INTO group_members (tenant_id, group_id, user_id) SELECT $1, id, $2 FROM g`, int64(tn.ID), int64(agent.ID))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO tickets (tenant_id, number, subject, status, priority, urgency, impact, channel,
				requester_id, group_id, assignee_id, status_changed_at, created_at, updated_at, next_due_at, version)
			SELECT $1, i, 'Ticket número ' || i,
				(ARRAY['new','open','pending','on_hold','solved','solved','solved','closed','closed','solved'])[1 + i % 10],
				1 + i % 4, 'medium', 'medium', 'web', $3,
				(SELECT id FROM groups WHERE tenant_id = $1 ORDER BY id OFFSET i % 4 LIMIT 1),
				CASE WHEN i % 3 = 0 THEN $2::bigint END, now(), now() - i * interval '1 minute', now() - i * interval '1 minute',
				CASE WHEN i % 10 < 4 THEN now() + (i % 200 - 100) * interval '1 hour' END, 1
			FROM generate_series(1, $4::int) i`, int64(tn.ID), int64(agent.ID), int64(cust.ID), n)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT ticket_numbers_follow($1)`, int64(tn.ID))
		return err
	})
	require.NoError(t, err)
	// As autovacuum would have: only the owner may analyse the tables.
	owner, err := pgx.Connect(ctx, pgtest.OwnerURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	defer owner.Close(ctx)
	_, err = owner.Exec(ctx, `VACUUM ANALYZE`)
	require.NoError(t, err)
	if os.Getenv("ATIENDE_EXPLAIN_PAUSE") != "" {
		t.Logf("database: %s", pool.Config().ConnString())
		time.Sleep(10 * time.Minute)
	}
	unsolved := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}
	now := time.Now()
	return tn.ID, []helpdesk.TicketFilter{
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: agent.ID}, SLANow: now},
		{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}, SLANow: now},
		{Statuses: unsolved, GroupsOf: agent.ID, SLANow: now},
		{Statuses: []helpdesk.Status{helpdesk.StatusPending}, SLANow: now},
		{Statuses: []helpdesk.Status{helpdesk.StatusOnHold}, SLANow: now},
		{Statuses: []helpdesk.Status{helpdesk.StatusSolved}, SLANow: now},
		{Statuses: unsolved, SLA: helpdesk.SLADueSoon, SLANow: now},
		{Statuses: unsolved, SLA: helpdesk.SLAOverdue, SLANow: now},
		{SLANow: now},
		{Priorities: []helpdesk.Priority{helpdesk.PriorityUrgent}, SLANow: now},
		{Text: "número 77", SLANow: now},
	}
}

// explainBatch runs b's statements in one transaction bound to tenant,
// each count under EXPLAIN (ANALYZE, BUFFERS) fifteen times, and logs the
// median execution time, the buffers and the plan of each.
func explainBatch(t *testing.T, pool *pgxpool.Pool, tenant helpdesk.TenantID, b *pgx.Batch) {
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(tenant), 10)); err != nil {
			return err
		}
		var total float64
		for i, q := range b.QueuedQueries {
			if !strings.Contains(q.SQL, "count") && !strings.Contains(q.SQL, "last_number") {
				if _, err := tx.Exec(ctx, q.SQL, q.Arguments...); err != nil { // the search's settings
					return err
				}
				continue
			}
			var times []float64
			var plan []string
			for range 15 {
				rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.SQL, q.Arguments...)
				if err != nil {
					return fmt.Errorf("%s: %w", q.SQL, err)
				}
				lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					return err
				}
				plan = lines
				for _, l := range lines {
					if ms, ok := strings.CutPrefix(l, "Execution Time: "); ok {
						v, _ := strconv.ParseFloat(strings.TrimSuffix(ms, " ms"), 64)
						times = append(times, v)
					}
				}
			}
			slices.Sort(times)
			total += times[len(times)/2]
			t.Logf("statement %d: median %.3f ms\n%s\n%s", i, times[len(times)/2], q.SQL, strings.Join(plan, "\n"))
		}
		t.Logf("sum of the counts' medians: %.3f ms", total)
		return nil
	})
	require.NoError(t, err)
}

// BenchmarkQueueCounts reads the sidebar's counts as the queue page does
// (ReadQueue with the counts alone: the tenant's setting and the counts in
// one batch) at a 1,000- and a 10,000-ticket desk. Wall time includes the
// local PostgreSQL's; compare runs taken together.
//
//	go test -run '^$' -bench BenchmarkQueueCounts -benchmem ./internal/postgres/
func BenchmarkQueueCounts(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			pool := pgtest.New(b)
			tenant, filters := countsDesk(b, pool, n)
			s := postgres.New(pool)
			ctx := context.Background()
			// The nine built-in views, then with a saved view by priority,
			// then with one by text as well.
			for _, k := range []int{9, 10, 11} {
				b.Run(strconv.Itoa(k), func(b *testing.B) {
					for b.Loop() {
						_, err := s.ReadQueue(ctx, tenant, helpdesk.QueueReads{Counts: filters[:k], CountLimit: helpdesk.SidebarCountLimit})
						require.NoError(b, err)
					}
				})
			}
		})
	}
}
