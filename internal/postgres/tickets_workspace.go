package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// requesterTicketsSQL lists the most recent tickets of ticket @number's
// requester by the default sort's index, in summaryColumns' layout
// without its four name look-ups per row (the requester is the ticket's,
// and the page shows no group or assignee for them: see
// helpdesk.WorkspaceReads). A guest's ticket has no requester_id: nothing.
var requesterTicketsSQL = `SELECT t.id, t.number, t.subject, t.status, t.priority, t.channel, coalesce(t.requester_id, 0), '', '',
	coalesce(t.organisation_id, 0), coalesce(t.category_id, 0), coalesce(t.group_id, 0), '', coalesce(t.assignee_id, 0), '',
	t.created_at, t.updated_at, t.next_due_at, t.version
FROM tickets t
WHERE t.tenant_id = @tenant
	AND t.requester_id = (SELECT requester_id FROM tickets WHERE tenant_id = @tenant AND number = @number)
ORDER BY ` + keysets[helpdesk.DefaultSort].order + `
LIMIT @limit`

// allMacrosSQL lists every macro of a tenant, shared and personal, in the
// order Macros lists one agent's: the caller keeps them for every agent of
// the desk and picks each one's own.
const allMacrosSQL = `SELECT ` + macroColumns + ` FROM macros WHERE tenant_id = $1 ORDER BY name, id`

// TicketWorkspace reads a ticket page in one batch: the ticket first, then
// every other statement naming it by number (ticketOfNumber), so that the
// page costs one round trip and the ticket row is read once, with the
// presence report written in the same (implicit) transaction. The desk's
// settings are read only when r names none; the counts follow the rest.
func (s *Store) TicketWorkspace(ctx context.Context, tenant helpdesk.TenantID, r helpdesk.WorkspaceRead) (helpdesk.WorkspaceReads, error) {
	var out helpdesk.WorkspaceReads
	args := visitArgs(tenant, r.Number, r.Visit)
	args["public_only"] = false
	args["limit"] = helpdesk.RequesterTicketsShown + 1
	b := &pgx.Batch{}
	queueNamed(b, ticketSelectUnnamed, args).QueryRow(func(row pgx.Row) error {
		var err error
		out.Ticket, err = scanTicket(row, tenant)
		return err
	})
	tl := timelineReader{ticket: &out.Ticket.ID}
	tl.queue(b, timelineByNumber, args, true)
	queueNamed(b, requesterTicketsSQL, args).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			t, err := scanSummary(rows)
			if err != nil {
				return err
			}
			out.RequesterTickets = append(out.RequesterTickets, t)
		}
		return rows.Err()
	})
	queueNamed(b, workspaceScalarsSQL, args).QueryRow(func(row pgx.Row) error {
		return scanWorkspaceScalars(row, r.Visit, &out)
	})
	// The draft came with the single values: the visit reads no draft.
	v, bind := r.Visit, bindTenantSQL
	v.WithDraft = false
	// Outside a transaction, a presence-only visit's commit setting rides
	// in the statement that binds the tenant: one statement fewer.
	if s.tx == nil && v.Touch && v.PresenceOnly {
		v.PresenceOnly, bind = false, bindTenantAsyncSQL
	}
	queueVisit(b, args, v, v.Touch && s.prunes.due(tenant, v.At), &out.Visited)
	var setup setupReader
	if r.Directory == nil {
		queueWorkspaceDirectory(b, tenant, &out.Directory, &setup)
	}
	out.Counts, out.Capped = make([]int, len(r.Counts)), make([]bool, len(r.Counts))
	if err := queueCounts(b, tenant, r.Counts, r.CountLimit, out.Counts, out.Capped); err != nil {
		return helpdesk.WorkspaceReads{}, fmt.Errorf("postgres: count tickets: %w", err)
	}
	if err := s.sendBound(ctx, tenant, bind, b); err != nil {
		return helpdesk.WorkspaceReads{}, mapErr(err, "workspace of ticket %s", r.Number)
	}
	out.Timeline = tl.entries()
	if r.Directory == nil {
		out.Directory.SLA = setup.done()
	}
	return out, nil
}

// queueWorkspaceDirectory queues on b the reads of a WorkspaceDirectory:
// the queue's directory, the SLA setup (into setup, for its done), every
// macro and the custom field definitions.
func queueWorkspaceDirectory(b *pgx.Batch, tenant helpdesk.TenantID, d *helpdesk.WorkspaceDirectory, setup *setupReader) {
	queueDirectory(b, tenant, &d.Queue)
	setup.queue(b, tenant)
	b.Queue(allMacrosSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
		var err error
		d.Macros, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Macro, error) { return scanMacro(r) })
		return err
	})
	b.Queue(fieldDefsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
		var err error
		d.Fields, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (helpdesk.CustomFieldDef, error) { return scanField(row) })
		return err
	})
}
