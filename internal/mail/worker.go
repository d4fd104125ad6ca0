package mail

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
)

// Worker works the mail jobs (jobs.MailJob) on River: it processes
// received messages and delivers the outbox. Each job is inserted in the
// transaction that wrote its row, so it exists exactly when the row does;
// River works it once even with several servers, and a job whose server
// died is rescued and worked again. A failing message is retried with
// backoff and never holds up the others; after its last attempt it is
// marked failed with the reason, for the mail log, where an admin may
// retry it.
type Worker struct {
	Inbound  *Processor
	Outbound *Deliverer
	Store    OutcomeStore
	Log      *slog.Logger
	// Backoff is the delay before retry n (0-based); nil uses DefaultBackoff.
	Backoff func(attempt int) time.Duration
	// MaxInbound and MaxOutbound are the attempts before a message is
	// marked failed.
	MaxInbound, MaxOutbound int
}

// DefaultBackoff doubles from 30 seconds up to an hour.
func DefaultBackoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 0; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// NewWorker returns a worker with the default limits: 5 attempts to process
// a received message, 12 to deliver one (about a day of retries).
func NewWorker(store OutcomeStore, in *Processor, out *Deliverer, log *slog.Logger) *Worker {
	return &Worker{Store: store, Inbound: in, Outbound: out, Log: log, MaxInbound: 5, MaxOutbound: 12}
}

// RegisterJobs adds the mail worker to the background jobs.
func RegisterJobs(reg *jobs.Registry, w *Worker) {
	river.AddWorker(reg.Workers(), &riverWorker{w: w})
}

type riverWorker struct {
	river.WorkerDefaults[jobs.MailJob]
	w *Worker
}

func (rw *riverWorker) Work(ctx context.Context, j *river.Job[jobs.MailJob]) error {
	return rw.w.Handle(ctx, j.Args, j.Attempt)
}

func (rw *riverWorker) NextRetry(j *river.Job[jobs.MailJob]) time.Time {
	return time.Now().Add(rw.w.backoff(j.Attempt - 1))
}

func (w *Worker) backoff(attempt int) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(attempt)
	}
	return DefaultBackoff(attempt)
}

// Handle works one mail job; attempt counts from 1. An error asks River to
// retry; a cancelled job (the last attempt, or a permanent failure) has
// already been recorded as failed.
func (w *Worker) Handle(ctx context.Context, j jobs.MailJob, attempt int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = w.fail(ctx, j, attempt, fmt.Errorf("panic: %v", r), false)
		}
	}()
	switch j.Mail {
	case "inbound":
		if _, err := w.Inbound.Process(ctx, j.Tenant, helpdesk.InboundMailID(j.ID)); err != nil {
			return w.fail(ctx, j, attempt, err, false)
		}
	case "outbound":
		state, err := w.Outbound.Deliver(ctx, j.Tenant, helpdesk.OutboundMailID(j.ID))
		if err != nil {
			return w.fail(ctx, j, attempt, err, Permanent(err))
		}
		// A sent message was recorded by Deliver the moment the relay took it.
		if state == helpdesk.OutboundLocal {
			if err := w.Store.FinishOutboundMail(ctx, j.Tenant, helpdesk.OutboundMailID(j.ID), state, "", time.Now().UTC()); err != nil {
				return err // retried: Deliver sees the state and sends nothing twice unless the record failed
			}
		}
	case "guest_request":
		if err := w.Inbound.Service.ResolveGuestLinkRequest(ctx, j.Tenant, j.ID); err != nil {
			if attempt >= w.MaxInbound {
				return river.JobCancel(err)
			}
			return err
		}
	default:
		return river.JobCancel(fmt.Errorf("mail: unknown job %q", j.Mail))
	}
	return nil
}

// fail records a failed attempt and returns what River should do: retry,
// or stop (the message is then failed for good; an admin may retry it).
func (w *Worker) fail(ctx context.Context, j jobs.MailJob, attempt int, cause error, permanent bool) error {
	if ctx.Err() != nil {
		return cause // shutting down: River retries it later
	}
	var final bool
	var err error
	switch j.Mail {
	case "inbound":
		final = permanent || attempt >= w.MaxInbound
		err = w.Store.FailInboundMail(ctx, j.Tenant, helpdesk.InboundMailID(j.ID), cause.Error(), final)
	case "outbound":
		final = permanent || attempt >= w.MaxOutbound
		state := helpdesk.OutboundQueued
		if final {
			state = helpdesk.OutboundFailed
		}
		err = w.Store.FinishOutboundMail(ctx, j.Tenant, helpdesk.OutboundMailID(j.ID), state, cause.Error(), time.Now().UTC())
	}
	w.Log.WarnContext(ctx, "mail attempt failed", "mail", j.Mail, "tenant", j.Tenant, "id", j.ID, "attempt", attempt, "final", final, "err", cause)
	if err != nil {
		w.Log.ErrorContext(ctx, "mail: record failure", "mail", j.Mail, "tenant", j.Tenant, "id", j.ID, "err", err)
	}
	if final {
		return river.JobCancel(cause)
	}
	return cause
}
