package mail

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var testHasher = password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4)

var testSecret = []byte("0123456789abcdef0123456789abcdef-test")

// rig is a database with desks, the domain service and the mail parts.
type rig struct {
	pool    *pgxpool.Pool
	store   *postgres.Store
	svc     *helpdesk.Service
	signer  helpdesk.ThreadSigner
	proc    *Processor
	deliver *Deliverer
	worker  *Worker
	desks   map[string]helpdesk.Tenant
	agents  map[string]helpdesk.User
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newRig(t *testing.T, slugs ...string) *rig {
	t.Helper()
	return newRigWith(t, nil, slugs...)
}

// newRigWith is newRig with a service built with opts as well as email.
func newRigWith(t *testing.T, opts []helpdesk.Option, slugs ...string) *rig {
	t.Helper()
	pool := pgtest.New(t)
	r := &rig{pool: pool, store: postgres.New(pool), signer: helpdesk.NewThreadSigner(testSecret),
		desks: map[string]helpdesk.Tenant{}, agents: map[string]helpdesk.User{}}
	r.svc = helpdesk.NewService(r.store, testHasher, nil, append(opts, helpdesk.WithEmail(r.signer))...)
	r.proc = &Processor{Service: r.svc, Store: r.store, Log: quietLog()}
	r.deliver = &Deliverer{Service: r.svc, Store: r.store, Signer: r.signer, Domain: "localhost",
		BaseURL: "http://localhost:8080", Log: quietLog()}
	r.worker = NewWorker(r.store, r.proc, r.deliver, quietLog())
	for _, slug := range slugs {
		tn, _, err := r.store.CreateTenant(context.Background(),
			helpdesk.Tenant{Slug: slug, Name: "Desk " + slug, Language: "es", TimeZone: "Europe/Madrid", GuestTickets: true},
			helpdesk.User{Email: "admin@" + slug + ".example", Name: "Admin " + slug, Role: helpdesk.RoleAdmin, Active: true})
		require.NoError(t, err)
		r.desks[slug] = tn
		a, err := r.store.CreateUser(context.Background(), tn.ID, helpdesk.User{Email: "agente@" + slug + ".example",
			Name: "Ana Agente", Role: helpdesk.RoleAgent, Active: true})
		require.NoError(t, err)
		r.agents[slug] = a
	}
	return r
}

// receive stores raw for desk slug as the SMTP receiver does and processes
// it at once; dup reports a second delivery.
func (r *rig) receive(t *testing.T, slug string, raw []byte) (res helpdesk.InboundResult, dup bool) {
	t.Helper()
	ctx := context.Background()
	tn := r.desks[slug]
	m := helpdesk.InboundMail{MessageID: MessageID(raw), EnvelopeFrom: "sender@example.com", Raw: raw}
	m.From, m.Subject = Summary(raw)
	id, dup, err := r.svc.AcceptEmail(ctx, tn.ID, m)
	require.NoError(t, err)
	if dup {
		return helpdesk.InboundResult{Outcome: helpdesk.OutcomeDuplicate}, true
	}
	res, err = r.proc.Process(ctx, tn.ID, id)
	require.NoError(t, err)
	return res, false
}

// exec runs sql bound to desk slug's tenant.
func (r *rig) exec(t *testing.T, slug, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, itoa(int64(r.desks[slug].ID))); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sql, args...)
		return err
	}))
}

// count runs a count query bound to desk slug's tenant.
func (r *rig) count(t *testing.T, slug, sql string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	var n int
	require.NoError(t, pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, itoa(int64(r.desks[slug].ID))); err != nil {
			return err
		}
		return tx.QueryRow(ctx, sql, args...).Scan(&n)
	}))
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (r *rig) ticket(t *testing.T, slug string, n helpdesk.TicketNumber) helpdesk.Ticket {
	t.Helper()
	tk, err := r.svc.Ticket(context.Background(), helpdesk.System(r.desks[slug].ID), n)
	require.NoError(t, err)
	return tk
}

// outbox lists the kinds and recipients of desk slug's outbox, oldest first.
func (r *rig) outbox(t *testing.T, slug string) []helpdesk.OutboundMail {
	t.Helper()
	ms, err := r.store.OutboundMails(context.Background(), r.desks[slug].ID, 1000)
	require.NoError(t, err)
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms
}

// runJobs works the mail jobs on River while the test runs.
func (r *rig) runJobs(t *testing.T) {
	t.Helper()
	reg := jobs.NewRegistry()
	RegisterJobs(reg, r.worker)
	runner, err := jobs.Start(context.Background(), r.pool, quietLog(), reg, jobs.Options{Concurrency: 4, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = runner.Stop(ctx)
	})
}

// pendingJobs counts mail jobs not yet finished.
func (r *rig) pendingJobs(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, r.pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job
		WHERE kind = 'mail' AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n))
	return n
}

// drain waits until every mail job has been worked.
func (r *rig) drain(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for r.pendingJobs(t) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("mail jobs do not drain")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
