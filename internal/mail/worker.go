package mail

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/postgres"
)

// Worker drains the mail queue (mail_queue): it processes received
// messages and delivers the outbox. Any number of servers may run one: a
// claimed item is leased, so only one works on it, and an item whose
// server died is taken again when its lease ends. Each item is handled in
// its own tenant-bound transactions; a failing item is retried with
// backoff and never holds up the others.
type Worker struct {
	Store    *postgres.Store
	Inbound  *Processor
	Outbound *Deliverer
	Log      *slog.Logger
	// Poll is how often the queue is read when nothing woke the worker.
	Poll time.Duration
	// Lease is how long a claimed item is left to this worker.
	Lease time.Duration
	// Backoff is the delay before retry n (0-based); nil uses DefaultBackoff.
	Backoff func(attempt int) time.Duration
	// MaxInbound and MaxOutbound are the attempts before a message is
	// marked failed (an admin may retry it from the mail log).
	MaxInbound, MaxOutbound int

	wake chan struct{}
}

// DefaultBackoff doubles from 30 seconds up to an hour.
func DefaultBackoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 0; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// NewWorker returns a worker with the default timings.
func NewWorker(store *postgres.Store, in *Processor, out *Deliverer, log *slog.Logger) *Worker {
	return &Worker{Store: store, Inbound: in, Outbound: out, Log: log, Poll: 5 * time.Second,
		Lease: 5 * time.Minute, MaxInbound: 5, MaxOutbound: 12, wake: make(chan struct{}, 1)}
}

// Wake asks the worker to look at the queue now.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		for {
			n, err := w.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.Log.WarnContext(ctx, "mail queue", "err", err)
			}
			if n == 0 || err != nil || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunOnce claims and handles one batch; it returns how many items it took.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	jobs, err := w.Store.ClaimMailJobs(ctx, 20, w.Lease)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break // the leases make the rest due again later
		}
		w.handle(ctx, j)
	}
	return len(jobs), nil
}

func (w *Worker) backoff(attempt int) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(attempt)
	}
	return DefaultBackoff(attempt)
}

func (w *Worker) handle(ctx context.Context, j postgres.MailJob) {
	defer func() {
		if r := recover(); r != nil {
			w.fail(ctx, j, fmt.Errorf("panic: %v", r), false)
		}
	}()
	switch j.Kind {
	case "inbound":
		_, err := w.Inbound.Process(ctx, j.Tenant, helpdesk.InboundMailID(j.ID))
		if err != nil {
			w.fail(ctx, j, err, false)
		}
	case "outbound":
		state, err := w.Outbound.Deliver(ctx, j.Tenant, helpdesk.OutboundMailID(j.ID))
		if err != nil {
			w.fail(ctx, j, err, Permanent(err))
			return
		}
		if state == helpdesk.OutboundSent || state == helpdesk.OutboundLocal {
			now := time.Now().UTC()
			if err := w.Store.FinishOutboundMail(ctx, j.Tenant, helpdesk.OutboundMailID(j.ID), state, "", true, now, now); err != nil {
				w.Log.ErrorContext(ctx, "mail: record delivery", "tenant", j.Tenant, "id", j.ID, "err", err)
			}
		}
	}
}

// fail records a failed attempt: retried with backoff until the maximum,
// then failed for good (an admin may retry).
func (w *Worker) fail(ctx context.Context, j postgres.MailJob, cause error, permanent bool) {
	if ctx.Err() != nil {
		return // shutting down: the lease brings it back
	}
	next := time.Now().UTC().Add(w.backoff(j.Attempts))
	var err error
	switch j.Kind {
	case "inbound":
		final := permanent || j.Attempts+1 >= w.MaxInbound
		err = w.Store.FailInboundMail(ctx, j.Tenant, helpdesk.InboundMailID(j.ID), cause.Error(), final, next)
	case "outbound":
		final := permanent || j.Attempts+1 >= w.MaxOutbound
		state := helpdesk.OutboundQueued
		if final {
			state = helpdesk.OutboundFailed
		}
		err = w.Store.FinishOutboundMail(ctx, j.Tenant, helpdesk.OutboundMailID(j.ID), state, cause.Error(), final, time.Now().UTC(), next)
	}
	w.Log.WarnContext(ctx, "mail attempt failed", "kind", j.Kind, "tenant", j.Tenant, "id", j.ID, "attempt", j.Attempts+1, "err", cause)
	if err != nil {
		w.Log.ErrorContext(ctx, "mail: record failure", "kind", j.Kind, "tenant", j.Tenant, "id", j.ID, "err", err)
	}
}
