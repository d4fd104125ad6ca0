package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// AddTimeEntry saves one time entry.
func (s *Store) AddTimeEntry(ctx context.Context, tenant helpdesk.TenantID, e helpdesk.TimeEntry) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO time_entries (tenant_id, ticket_id, agent_id, minutes, note, billable, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			int64(tenant), int64(e.Ticket), int64(e.Agent), e.Minutes, e.Note, e.Billable, e.CreatedAt)
		return err
	})
	return mapErr(err, "add time entry")
}

const ticketMinutesSQL = `SELECT coalesce(sum(minutes), 0) FROM time_entries WHERE tenant_id = $1 AND ticket_id = $2`

// TicketMinutes is the total time logged on a ticket.
func (s *Store) TicketMinutes(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) (int, error) {
	var n int
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, ticketMinutesSQL, int64(tenant), int64(ticket)).Scan(&n)
	})
	return n, mapErr(err, "ticket minutes")
}

// fieldDefsSQL lists a tenant's custom field definitions, inactive ones
// included, in the form's order.
const fieldDefsSQL = `SELECT ` + fieldColumns + ` FROM custom_field_defs WHERE tenant_id = $1 ORDER BY position, id`

// TimeReport sums the time entries of f by agent and by the requester's
// organisation of the ticket, the largest first.
func (s *Store) TimeReport(ctx context.Context, tenant helpdesk.TenantID, f helpdesk.TimeFilter) ([]helpdesk.TimeReportRow, error) {
	const q = `SELECT e.agent_id, u.name, coalesce(t.organisation_id, 0), coalesce(o.name, ''),
			count(DISTINCT e.ticket_id), sum(e.minutes), coalesce(sum(e.minutes) FILTER (WHERE e.billable), 0)
		FROM time_entries e
		JOIN users u ON u.tenant_id = e.tenant_id AND u.id = e.agent_id
		JOIN tickets t ON t.tenant_id = e.tenant_id AND t.id = e.ticket_id
		LEFT JOIN organisations o ON o.tenant_id = t.tenant_id AND o.id = t.organisation_id
		WHERE e.tenant_id = @tenant AND e.created_at >= @from AND e.created_at < @to
			AND (@agent = 0 OR e.agent_id = @agent)
			AND (@org = 0 OR t.organisation_id = @org)
		GROUP BY e.agent_id, u.name, t.organisation_id, o.name
		ORDER BY sum(e.minutes) DESC, u.name, o.name
		LIMIT 1000`
	var out []helpdesk.TimeReportRow
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, pgx.NamedArgs{
			"tenant": int64(tenant), "from": f.From, "to": f.To, "agent": int64(f.Agent), "org": int64(f.Organisation),
		})
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.TimeReportRow, error) {
			var row helpdesk.TimeReportRow
			var agent, org int64
			err := r.Scan(&agent, &row.AgentName, &org, &row.OrganisationName, &row.Tickets, &row.Minutes, &row.BillableMinutes)
			row.Agent, row.Organisation = helpdesk.UserID(agent), helpdesk.OrganisationID(org)
			return row, err
		})
		return err
	})
	return out, mapErr(err, "time report")
}
