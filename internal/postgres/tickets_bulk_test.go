package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func TestBulkReportsEachTicketsOutcome(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx, ana := d.ctx(), d.agent.Actor()
	a := d.openFor(t, d.cust, "La impresora no imprime")
	b := d.openFor(t, d.cust, "Tampoco escanea")
	c := d.openFor(t, d.cust, "Ni fotocopia")

	res, err := d.svc.Bulk(ctx, ana, helpdesk.BulkRequest{Action: helpdesk.BulkMerge, Target: a.Number, Tickets: []helpdesk.TicketVersion{
		{Number: a.Number}, {Number: b.Number}, {Number: c.Number, Version: c.Version + 5}, {},
	}})
	require.NoError(t, err)
	var got []helpdesk.BulkOutcome
	for _, o := range res.Tickets {
		got = append(got, o.Outcome)
	}
	assert.Equal(t, []helpdesk.BulkOutcome{helpdesk.BulkSkipped, helpdesk.BulkDone, helpdesk.BulkRefused, helpdesk.BulkRefused}, got,
		"the target stays, a stale version and an unreadable selection are refused")
	assert.Equal(t, 1, res.Done())
	assert.ErrorIs(t, res.Tickets[2].Err, helpdesk.ErrConflict)
	var v *helpdesk.ValidationError
	assert.ErrorAs(t, res.Tickets[3].Err, &v)
	assert.Len(t, res.Refused(), 2)

	for name, req := range map[string]helpdesk.BulkRequest{
		"tickets": {Action: helpdesk.BulkTake},
		"action":  {Action: "paint", Tickets: []helpdesk.TicketVersion{{Number: c.Number}}},
		"target":  {Action: helpdesk.BulkMerge, Target: 9999, Tickets: []helpdesk.TicketVersion{{Number: c.Number}}},
		"tag":     {Action: helpdesk.BulkTag, Tag: "  ", Tickets: []helpdesk.TicketVersion{{Number: c.Number}}},
	} {
		_, err := d.svc.Bulk(ctx, ana, req)
		require.ErrorAs(t, err, &v, name)
		assert.Contains(t, v.Fields, name, "a request refused as a whole names its field")
	}
	many := make([]helpdesk.TicketVersion, helpdesk.MaxBulk+1)
	_, err = d.svc.Bulk(ctx, ana, helpdesk.BulkRequest{Action: helpdesk.BulkTake, Tickets: many})
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "console.bulk.too_many", v.Fields["tickets"])
	assert.Zero(t, d.staffTicket(t, c.Number).Assignee, "nothing changed")
}
