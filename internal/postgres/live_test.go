package postgres_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// changeReader reads the ticket changes as the live-update hub does,
// collecting the desks each read reported for the first time. (A change at
// or above the horizon comes back on the next read; transactions of the
// other tests' databases, running on the same server, hold the horizon too.)
type changeReader struct {
	t     *testing.T
	d     *desk
	since int64
	seen  map[[2]int64]bool
}

func (r *changeReader) read() []helpdesk.TenantID {
	r.t.Helper()
	if r.seen == nil {
		r.seen = map[[2]int64]bool{}
	}
	var got []helpdesk.TenantID
	horizon, err := r.d.s.TicketChangesSince(r.d.ctx(), r.since, func(tenant helpdesk.TenantID, xid int64) {
		assert.GreaterOrEqual(r.t, xid, r.since, "nothing below since")
		if k := [2]int64{int64(tenant), xid}; !r.seen[k] {
			r.seen[k] = true
			got = append(got, tenant)
		}
	})
	require.NoError(r.t, err)
	require.Positive(r.t, horizon)
	require.GreaterOrEqual(r.t, horizon, r.since, "the horizon never goes back")
	r.since = horizon
	return got
}

// A change is reported once its transaction commits, even when it took its
// transaction id before a change that committed and was read earlier: the
// reader re-reads from the oldest transaction still running.
func TestTicketChangesAreReadInCommitOrder(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a, b := newDesk(t, pool, "acme"), newDesk(t, pool, "beta")
	first := a.openFor(t, a.cust, "Primero")
	r := &changeReader{t: t, d: a}
	assert.Empty(t, r.read(), "a first read reports nothing, only where to start")
	// The reads after it may report "Primero" still, while a transaction
	// of another test that began before it runs.
	require.Eventually(t, func() bool { return len(r.read()) == 0 }, 5*time.Second, 10*time.Millisecond)
	assert.Empty(t, r.read(), "nothing changed")

	// A slow change of acme's ticket takes its transaction id first…
	ctx := a.ctx()
	slow, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = slow.Rollback(ctx) }()
	_, err = slow.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(a.tenant.ID), 10))
	require.NoError(t, err)
	_, err = slow.Exec(ctx, `UPDATE tickets SET subject = 'Primero (cambiado)' WHERE tenant_id = $1 AND id = $2`, a.tenant.ID, first.ID)
	require.NoError(t, err)

	// …then beta's ticket is created and committed: read at once, with the
	// slow one still invisible.
	b.openFor(t, b.cust, "De beta")
	assert.Equal(t, []helpdesk.TenantID{b.tenant.ID}, r.read())

	// The slow one commits: the next read has it.
	require.NoError(t, slow.Commit(ctx))
	assert.Equal(t, []helpdesk.TenantID{a.tenant.ID}, r.read())
	assert.Empty(t, r.read(), "nothing new")

	// A rolled-back change is never reported.
	rollBack := errors.New("roll back")
	require.ErrorIs(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(a.tenant.ID), 10))
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `UPDATE tickets SET subject = 'Nunca' WHERE tenant_id = $1 AND id = $2`, a.tenant.ID, first.ID)
		require.NoError(t, err)
		return rollBack
	}), rollBack)
	assert.Empty(t, r.read())
}

// The application role reaches the changes only through the functions: it
// can neither read which desks changed nor write a change of its own.
func TestTicketChangesAreNotTheApplicationsToRead(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	a.openFor(t, a.cust, "Primero")
	ctx := context.Background()
	for _, sql := range []string{
		`SELECT count(*) FROM live.ticket_changes`,
		`INSERT INTO live.ticket_changes (tenant_id) VALUES (1)`,
		`DELETE FROM live.ticket_changes`,
		`SELECT record_ticket_changes()`,
	} {
		_, err := pool.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, sql)
		assert.Equal(t, "42501", pgErr.Code, "%s: %s", sql, pgErr.Message)
	}

	// Pruning keeps what is younger than asked.
	n, err := a.s.PruneTicketChanges(ctx, time.Hour)
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = a.s.PruneTicketChanges(ctx, -time.Hour) // everything is older than an hour from now
	require.NoError(t, err)
	assert.Positive(t, n)
	r := &changeReader{t: t, d: a, since: 1}
	assert.Empty(t, r.read(), "pruned")
}
