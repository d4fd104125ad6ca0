package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
)

// TenantsPerIMAPJob is how many desks one IMAP poll job visits. A mailbox
// may take seconds (a slow server, the 30 s dial timeout), so batches are
// smaller than the ticket timers' to stay well inside River's job timeout,
// and several servers share the batches.
const TenantsPerIMAPJob = 10

// IMAPSweepArgs is the periodic job that fans the polling out: one
// IMAPPollArgs per batch of desks with IMAP on.
type IMAPSweepArgs struct{}

// Kind names the job in the queue.
func (IMAPSweepArgs) Kind() string { return "imap_sweep" }

// IMAPPollArgs polls the mailboxes of a batch of desks, one after the
// other, each in its own tenant transactions.
type IMAPPollArgs struct {
	Tenants []helpdesk.TenantID `json:"tenants"`
}

// Kind names the job in the queue.
func (IMAPPollArgs) Kind() string { return "imap_poll" }

// RegisterIMAP polls the desks' mailboxes every interval (a minute in
// `atiende serve`): the leader schedules the sweep, which inserts one poll
// job per batch of desks, unique per batch and period.
func RegisterIMAP(reg *jobs.Registry, p *Poller, interval time.Duration) {
	river.AddWorker(reg.Workers(), &imapSweepWorker{p: p, interval: interval})
	river.AddWorker(reg.Workers(), &imapPollWorker{p: p})
	reg.Every("imap_poll", interval, func() river.JobArgs { return IMAPSweepArgs{} })
}

type imapSweepWorker struct {
	river.WorkerDefaults[IMAPSweepArgs]
	p        *Poller
	interval time.Duration
}

// Work inserts the batches. Were a batch polled twice at once (the desk
// list changed between two sweeps of one period), the mailbox's messages
// would still be stored once: each is a duplicate by its Message-ID.
func (w *imapSweepWorker) Work(ctx context.Context, _ *river.Job[IMAPSweepArgs]) error {
	ids, err := w.p.Store.IMAPTenants(ctx)
	if err != nil {
		return fmt.Errorf("imap sweep: %w", err)
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return fmt.Errorf("imap sweep: %w", err)
	}
	var params []river.InsertManyParams
	for len(ids) > 0 {
		n := min(len(ids), TenantsPerIMAPJob)
		params = append(params, river.InsertManyParams{
			Args: IMAPPollArgs{Tenants: ids[:n]},
			// One attempt: the next period polls again anyway.
			InsertOpts: &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: w.interval}},
		})
		ids = ids[n:]
	}
	for len(params) > 0 {
		n := min(len(params), 1000)
		if _, err := client.InsertMany(ctx, params[:n]); err != nil {
			return fmt.Errorf("imap sweep: insert: %w", err)
		}
		params = params[n:]
	}
	return nil
}

type imapPollWorker struct {
	river.WorkerDefaults[IMAPPollArgs]
	p *Poller
}

func (w *imapPollWorker) Work(ctx context.Context, j *river.Job[IMAPPollArgs]) error {
	return w.p.PollTenants(ctx, j.Args.Tenants)
}
