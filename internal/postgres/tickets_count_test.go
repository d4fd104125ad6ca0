package postgres_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestCountAllIsEveryTicket: the unfiltered count comes from the tenant's
// ticket counter, not from a scan; it must equal the real number of
// tickets, merged ones included, in each tenant.
func TestCountAllIsEveryTicket(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a, b := newDesk(t, pool, "cuenta-a"), newDesk(t, pool, "cuenta-b")
	ctx := a.ctx()
	counts, err := a.s.CountTickets(ctx, a.tenant.ID, []helpdesk.TicketFilter{{}})
	require.NoError(t, err)
	assert.Equal(t, []int{0}, counts, "a desk with no tickets")

	first := a.openFor(t, a.cust, "La impresora no imprime")
	second := a.openFor(t, a.cust, "La impresora sigue sin imprimir")
	a.openFor(t, a.cust, "No recibo el correo")
	b.openFor(t, b.cust, "Otro desk")
	_, err = a.svc.Merge(ctx, a.agent.Actor(), at(second), first.Number)
	require.NoError(t, err)

	var real int
	require.NoError(t, a.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM tickets WHERE tenant_id = $1`, int64(a.tenant.ID)).Scan(&real)
	}))
	counts, err = a.s.CountTickets(ctx, a.tenant.ID, []helpdesk.TicketFilter{{}, {Statuses: []helpdesk.Status{helpdesk.StatusNew}}})
	require.NoError(t, err)
	assert.Equal(t, 3, real)
	assert.Equal(t, real, counts[0], "the count of every ticket includes the merged one")
	counts, err = b.s.CountTickets(ctx, b.tenant.ID, []helpdesk.TicketFilter{{}})
	require.NoError(t, err)
	assert.Equal(t, []int{1}, counts, "each tenant counts its own")
}
