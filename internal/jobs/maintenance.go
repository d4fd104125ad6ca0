package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Housekeeper is the store work of the maintenance job.
type Housekeeper interface {
	DeleteExpiredSessions(ctx context.Context) error
	PruneRateLimits(ctx context.Context, olderThan time.Duration) error
	// PruneIdempotency deletes the API's idempotency records older than
	// apiAge and the forms' keys older than formAge.
	PruneIdempotency(ctx context.Context, apiAge, formAge time.Duration) (int64, error)
	// PruneTicketChanges deletes the live-update hub's ticket changes
	// older than keep.
	PruneTicketChanges(ctx context.Context, keep time.Duration) (int64, error)
}

// ticketChangesKept is how long the ticket changes are kept: every running
// server reads them within a fraction of a second, and one that falls
// seconds behind drops its tokens (internal/server, changeHub).
const ticketChangesKept = 5 * time.Minute

// MaintenanceArgs is the periodic housekeeping job: expired sessions,
// stale rate-limit counters, expired idempotency keys (visited desk by
// desk, the only tenant data it touches) and the ticket changes every
// server has read.
type MaintenanceArgs struct{}

// Kind names the job in the queue.
func (MaintenanceArgs) Kind() string { return "maintenance" }

type maintenanceWorker struct {
	river.WorkerDefaults[MaintenanceArgs]
	store Housekeeper
}

func (w *maintenanceWorker) Work(ctx context.Context, _ *river.Job[MaintenanceArgs]) error {
	if err := w.store.DeleteExpiredSessions(ctx); err != nil {
		return fmt.Errorf("maintenance: sessions: %w", err)
	}
	// The longest rate-limit window is an hour; a day's margin is plenty.
	if err := w.store.PruneRateLimits(ctx, 24*time.Hour); err != nil {
		return fmt.Errorf("maintenance: rate limits: %w", err)
	}
	if _, err := w.store.PruneIdempotency(ctx, helpdesk.IdempotencyTTL, helpdesk.FormKeyTTL); err != nil {
		return fmt.Errorf("maintenance: idempotency keys: %w", err)
	}
	if _, err := w.store.PruneTicketChanges(ctx, ticketChangesKept); err != nil {
		return fmt.Errorf("maintenance: ticket changes: %w", err)
	}
	return nil
}

// RegisterMaintenance schedules housekeeping every interval.
func RegisterMaintenance(reg *Registry, store Housekeeper, interval time.Duration) {
	river.AddWorker(reg.Workers(), &maintenanceWorker{store: store})
	reg.Every("maintenance", interval, func() river.JobArgs { return MaintenanceArgs{} })
}
