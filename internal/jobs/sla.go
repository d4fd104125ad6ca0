package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
)

// SLAScanner is the domain's scan of due SLA clocks (helpdesk.Service).
type SLAScanner interface {
	ScanSLA(ctx context.Context, now time.Time, limit int) (helpdesk.ScanResult, error)
}

// SLAScanArgs is the periodic scan of due SLA clocks: it records breaches
// and fires the escalation ladders. The scan reads only ids and instants
// across tenants (an index range scan over due clocks), then works each
// ticket in its own tenant transaction (docs/sla.md).
type SLAScanArgs struct{}

// Kind names the job in the queue.
func (SLAScanArgs) Kind() string { return "sla_scan" }

// slaScanBatch is how many tickets one scan call takes; the worker calls
// again while batches come back full, within its time budget.
const slaScanBatch = 500

type slaScanWorker struct {
	river.WorkerDefaults[SLAScanArgs]
	scanner SLAScanner
	now     func() time.Time
}

func (w *slaScanWorker) Work(ctx context.Context, _ *river.Job[SLAScanArgs]) error {
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := w.scanner.ScanSLA(ctx, w.now(), slaScanBatch)
		if err != nil {
			// Failed tickets are retried by the next run: their clocks
			// stay due. Returning the error lets River record it.
			return fmt.Errorf("sla scan: %w", err)
		}
		if res.Tickets < slaScanBatch || time.Now().After(deadline) {
			return nil
		}
	}
}

// RegisterSLAScan schedules the SLA scan every interval (under a minute, so
// a warning or breach is recorded within a minute of its instant). now may
// be nil for the wall clock.
func RegisterSLAScan(reg *Registry, scanner SLAScanner, interval time.Duration, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	river.AddWorker(reg.Workers(), &slaScanWorker{scanner: scanner, now: now})
	reg.Every("sla_scan", interval, func() river.JobArgs { return SLAScanArgs{} })
}
