package postgres_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/bench"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// TestExplainQueuePage prints every statement of the queue page's batch
// ("mine", 50 rows, the nine built-in counts), the floor's list and the
// API's list of the same page, each
// under EXPLAIN (ANALYZE, BUFFERS) as the application role with the
// tenant set, with its median execution time over repeated runs, at a
// 1,000-ticket desk. Only with ATIENDE_EXPLAIN_COUNTS=1:
//
//	ATIENDE_EXPLAIN_COUNTS=1 go test -count=1 -run TestExplainQueuePage -v ./internal/postgres/
func TestExplainQueuePage(t *testing.T) {
	if os.Getenv("ATIENDE_EXPLAIN_COUNTS") == "" {
		t.Skip("set ATIENDE_EXPLAIN_COUNTS=1 to print the queue page's plans")
	}
	pool := pgtest.New(t)
	tenant, filters := countsDesk(t, pool, 1_000)
	mine := filters[0]
	spreadRequesters(t, pool, tenant, 300)
	b := &pgx.Batch{}
	b.Queue(`SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(tenant), 10))
	require.NoError(t, postgres.QueueList(b, tenant, helpdesk.TicketQuery{Filter: mine, Limit: helpdesk.DefaultPageSize}, false))
	require.NoError(t, postgres.QueueCounts(b, tenant, filters[:9], helpdesk.SidebarCountLimit))
	page := b.Len()
	// For comparison, after the page's: the floor's list, and the list as
	// ListTickets (the API) writes it, with scalar subqueries.
	b.Queue(bench.FloorList, int64(tenant), int64(mine.Assignee.User))
	require.NoError(t, postgres.QueueList(b, tenant, helpdesk.TicketQuery{Filter: mine, Limit: helpdesk.DefaultPageSize}, true))

	ctx := context.Background()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var total float64
		for i, q := range b.QueuedQueries {
			median, plan, err := explainMedian(ctx, tx, q.SQL, q.Arguments)
			if err != nil {
				return err
			}
			if i < page {
				total += median
			}
			t.Logf("statement %d: median %.3f ms\n%s\n%s", i, median, q.SQL, plan)
		}
		t.Logf("sum of the page's medians: %.3f ms (then the floor's list and the API's)", total)
		return nil
	})
	require.NoError(t, err)
}

// spreadRequesters gives tenant's tickets n requesters in turn, as a desk
// has (countsDesk's have one), so that no name is looked up only once.
func spreadRequesters(t *testing.T, pool *pgxpool.Pool, tenant helpdesk.TenantID, n int) {
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(tenant), 10)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `WITH c AS (
				INSERT INTO users (tenant_id, email, name, role, active)
				SELECT $1, 'cliente' || i || '@cuentas.example', 'Cliente ' || i, 'customer', true FROM generate_series(1, $2::int) i
				RETURNING id),
			n AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM c)
			UPDATE tickets t SET requester_id = n.id FROM n WHERE t.tenant_id = $1 AND t.number % $2 = n.k`, int64(tenant), n)
		return err
	})
	require.NoError(t, err)
	owner, err := pgx.Connect(ctx, pgtest.OwnerURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	defer owner.Close(ctx)
	_, err = owner.Exec(ctx, `VACUUM ANALYZE`)
	require.NoError(t, err)
}

// explainMedian runs sql under EXPLAIN (ANALYZE, BUFFERS) 21 times and
// returns the median execution time and the last plan.
func explainMedian(ctx context.Context, tx pgx.Tx, sql string, args []any) (float64, string, error) {
	var times []float64
	var plan []string
	for range 21 {
		rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args...)
		if err != nil {
			return 0, "", fmt.Errorf("%s: %w", sql, err)
		}
		if plan, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return 0, "", err
		}
		for _, l := range plan {
			if ms, ok := strings.CutPrefix(l, "Execution Time: "); ok {
				v, _ := strconv.ParseFloat(strings.TrimSuffix(ms, " ms"), 64)
				times = append(times, v)
			}
		}
	}
	slices.Sort(times)
	return times[len(times)/2], strings.Join(plan, "\n"), nil
}
