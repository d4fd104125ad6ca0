package postgres

import (
	"context"
	"time"

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

// workspaceScalarsSQL reads, in one row, what the ticket page shows of
// ticket @number as single values: the time logged on it, the desk's
// "require time", how many ratings its requester gave and their average
// (none for a guest), and its phone call if it has one. No row when there
// is no ticket @number.
const workspaceScalarsSQL = `SELECT
	coalesce((SELECT sum(e.minutes) FROM time_entries e WHERE e.tenant_id = x.tenant_id AND e.ticket_id = x.id), 0),
	coalesce((SELECT s.require_time FROM ticket_settings s WHERE s.tenant_id = x.tenant_id), false),
	r.rated, r.avg,
	c.ticket_id IS NOT NULL, coalesce(c.caller_number, ''), c.started_at, c.duration_seconds,
	coalesce(c.agent_id, 0), coalesce(u.name, '')
FROM tickets x
CROSS JOIN LATERAL (
	SELECT count(*)::int AS rated, coalesce(avg(s.rating), 0)::float8 AS avg
	FROM satisfaction_ratings s WHERE s.tenant_id = x.tenant_id AND s.rated_by = x.requester_id
) r
LEFT JOIN ticket_calls c ON c.tenant_id = x.tenant_id AND c.ticket_id = x.id
LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.agent_id
WHERE x.tenant_id = @tenant AND x.number = @number`

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
	b.Queue(workspaceScalarsSQL, args).QueryRow(func(row pgx.Row) error {
		return scanWorkspaceScalars(row, &out)
	})
	// Outside a transaction, a presence-only visit's commit setting rides
	// in the statement that binds the tenant: one statement fewer.
	v, bind := r.Visit, bindTenantSQL
	if s.tx == nil && v.Touch && v.PresenceOnly {
		v.PresenceOnly, bind = false, bindTenantAsyncSQL
	}
	queueVisit(b, args, v, &out.Visited)
	queueWorkspaceChoices(b, tenant, r.Visit.User, &out.Choices)
	if r.SavedViews {
		queueSavedViews(b, tenant, r.Visit.User, &out.SavedViews)
	}
	if err := s.sendBound(ctx, tenant, bind, b); err != nil {
		return helpdesk.WorkspaceReads{}, mapErr(err, "workspace of ticket %s", r.Number)
	}
	out.Timeline, out.SLA = tl.entries(), setup.done()
	return out, nil
}

// scanWorkspaceScalars reads workspaceScalarsSQL's row into out.
func scanWorkspaceScalars(row pgx.Row, out *helpdesk.WorkspaceReads) error {
	var hasCall bool
	var c helpdesk.PhoneCall
	var started *time.Time
	var dur *int32
	var agent int64
	err := row.Scan(&out.Choices.Minutes, &out.Choices.RequireTime, &out.CSAT.RequesterRated, &out.CSAT.RequesterAvg,
		&hasCall, &c.CallerNumber, &started, &dur, &agent, &c.AgentName)
	if err != nil {
		return err
	}
	if hasCall {
		callTimes(&c, started, dur, agent)
		out.Call = &c
	}
	return nil
}
