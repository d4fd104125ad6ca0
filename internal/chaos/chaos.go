// Package chaos is Atiende's fault-injection suite (make chaos): it runs
// `atiende serve` over its own durable PostgreSQL cluster, drives
// concurrent ticket creation through the portal, mail intake over SMTP and
// notification delivery to a loopback relay, and meanwhile kills the
// server with SIGKILL and stops PostgreSQL in immediate mode (a crash).
// Clients retry what was not acknowledged, as browsers and mail servers
// do. Afterwards it counts, from the database and the relay, what was
// tried, acknowledged, lost and duplicated.
package chaos

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// Options size a run.
type Options struct {
	Atiende    string        // path of the atiende binary
	Duration   time.Duration // how long new work starts and faults happen
	FaultEvery time.Duration // time between faults, alternating server and database
	Portal     int           // concurrent portal clients
	Mailers    int           // concurrent SMTP senders
	Log        io.Writer     // the server's and PostgreSQL's output; nil discards
}

// Run runs the suite and returns its counts.
func Run(ctx context.Context, o Options) (Report, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	log := slog.New(slog.NewTextHandler(o.Log, nil))
	bin, err := filepath.Abs(o.Atiende)
	if err != nil {
		return Report{}, err
	}
	if _, err := os.Stat(bin); err != nil {
		return Report{}, fmt.Errorf("chaos: atiende binary: %w", err)
	}
	db, err := startDB(ctx)
	if err != nil {
		return Report{}, err
	}
	defer db.destroy()
	relay, err := startRelay()
	if err != nil {
		return Report{}, err
	}
	defer relay.close()
	srv, err := newServer(bin, db, relay.addr, o.Log)
	if err != nil {
		return Report{}, err
	}
	if err := srv.prepare(ctx); err != nil {
		return Report{}, err
	}
	if err := srv.start(ctx); err != nil {
		return Report{}, err
	}
	defer srv.kill()
	customers, err := createCustomers(ctx, db, o.Portal*customersPerClient)
	if err != nil {
		return Report{}, err
	}

	l := newLoad(srv, customers)
	loadCtx, stopLoad := context.WithTimeout(ctx, o.Duration)
	defer stopLoad()
	done := l.run(loadCtx, ctx, o.Portal, o.Mailers)
	var faultTimes []time.Time
	faults := injectFaults(loadCtx, srv, db, o.FaultEvery, log, &faultTimes)
	<-loadCtx.Done()
	<-faults
	// The database and the server run again; clients finish their retries.
	if err := db.ensureUp(ctx); err != nil {
		return Report{}, err
	}
	if err := srv.ensureUp(ctx); err != nil {
		return Report{}, err
	}
	<-done
	quiet := time.Now()
	drained, err := waitDrained(ctx, db, 5*time.Minute)
	if err != nil {
		return Report{}, err
	}
	rep, err := count(ctx, db, l, relay)
	rep.Faults = srv.kills + db.stops
	rep.ServerKills, rep.DBStops = srv.kills, db.stops
	rep.DrainTime = drained.Sub(quiet)
	rep.Statuses = l.statusCounts()
	if err == nil {
		err = rescued(ctx, db, faultTimes, &rep)
	}
	return rep, err
}

// customersPerClient bounds each customer's tickets below the portal's
// per-user allowance (30 an hour).
const customersPerClient = 4

// injectFaults alternates a SIGKILL of the server and an immediate stop of
// PostgreSQL every interval until ctx ends, restarting each after a
// moment; the returned channel closes when it is done.
func injectFaults(ctx context.Context, srv *server, db *database, every time.Duration, log *slog.Logger, times *[]time.Time) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			bg := context.Background()
			*times = append(*times, time.Now())
			if i%2 == 0 {
				log.Info("fault: kill -9 server")
				srv.kill()
				time.Sleep(300 * time.Millisecond)
				if err := srv.start(bg); err != nil {
					log.Error("restart server", "err", err)
				}
			} else {
				log.Info("fault: immediate stop of PostgreSQL")
				db.crash()
				time.Sleep(2 * time.Second)
				if err := db.ensureUp(bg); err != nil {
					log.Error("restart PostgreSQL", "err", err)
				}
			}
		}
	}()
	return done
}
