package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type countArgs struct {
	N int `json:"n"`
}

func (countArgs) Kind() string { return "test_count" }

// countWorker records which job numbers were worked, and by whom.
type countWorker struct {
	river.WorkerDefaults[countArgs]
	name string
	mu   *sync.Mutex
	seen map[int][]string
}

func (w *countWorker) Work(ctx context.Context, j *river.Job[countArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen[j.Args.N] = append(w.seen[j.Args.N], w.name)
	return nil
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func start(t *testing.T, pool *pgxpool.Pool, reg *jobs.Registry) *jobs.Runner {
	t.Helper()
	r, err := jobs.Start(context.Background(), pool, quiet(), reg, jobs.Options{Concurrency: 4, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, r.Stop(ctx))
	})
	return r
}

// The outbox guarantee: a job enqueued in a tenant transaction exists
// exactly when that transaction commits.
func TestEnqueueJoinsTheTransaction(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	store := postgres.New(pool)
	tenant, _, err := store.CreateTenant(ctx, helpdesk.Tenant{Slug: "acme", Name: "Acme", Language: "es", TimeZone: "UTC"}, helpdesk.User{Email: "a@acme.example", Name: "Ana", Role: helpdesk.RoleAdmin})
	require.NoError(t, err)

	boom := errors.New("rolled back")
	err = store.InTx(ctx, tenant.ID, func(tx helpdesk.Store) error {
		require.NoError(t, tx.(*postgres.Store).Enqueue(ctx, countArgs{N: 1}, nil))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.NoError(t, store.InTx(ctx, tenant.ID, func(tx helpdesk.Store) error {
		return tx.(*postgres.Store).Enqueue(ctx, countArgs{N: 2}, nil)
	}))

	var kinds []int
	rows, err := pool.Query(ctx, `SELECT (args->>'n')::int FROM river_job WHERE kind = 'test_count' ORDER BY 1`)
	require.NoError(t, err)
	for rows.Next() {
		var n int
		require.NoError(t, rows.Scan(&n))
		kinds = append(kinds, n)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []int{2}, kinds, "only the committed transaction's job exists")
}

// Two servers over one database: every job is worked exactly once.
func TestTwoRunnersWorkEachJobOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	var mu sync.Mutex
	seen := map[int][]string{}
	for _, name := range []string{"uno", "dos"} {
		reg := jobs.NewRegistry()
		river.AddWorker(reg.Workers(), &countWorker{name: name, mu: &mu, seen: seen})
		start(t, pool, reg)
	}
	store := postgres.New(pool)
	const n = 60
	for i := range n {
		require.NoError(t, store.Enqueue(ctx, countArgs{N: i}, nil))
	}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == n
	}, 20*time.Second, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // a second run would show up by now
	mu.Lock()
	defer mu.Unlock()
	for i := range n {
		assert.Len(t, seen[i], 1, "job %d worked %v", i, seen[i])
	}
}

// Maintenance deletes expired sessions; live ones stay.
func TestMaintenanceSweepsExpiredSessions(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES
		('old', '\x00', now() - interval '1 hour'), ('live', '\x00', now() + interval '1 hour')`)
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	jobs.RegisterMaintenance(reg, postgres.New(pool), time.Hour) // runs on start
	start(t, pool, reg)
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE token = 'old'`).Scan(&n))
		return n == 0
	}, 20*time.Second, 100*time.Millisecond)
	var live int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE token = 'live'`).Scan(&live))
	assert.Equal(t, 1, live)
}
