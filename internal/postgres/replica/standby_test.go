// Package replica_test reads reports from a real streaming standby. It is
// a package of its own so that its throwaway server carries only this
// test's writes: the standby then replays a few megabytes, not every
// database the store's other tests clone at the same time.
package replica_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// desk is a tenant with an admin, an agent and a customer, its service on
// a clock the test moves.
type desk struct {
	s                  *postgres.Store
	svc                *helpdesk.Service
	now                time.Time
	tenant             helpdesk.Tenant
	admin, agent, cust helpdesk.User
}

var hasher = password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4)

func newDesk(t *testing.T, pool *pgxpool.Pool, slug string) *desk {
	t.Helper()
	ctx := context.Background()
	d := &desk{s: postgres.New(pool), now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	d.svc = helpdesk.NewService(d.s, hasher, d.clock)
	var err error
	d.tenant, d.admin, err = d.s.CreateTenant(ctx, helpdesk.Tenant{Slug: slug, Name: "Desk " + slug, Language: "es", TimeZone: "Europe/Madrid"},
		helpdesk.User{Email: "admin@" + slug + ".example", Name: "Admin", Role: helpdesk.RoleAdmin, Active: true})
	require.NoError(t, err)
	user := func(email string, role helpdesk.Role) helpdesk.User {
		u, err := d.s.CreateUser(ctx, d.tenant.ID, helpdesk.User{Email: email + "@" + slug + ".example", Name: email, Role: role, Active: true})
		require.NoError(t, err)
		return u
	}
	d.agent, d.cust = user("agente", helpdesk.RoleAgent), user("cliente", helpdesk.RoleCustomer)
	return d
}

func (d *desk) clock() time.Time { return d.now }

func (d *desk) open(t *testing.T, subject string) helpdesk.Ticket {
	t.Helper()
	tk, err := d.svc.OpenTicket(context.Background(), d.cust.Actor(),
		helpdesk.NewTicket{Subject: subject, Description: "Descripción de " + subject, Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	return tk
}

// TestReportsReadFromAHotStandby starts a real streaming standby of the
// test server (pg_basebackup), writes tickets on the primary, waits for
// the standby to replay them and reads the overview from it, as serve does
// with ATIENDE_REPORTS_DATABASE_URL; row-level security still binds the
// standby's connections to one tenant.
func TestReportsReadFromAHotStandby(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	d := newDesk(t, pool, "acme")
	other := newDesk(t, pool, "vecina")
	began := time.Now()
	standby, err := pgxpool.New(ctx, pgtest.Standby(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	t.Cleanup(standby.Close)
	t.Logf("standby ready in %s", time.Since(began))
	var recovering bool
	require.NoError(t, standby.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&recovering))
	require.True(t, recovering, "a standby, not a copy")

	// Written on the primary after the copy was taken: only replication
	// brings them to the standby.
	for range 3 {
		tk := d.open(t, "Sin conexión")
		d.now = d.now.Add(time.Hour)
		_, err := d.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
			CommentInput: helpdesk.CommentInput{Body: "Revisado"}, Public: true, Status: helpdesk.StatusSolved})
		require.NoError(t, err)
	}
	other.open(t, "Otra mesa")
	pgtest.WaitReplay(t, pool, standby)

	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	from, to, err := helpdesk.ResolvePeriod(helpdesk.Period7Days, "", "", madrid, d.now)
	require.NoError(t, err)
	f := helpdesk.ReportFilter{From: from, To: to, Location: madrid}
	svc := helpdesk.NewService(d.s, hasher, d.clock, helpdesk.WithReportReader(postgres.New(standby)))
	o, err := svc.ReportOverview(ctx, d.admin.Actor(), f)
	require.NoError(t, err)
	assert.Equal(t, 3, o.Current.Created)
	assert.Equal(t, 3, o.Current.Solved)
	assert.Equal(t, 3, o.Current.FCR)
	assert.Equal(t, time.Hour, o.Current.FirstReply.Median.Calendar)

	// Row-level security on the standby: no tenant, nothing; a tenant, its
	// rows only.
	var n int
	require.NoError(t, standby.QueryRow(ctx, `SELECT count(*) FROM ticket_metrics`).Scan(&n))
	assert.Zero(t, n)
	require.NoError(t, pgx.BeginFunc(ctx, standby, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1::bigint::text, true)`, int64(other.tenant.ID)); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ticket_metrics`).Scan(&n); err != nil {
			return err
		}
		var foreign, own int
		err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE tenant_id <> $1), count(*) FROM report_daily`,
			int64(other.tenant.ID)).Scan(&foreign, &own)
		assert.Zero(t, foreign, "another desk's rollup rows")
		assert.Positive(t, own)
		return err
	}))
	assert.Equal(t, 1, n)
}
