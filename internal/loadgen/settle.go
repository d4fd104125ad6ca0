package loadgen

import (
	"context"
	"time"
)

// quietCores is how busy the server and PostgreSQL together may still be, in
// cores, for a phase to start.
const quietCores = 0.10

// settleWindow is how long one reading of their CPU lasts, and maxSettle
// how long a phase waits for quiet at most.
const (
	settleWindow = 500 * time.Millisecond
	maxSettle    = 90 * time.Second
)

// settle waits until the server and PostgreSQL are nearly idle and returns
// how long that took. A phase leaves work behind it — the mail and webhook
// jobs of the tickets it created, autovacuum of the rows it changed — that
// would otherwise be measured as part of the next phase: a fixed-rate
// phase that follows a saturated creation phase shared the cores with its
// backlog. Past maxSettle it gives up and the phase runs anyway.
func (d *driver) settle(ctx context.Context) time.Duration {
	start := time.Now()
	busy := func() float64 { return cpuSeconds(d.plan.ServerPID) + treeCPU(d.plan.PostmasterPID) }
	for time.Since(start) < maxSettle {
		before := busy()
		select {
		case <-ctx.Done():
			return time.Since(start)
		case <-time.After(settleWindow):
		}
		if (busy()-before)/settleWindow.Seconds() < quietCores {
			return time.Since(start)
		}
	}
	return time.Since(start)
}
