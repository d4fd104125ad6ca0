package server_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestParallelCreationInOneDesk opens tickets from several goroutines at
// once in one desk through the service (no HTTP), as the portal form
// would, and prints the rate: what any wait between creations of one desk
// costs (their number and counters stopped being one locked row each in
// migrations 00045 and 00046). A diagnostic, run by hand with ATIENDE_BENCH_CREATE=1
// and -v; compare builds on the same machine at the same time.
func TestParallelCreationInOneDesk(t *testing.T) {
	if os.Getenv("ATIENDE_BENCH_CREATE") == "" {
		t.Skip("set ATIENDE_BENCH_CREATE=1 to measure parallel creations")
	}
	e := newEnv(t)
	d := e.newDesk("alfa")
	ctx := context.Background()
	by := d.customer.Actor()
	open := func(i int) {
		_, err := e.svc.OpenTicket(ctx, by, helpdesk.NewTicket{Subject: "Medir " + strconv.Itoa(i), Description: "En paralelo.", Channel: helpdesk.ChannelWeb})
		require.NoError(t, err)
	}
	for i := range 10 {
		open(i)
	}
	const workers, total = 8, 400
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > total {
					return
				}
				open(int(i))
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	t.Logf("%d creations by %d workers in one desk: %s, %.0f/s", total, workers, wall.Round(time.Millisecond), float64(total)/wall.Seconds())
}
