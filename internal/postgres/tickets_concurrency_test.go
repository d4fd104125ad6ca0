package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestCreationsOfOneDeskDoNotWaitForEachOther: while another transaction
// holds every counter row of the desk (its sidebar counts and its report
// rollup, as a creation still in flight does) and has taken a ticket
// number, a new ticket of the same desk is created at once
// (migrations/00045, 00046); once both commit, the counts and the rollup
// equal what the tickets say, and the numbers differ.
func TestCreationsOfOneDeskDoNotWaitForEachOther(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	d := newDesk(t, pool, "sin-colas")
	first := d.openFor(t, d.cust, "La impresora no imprime")
	seed := d.clock.Now().UnixNano()

	ctx := d.ctx()
	held, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = held.Rollback(ctx) }()
	var taken int64
	_, err = held.Exec(ctx, `SELECT set_config('app.tenant_id', $1::bigint::text, true)`, int64(d.tenant.ID))
	require.NoError(t, err)
	require.NoError(t, held.QueryRow(ctx, `SELECT next_ticket_number($1)`, int64(d.tenant.ID)).Scan(&taken))
	var rows int
	require.NoError(t, held.QueryRow(ctx, `SELECT (SELECT count(*) FROM (SELECT FROM ticket_counts WHERE tenant_id = $1 FOR UPDATE) c)
		+ (SELECT count(*) FROM (SELECT FROM report_daily WHERE tenant_id = $1 FOR UPDATE) r)`, int64(d.tenant.ID)).Scan(&rows))
	require.Positive(t, rows, "the first ticket made counter rows to hold")

	quick, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	second, err := d.svc.OpenTicket(quick, d.cust.Actor(), helpdesk.NewTicket{
		Subject: "Sigue sin imprimir", Description: "Nada sale.", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err, "the second creation waited on the first's rows")
	require.NoError(t, held.Commit(ctx))

	assert.NotEqual(t, first.Number, second.Number)
	assert.NotEqual(t, helpdesk.TicketNumber(taken), second.Number)
	assert.Greater(t, int64(second.Number), taken, "numbers rise in the order they were taken")
	got, err := d.s.CountTickets(ctx, d.tenant.ID, []helpdesk.TicketFilter{{}, {Statuses: []helpdesk.Status{helpdesk.StatusNew}}})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 2}, got, "every ticket counted once, over the slots")
	var slots int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT max(slot) FROM ticket_counts WHERE tenant_id = $1`, int64(d.tenant.ID)).Scan(&slots)
	}))
	assert.Equal(t, 1, slots, "the second creation wrote a slot of its own")
	assertRollupExact(t, d, uint64(seed))
}

// A desk's number cannot be taken from another desk's transaction: the
// sequences have no row-level security, so next_ticket_number checks.
func TestTicketNumbersOfAnotherDeskAreRefused(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a, b := newDesk(t, pool, "numeros-a"), newDesk(t, pool, "numeros-b")
	err := a.tx(func(tx pgx.Tx) error {
		var n int64
		return tx.QueryRow(a.ctx(), `SELECT next_ticket_number($1)`, int64(b.tenant.ID)).Scan(&n)
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "42501", "insufficient_privilege")
	err = a.tx(func(tx pgx.Tx) error {
		_, err := tx.Exec(a.ctx(), `SELECT nextval('ticket_numbers.t' || $1::bigint)`, int64(b.tenant.ID))
		return err
	})
	require.Error(t, err, "the application role has no right on the sequences themselves")
}

// Two writers that find every slot of a count held open the same new slot
// at once: the second waits for the first, inserts nothing, and adds to a
// slot on its next round (migrations/00046); nothing is lost or doubled.
func TestCounterSlotOpenedTwiceAtOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	d := newDesk(t, pool, "ranuras")
	ctx := d.ctx()
	begin := func() pgx.Tx {
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		t.Cleanup(func() { _ = tx.Rollback(ctx) })
		_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1::bigint::text, true)`, int64(d.tenant.ID))
		require.NoError(t, err)
		return tx
	}
	add := func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT ticket_counts_add($1, 'on_hold', NULL, NULL, 1)`, int64(d.tenant.ID))
		return err
	}
	// The key's first slot exists (two first writers of a key do wait:
	// both open slot 0).
	require.NoError(t, d.tx(func(tx pgx.Tx) error { return add(tx) }))
	first, second, third := begin(), begin(), begin()
	require.NoError(t, add(first))  // slot 0, held
	require.NoError(t, add(second)) // slot 1, held and not yet visible
	done := make(chan error, 1)
	go func() { done <- add(third) }() // also opens slot 1: waits for second
	select {
	case err := <-done:
		t.Fatalf("the third writer did not wait for the slot the second opened: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	require.NoError(t, second.Commit(ctx))
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the third writer never added its count")
	}
	require.NoError(t, third.Commit(ctx))
	require.NoError(t, first.Commit(ctx))
	var n, slots int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT sum(n), count(*) FROM ticket_counts WHERE tenant_id = $1 AND status = 'on_hold'`,
			int64(d.tenant.ID)).Scan(&n, &slots)
	}))
	assert.Equal(t, 4, n)
	assert.Equal(t, 2, slots)
}
