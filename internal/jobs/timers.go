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

// TimerBatch bounds the tickets one tenant's timer job handles per timer
// and rule; what is left is due again at the next sweep, a minute later.
const TimerBatch = 500

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
// TenantTimersArgs per tenant.
type TimerSweepArgs struct{}

// Kind names the job in the queue.
func (TimerSweepArgs) Kind() string { return "ticket_timer_sweep" }

// TenantTimersArgs runs one tenant's ticket timers: auto-close of Resuelto,
// auto-resolve and reminders of Pendiente, and time-based automation
// rules.
type TenantTimersArgs struct {
	Tenant helpdesk.TenantID `json:"tenant"`
}

// Kind names the job in the queue.
func (TenantTimersArgs) Kind() string { return "ticket_timers" }

type timerSweepWorker struct {
	river.WorkerDefaults[TimerSweepArgs]
	tenants  Tenants
	interval time.Duration
}

// Work inserts one timers job per tenant, unique per tenant and period, so
// a sweep that runs twice in a period (a new leader, a retry) adds none.
func (w *timerSweepWorker) Work(ctx context.Context, _ *river.Job[TimerSweepArgs]) error {
	ids, err := w.tenants.TenantIDs(ctx)
	if err != nil {
		return fmt.Errorf("timer sweep: %w", err)
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return fmt.Errorf("timer sweep: %w", err)
	}
	params := make([]river.InsertManyParams, 0, len(ids))
	for _, id := range ids {
		params = append(params, river.InsertManyParams{
			Args:       TenantTimersArgs{Tenant: id},
			InsertOpts: &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: w.interval}},
		})
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

// Work runs every timer of the tenant; one failing does not stop the
// others, and the job is retried (each timer is idempotent: the domain
// re-checks every ticket on its locked row and records what it did).
func (w *tenantTimersWorker) Work(ctx context.Context, j *river.Job[TenantTimersArgs]) error {
	t := j.Args.Tenant
	var errs []error
	for _, run := range []func(context.Context, helpdesk.TenantID, int) (int, error){
		w.timers.AutoCloseDue, w.timers.AutoSolveDue, w.timers.RemindPendingDue, w.timers.RunTimedRules,
	} {
		if _, err := run(ctx, t, TimerBatch); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ticket timers of tenant %d: %w", t, err)
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
