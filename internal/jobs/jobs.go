// Package jobs runs Atiende's background work on River, a job queue kept in
// PostgreSQL: SLA scans, auto-close, reminders, mail delivery. Jobs live in
// the same database as the tickets, so a job inserted in a ticket's
// transaction exists exactly when the change that caused it commits, and
// several `atiende serve` processes share one queue: each job is worked
// once, and periodic jobs are scheduled by one elected leader.
//
// Areas register their workers and schedules on a Registry before the
// runner starts (cmd/atiende wires them); jobs are inserted in a tenant
// transaction through postgres.Store.Enqueue.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Registry collects the workers and schedules of every area.
type Registry struct {
	workers  *river.Workers
	periodic []*river.PeriodicJob
	ids      map[string]bool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{workers: river.NewWorkers(), ids: map[string]bool{}}
}

// Workers is where an area adds its workers: river.AddWorker(reg.Workers(), w).
func (r *Registry) Workers() *river.Workers { return r.workers }

// Every schedules the job args returns every interval. Only the leader among
// the running servers inserts it, and the insert is unique per interval, so
// a change of leader does not run it twice in one period. id names the
// schedule (unique among schedules).
func (r *Registry) Every(id string, interval time.Duration, args func() river.JobArgs) {
	if r.ids[id] {
		panic("jobs: schedule registered twice: " + id)
	}
	r.ids[id] = true
	r.periodic = append(r.periodic, river.NewPeriodicJob(
		river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) {
			return args(), &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: interval}}
		},
		&river.PeriodicJobOpts{ID: id, RunOnStart: true},
	))
}

// Options tune the runner.
type Options struct {
	// Concurrency is how many jobs this process works at once on each
	// queue (default 4): every queue has workers of its own.
	Concurrency int
	// JobTimeout cancels a job's context (default DefaultJobTimeout).
	JobTimeout time.Duration
	// RescueAfter is when a job still "running" is taken for orphaned and
	// retried (default DefaultRescueAfter; at least JobTimeout).
	RescueAfter time.Duration
	// PollInterval is the fallback fetch interval when LISTEN/NOTIFY is
	// quiet (default 1s; tests shorten it).
	PollInterval time.Duration
}

// Runner works jobs until stopped.
type Runner struct {
	client *river.Client[pgx.Tx]
}

// Start begins working jobs of reg's kinds on pool. Stop it after the HTTP
// server has drained and before the pool closes.
func Start(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger, reg *Registry, o Options) (*Runner, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = DefaultJobTimeout
	}
	if o.RescueAfter <= 0 {
		o.RescueAfter = DefaultRescueAfter
	}
	o.RescueAfter = max(o.RescueAfter, o.JobTimeout+time.Second)
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger:            quietRiver(log),
		Workers:           reg.workers,
		PeriodicJobs:      reg.periodic,
		Queues:            queues(o.Concurrency),
		FetchPollInterval: o.PollInterval,
		FetchCooldown:     min(100*time.Millisecond, o.PollInterval),
		// The application role owns no index, so it cannot REINDEX; the
		// operator's maintenance does that (docs/operations.md).
		ReindexerSchedule: river.NeverSchedule(),
		MaxAttempts:       10,
		JobTimeout:        o.JobTimeout,
		// River's default is an hour; a crashed server's jobs should be
		// worked again within minutes (see DefaultRescueAfter).
		RescueStuckJobsAfter: o.RescueAfter,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: new client: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	return &Runner{client: client}, nil
}

// Stop waits for jobs in progress to finish, or cancels them when ctx ends.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return r.client.StopAndCancel(context.Background())
	}
	return err
}

// quietRiver is the logger River gets: its info lines (producer job counts
// every few seconds per queue) would drown the request log, so only its
// warnings and errors pass; job outcomes are recorded where each job works.
func quietRiver(log *slog.Logger) *slog.Logger {
	return slog.New(warnOnly{log.Handler()}).With("component", "jobs")
}

// warnOnly passes records at warning level and above to its handler.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}
func (h warnOnly) WithAttrs(a []slog.Attr) slog.Handler { return warnOnly{h.Handler.WithAttrs(a)} }
func (h warnOnly) WithGroup(n string) slog.Handler      { return warnOnly{h.Handler.WithGroup(n)} }
