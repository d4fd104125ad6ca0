package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TimerBatch bounds the tickets one tenant's timers handle per timer and
// rule in one run; what is left is due again at the next sweep, a minute
// later.
const TimerBatch = 500

// TenantsPerTimerJob is how many tenants one timers job takes. One job per
// tenant and minute would keep a million finished jobs a day in River's
// table for a thousand desks; batches keep that to a few tens of
// thousands while several servers still share the work.
const TenantsPerTimerJob = 50

// Timers is the domain work of the ticket timers; helpdesk.Service does it.
// Each method finds due tickets of one tenant with an indexed scan and
// handles each in its own tenant transaction, re-checking it there.
type Timers interface {
	AutoCloseDue(ctx context.Context, tenant helpdesk.TenantID, limit int) (int, error)
	AutoSolveDue(ctx context.Context, tenant helpdesk.TenantID, limit int) (int, error)
	RemindPendingDue(ctx context.Context, tenant helpdesk.TenantID, limit int) (int, error)
	RunTimedRules(ctx context.Context, tenant helpdesk.TenantID, limit int) (int, error)
}

// Tenants lists every tenant (the directory needs no tenant transaction).
type Tenants interface {
	TenantIDs(ctx context.Context) ([]helpdesk.TenantID, error)
}

// TimerSweepArgs is the periodic job that fans the timers out: one
// TenantTimersArgs per batch of tenants.
type TimerSweepArgs struct{}

// Kind names the job in the queue.
func (TimerSweepArgs) Kind() string { return "ticket_timer_sweep" }

// TenantTimersArgs runs the ticket timers of a batch of tenants, one after
// the other: auto-close of Resuelto, auto-resolve and reminders of
// Pendiente, and time-based automation rules.
type TenantTimersArgs struct {
	Tenants []helpdesk.TenantID `json:"tenants"`
}

// Kind names the job in the queue.
func (TenantTimersArgs) Kind() string { return "ticket_timers" }

type timerSweepWorker struct {
	river.WorkerDefaults[TimerSweepArgs]
	tenants  Tenants
	interval time.Duration
}

// Work inserts one timers job per batch of tenants, unique per batch and
// period, so a sweep that runs twice in a period (a new leader, a retry)
// adds none. Should a batch still run twice (the tenant list changed
// between two sweeps of one period), the domain handles each due ticket
// once anyway.
func (w *timerSweepWorker) Work(ctx context.Context, _ *river.Job[TimerSweepArgs]) error {
	ids, err := w.tenants.TenantIDs(ctx)
	if err != nil {
		return fmt.Errorf("timer sweep: %w", err)
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return fmt.Errorf("timer sweep: %w", err)
	}
	var params []river.InsertManyParams
	for len(ids) > 0 {
		n := min(len(ids), TenantsPerTimerJob)
		params = append(params, river.InsertManyParams{
			Args:       TenantTimersArgs{Tenants: ids[:n]},
			InsertOpts: &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: w.interval}},
		})
		ids = ids[n:]
	}
	for len(params) > 0 {
		n := min(len(params), 1000)
		if _, err := client.InsertMany(ctx, params[:n]); err != nil {
			return fmt.Errorf("timer sweep: insert: %w", err)
		}
		params = params[n:]
	}
	return nil
}

type tenantTimersWorker struct {
	river.WorkerDefaults[TenantTimersArgs]
	timers Timers
}

// Work runs every timer of each tenant; one failing does not stop the
// others, and the job is retried (each timer is idempotent: the domain
// re-checks every ticket on its locked row and records what it did).
func (w *tenantTimersWorker) Work(ctx context.Context, j *river.Job[TenantTimersArgs]) error {
	var errs []error
	for _, t := range j.Args.Tenants {
		for _, run := range []func(context.Context, helpdesk.TenantID, int) (int, error){
			w.timers.AutoCloseDue, w.timers.AutoSolveDue, w.timers.RemindPendingDue, w.timers.RunTimedRules,
		} {
			if _, err := run(ctx, t, TimerBatch); err != nil {
				errs = append(errs, fmt.Errorf("tenant %d: %w", t, err))
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ticket timers: %w", err)
	}
	return nil
}

// RegisterTicketTimers schedules the ticket timers every interval (a
// minute in `atiende serve`).
func RegisterTicketTimers(reg *Registry, tenants Tenants, timers Timers, interval time.Duration) {
	river.AddWorker(reg.Workers(), &timerSweepWorker{tenants: tenants, interval: interval})
	river.AddWorker(reg.Workers(), &tenantTimersWorker{timers: timers})
	reg.Every("ticket_timers", interval, func() river.JobArgs { return TimerSweepArgs{} })
}
