package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ticketSelect loads a ticket with the display names of what it points at
// and its side sets, in one statement. The sets come as arrays and JSON so
// that one row carries everything.
var ticketSelect = ticketSelectSQL(true)

// ticketSelectUnnamed is ticketSelect without the category's, the group's
// and the assignee's names (empty), for a reader that has them at hand:
// the ticket page names them from the desk's directory (see
// helpdesk.WorkspaceReads), and its statement costs a third less.
var ticketSelectUnnamed = ticketSelectSQL(false)

func ticketSelectSQL(named bool) string {
	category, group, assignee, joins := "''", "''", "''", ""
	if named {
		category, group, assignee = "coalesce(c.name, '')", "coalesce(g.name, '')", "coalesce(a.name, '')"
		joins = `
LEFT JOIN categories c ON c.tenant_id = t.tenant_id AND c.id = t.category_id
LEFT JOIN groups g ON g.tenant_id = t.tenant_id AND g.id = t.group_id
LEFT JOIN users a ON a.tenant_id = t.tenant_id AND a.id = t.assignee_id`
	}
	return `SELECT t.id, t.number, t.subject, t.status, t.priority, t.priority_overridden,
	t.urgency, t.impact, t.channel,
	coalesce(t.requester_id, 0), coalesce(r.name, t.guest_name, ''), coalesce(r.email::text, t.guest_email, ''),
	coalesce(t.organisation_id, 0), coalesce(t.category_id, 0), ` + category + `,
	coalesce(t.group_id, 0), ` + group + `, coalesce(t.assignee_id, 0), ` + assignee + `,
	coalesce(t.merged_into_id, 0), coalesce(m.number, 0),
	t.status_changed_at, t.created_at, t.updated_at, t.first_reply_at, t.solved_at, t.closed_at, t.requester_waiting_since,
	t.public_agent_replies, t.reopens, t.assignee_changes, t.group_changes, t.escalations, t.version,
	ARRAY(SELECT x.tag FROM ticket_tags x WHERE x.tenant_id = t.tenant_id AND x.ticket_id = t.id ORDER BY x.tag),
	ARRAY(SELECT x.user_id FROM ticket_followers x WHERE x.tenant_id = t.tenant_id AND x.ticket_id = t.id ORDER BY x.user_id),
	(SELECT coalesce(json_agg(json_build_object('f', x.field_id, 'y', x.type, 't', x.value_text,
			'n', x.value_number, 'd', x.value_date, 'b', x.value_bool) ORDER BY x.field_id), '[]')
		FROM ticket_field_values x WHERE x.tenant_id = t.tenant_id AND x.ticket_id = t.id),
	(SELECT coalesce(json_agg(json_build_object('k', x.kind, 'id', x.target_id, 'n', o.number) ORDER BY x.position), '[]')
		FROM ticket_links x JOIN tickets o ON o.tenant_id = x.tenant_id AND o.id = x.target_id
		WHERE x.tenant_id = t.tenant_id AND x.ticket_id = t.id)
FROM tickets t
LEFT JOIN users r ON r.tenant_id = t.tenant_id AND r.id = t.requester_id` + joins + `
LEFT JOIN tickets m ON m.tenant_id = t.tenant_id AND m.id = t.merged_into_id
WHERE t.tenant_id = @tenant AND t.number = @number`
}

// Ticket loads ticket n of tenant with its side sets and display names.
func (s *Store) Ticket(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber) (helpdesk.Ticket, error) {
	return s.loadTicket(ctx, tenant, n, "")
}

// TicketForUpdate is Ticket that also locks the ticket row until the
// transaction ends. Outside InTx the lock would end with the statement's
// own transaction, so it is only meaningful inside one.
func (s *Store) TicketForUpdate(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber) (helpdesk.Ticket, error) {
	return s.loadTicket(ctx, tenant, n, " FOR UPDATE OF t")
}

func (s *Store) loadTicket(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber, lock string) (helpdesk.Ticket, error) {
	var t helpdesk.Ticket
	err := s.readRow(ctx, tenant, ticketSelect+lock, []any{pgx.NamedArgs{"tenant": int64(tenant), "number": int64(n)}}, func(row pgx.Row) error {
		var err error
		t, err = scanTicket(row, tenant)
		return err
	})
	return t, mapErr(err, "ticket %s", n)
}
