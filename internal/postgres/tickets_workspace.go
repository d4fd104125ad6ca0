package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// requesterTicketsSQL lists the most recent tickets of ticket @number's
// requester, as the queue lists them (summaryColumns, the default sort's
// index). A guest's ticket has no requester_id: nothing.
var requesterTicketsSQL = `SELECT ` + summaryColumns + `
FROM tickets t
WHERE t.tenant_id = @tenant
	AND t.requester_id = (SELECT requester_id FROM tickets WHERE tenant_id = @tenant AND number = @number)
ORDER BY ` + keysets[helpdesk.DefaultSort].order + `
LIMIT @limit`

// callOfNumberSQL is TicketCall's statement for ticket @number.
const callOfNumberSQL = `SELECT c.caller_number, c.started_at, c.duration_seconds, coalesce(c.agent_id, 0), coalesce(u.name, '')
FROM ticket_calls c LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.agent_id
WHERE c.tenant_id = @tenant AND c.ticket_id = ` + ticketOfNumber

// TicketWorkspace reads a ticket page in one batch: the ticket first, then
// every other statement naming it by number (ticketOfNumber), so that the
// page costs one round trip and the ticket row is read once, with the
// presence report written in the same (implicit) transaction.
func (s *Store) TicketWorkspace(ctx context.Context, tenant helpdesk.TenantID, r helpdesk.WorkspaceRead) (helpdesk.WorkspaceReads, error) {
	var out helpdesk.WorkspaceReads
	args := visitArgs(tenant, r.Number, r.Visit)
	args["public_only"] = false
	args["limit"] = helpdesk.RequesterTicketsShown + 1
	b := &pgx.Batch{}
	b.Queue(ticketSelect, args).QueryRow(func(row pgx.Row) error {
		var err error
		out.Ticket, err = scanTicket(row, tenant)
		return err
	})
	tl := timelineReader{ticket: &out.Ticket.ID}
	tl.queue(b, timelineByNumber, args, true)
	var setup setupReader
	queueSLACSAT(b, tenant, args, &out.Ticket.ID, &setup, &out.Clock, &out.CSAT)
	b.Queue(requesterTicketsSQL, args).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			t, err := scanSummary(rows)
			if err != nil {
				return err
			}
			out.RequesterTickets = append(out.RequesterTickets, t)
		}
		return rows.Err()
	})
	b.Queue(callOfNumberSQL, args).QueryRow(func(row pgx.Row) error {
		c, err := scanCall(row)
		switch {
		case err == nil:
			out.Call = &c
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		return nil
	})
	queueVisit(b, args, r.Visit, &out.Visited)
	queueWorkspaceChoices(b, tenant, r.Visit.User, args, &out.Choices)
	if r.SavedViews {
		queueSavedViews(b, tenant, r.Visit.User, &out.SavedViews)
	}
	if err := s.sendBatch(ctx, tenant, b); err != nil {
		return helpdesk.WorkspaceReads{}, mapErr(err, "workspace of ticket %s", r.Number)
	}
	out.Timeline, out.SLA = tl.entries(), setup.done()
	return out, nil
}
