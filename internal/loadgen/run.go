package loadgen

import (
	"context"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// maxInFlight bounds an open-loop phase: past it, arrivals are counted as
// late instead of piling up goroutines without end.
const maxInFlight = 512

// Run signs every virtual user in, then runs the plan's phases one after
// the other. Progress goes to log; each phase is bounded by its duration
// (plus the client's timeout for requests in flight).
func Run(ctx context.Context, p Plan, log io.Writer) (Output, error) {
	d := newDriver(p)
	var out Output
	var err error
	fmt.Fprintf(log, "benchload: signing in %d agents and %d customers\n", len(p.Agents), len(p.Customers))
	if out.SignIn, err = d.signInAll(ctx); err != nil {
		return out, err
	}
	for _, ph := range p.Phases {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		f, ok := d.scenario(ph.Scenario)
		if !ok {
			return out, fmt.Errorf("unknown scenario %q", ph.Scenario)
		}
		waited := d.settle(ctx)
		fmt.Fprintf(log, "benchload: start %s (after %.1fs for quiet)\n", ph.Name, waited.Seconds())
		res := d.phase(ctx, ph, f)
		res.Settled = round2(waited.Seconds())
		fmt.Fprintf(log, "benchload: %-28s %8.1f/s  p50 %6.2f  p99 %7.2f ms  errors %d  server cpu %.1fs  rss %.0f MB\n",
			ph.Name, res.Throughput, res.Latency.P50, res.Latency.P99, res.Errors, res.ServerCPU, res.PeakRSSMB)
		out.Results = append(out.Results, res)
	}
	d.mu.Lock()
	out.CreatedPaths, out.CreatedOK = len(d.created), d.createdOK
	d.mu.Unlock()
	return out, nil
}

func (d *driver) scenario(name string) (op, bool) {
	if name == "mixed" {
		return func(d *driver, ctx context.Context, v *vu, rec *recorder, start time.Time) {
			d.mixed(ctx, v, rec, start)
		}, true
	}
	f, ok := scenarios[name]
	return f, ok
}

// phase runs one measurement and reads the server's CPU time and peak
// RSS around it.
func (d *driver) phase(ctx context.Context, ph Phase, f op) Result {
	rec := newRecorder()
	res := Result{Phase: ph}
	// The floor runs in the harness's process: its CPU is that process's.
	pid := d.plan.ServerPID
	if ph.Scenario == "floor" && d.plan.FloorPID != 0 {
		pid = d.plan.FloorPID
	}
	cpu0, db0 := cpuSeconds(pid), treeCPU(d.plan.PostmasterPID)
	rss := watchRSS(pid)
	start := time.Now()
	if ph.Rate > 0 {
		res.Late = d.openLoop(ctx, ph, f, rec)
	} else {
		d.closedLoop(ctx, ph, f, rec)
	}
	elapsed := time.Since(start)
	res.PeakRSSMB = rss.end()
	res.ServerCPU = round2(cpuSeconds(pid) - cpu0)
	res.DBCPU = round2(treeCPU(d.plan.PostmasterPID) - db0)
	rec.result(&res, elapsed)
	return res
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// closedLoop runs Concurrency virtual users, each sending its next request
// as soon as the previous one is answered, until the phase's time is up.
func (d *driver) closedLoop(ctx context.Context, ph Phase, f op, rec *recorder) {
	ctx, cancel := context.WithTimeout(ctx, ph.Duration)
	defer cancel()
	var wg sync.WaitGroup
	for i := range max(1, ph.Concurrency) {
		wg.Go(func() {
			v := &vu{i: i, of: ph.Concurrency, rng: mrand.New(mrand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))}
			for ctx.Err() == nil {
				// Requests still run on the parent context: one cut off by
				// the phase's end would count as an error.
				f(d, context.WithoutCancel(ctx), v, rec, time.Now())
			}
		})
	}
	wg.Wait()
}

// openLoop sends requests at a fixed rate, whatever the answers' pace, and
// measures each from its scheduled instant, so a slow server cannot hide
// its queueing (no coordinated omission). It returns the late arrivals.
func (d *driver) openLoop(ctx context.Context, ph Phase, f op, rec *recorder) int {
	interval := time.Duration(float64(time.Second) / ph.Rate)
	n := int(ph.Duration / interval)
	slots := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	late := 0
	begin := time.Now()
	for k := range n {
		at := begin.Add(time.Duration(k) * interval)
		if wait := time.Until(at); wait > 0 {
			select {
			case <-ctx.Done():
				wg.Wait()
				return late
			case <-time.After(wait):
			}
		}
		select {
		case slots <- struct{}{}:
		default:
			late++
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			v := &vu{i: k, of: n, rng: mrand.New(mrand.NewPCG(uint64(k), uint64(at.UnixNano())))}
			f(d, ctx, v, rec, at)
		})
	}
	wg.Wait()
	return late
}

func discard(resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}
