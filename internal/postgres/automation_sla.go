package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// slaTicketsEventsSQL reads the clock events of several tickets through
// sla_clock_events_ticket, in each ticket's order.
const slaTicketsEventsSQL = `SELECT ` + slaClockEventCols + `
	FROM sla_clock_events WHERE tenant_id = $1 AND ticket_id = ANY($2::bigint[]) ORDER BY ticket_id, id`

// SLATicketsState reads the SLA setup and the clock events of tickets in
// one round trip: what a rule preview needs to read the SLA state of the
// tickets it looks at.
func (s *Store) SLATicketsState(ctx context.Context, tenant helpdesk.TenantID, tickets []helpdesk.TicketID) (helpdesk.SLASetup, []helpdesk.ClockEvent, error) {
	ids := make([]int64, len(tickets))
	for i, t := range tickets {
		ids[i] = int64(t)
	}
	var r setupReader
	var evs []helpdesk.ClockEvent
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		r.queue(b, tenant)
		b.Queue(slaTicketsEventsSQL, int64(tenant), ids).Query(func(rows pgx.Rows) error {
			var err error
			evs, err = pgx.CollectRows(rows, scanClockEvent)
			return err
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return helpdesk.SLASetup{}, nil, mapErr(err, "SLA state of %d tickets", len(tickets))
	}
	return r.done(), evs, nil
}
