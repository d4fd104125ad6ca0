package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/pgtest"
)

type slowOutArgs struct{ N int }

func (slowOutArgs) Kind() string                 { return "test_slow_out" }
func (slowOutArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueMailOut} }

type fastInArgs struct{ N int }

func (fastInArgs) Kind() string                 { return "test_fast_in" }
func (fastInArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueMailIn} }

// blockWorker stands for a relay that never answers.
type blockWorker struct {
	river.WorkerDefaults[slowOutArgs]
	started chan int
}

func (w *blockWorker) Work(ctx context.Context, j *river.Job[slowOutArgs]) error {
	w.started <- j.Args.N
	<-ctx.Done()
	return ctx.Err()
}

type doneWorker struct {
	river.WorkerDefaults[fastInArgs]
	done chan int
}

func (w *doneWorker) Work(ctx context.Context, j *river.Job[fastInArgs]) error {
	w.done <- j.Args.N
	return nil
}

// TestSlowRelayDoesNotDelayInboundMail: with every outbound worker stuck
// on a relay, received mail is still worked at once on its own queue.
func TestSlowRelayDoesNotDelayInboundMail(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	reg := jobs.NewRegistry()
	block := &blockWorker{started: make(chan int, 10)}
	done := &doneWorker{done: make(chan int, 10)}
	river.AddWorker(reg.Workers(), block)
	river.AddWorker(reg.Workers(), done)
	r, err := jobs.Start(context.Background(), pool, quiet(), reg, jobs.Options{Concurrency: 2, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Client().StopAndCancel(context.Background()) })
	ctx := context.Background()
	for i := range 4 {
		_, err := r.Client().Insert(ctx, slowOutArgs{N: i}, nil)
		require.NoError(t, err)
	}
	<-block.started
	<-block.started // both outbound workers are now stuck
	_, err = r.Client().Insert(ctx, fastInArgs{N: 1}, nil)
	require.NoError(t, err)
	select {
	case <-done.done:
	case <-time.After(5 * time.Second):
		t.Fatal("inbound mail waited for the outbound workers")
	}
}

// TestMailJobQueues: received mail and delivery go to different queues.
func TestMailJobQueues(t *testing.T) {
	t.Parallel()
	assert.Equal(t, jobs.QueueMailOut, jobs.MailJob{Mail: "outbound"}.InsertOpts().Queue)
	assert.Equal(t, jobs.QueueMailIn, jobs.MailJob{Mail: "inbound"}.InsertOpts().Queue)
	assert.Equal(t, jobs.QueueMailIn, jobs.MailJob{Mail: "guest_request"}.InsertOpts().Queue)
	assert.Equal(t, jobs.QueueTimers, jobs.SLAScanArgs{}.InsertOpts().Queue)
}

// TestOrphanedJobIsRescuedQuickly: a job left "running" by a server that
// was killed is worked again as soon as a server starts, not after River's
// default hour.
func TestOrphanedJobIsRescuedQuickly(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	// Insert the job with a client that works nothing, then leave it as a
	// killed server does: running, attempted two minutes ago.
	reg := jobs.NewRegistry()
	var mu sync.Mutex
	w := &countWorker{name: "b", mu: &mu, seen: map[int][]string{}}
	river.AddWorker(reg.Workers(), w)
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	require.NoError(t, err)
	res, err := inserter.Insert(ctx, countArgs{N: 7}, nil)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '2 minutes',
		attempted_by = '{dead-server}' WHERE id = $1`, res.Job.ID)
	require.NoError(t, err)

	t0 := time.Now()
	start(t, pool, reg)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(w.seen[7]) == 1
	}, 20*time.Second, 100*time.Millisecond, "the orphaned job is worked again")
	t.Logf("orphaned job worked %s after start", time.Since(t0).Round(time.Millisecond))
}
