package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// A creation's ticket row: its number and id are reserved first, and the
// row is written with the rest of the new ticket (SaveCreatedSLA).

// reserveTicketSQL takes the tenant's next number from its sequence
// (migrations/00045) and the new row's id, without inserting the row: a
// creation inserts it at its end with the first SLA state's next due
// instant (insertReservedSQL), so the row is not rewritten by an UPDATE of
// next_due_at, which would add an entry to each of its dozen indexes and
// fire its update triggers.
const reserveTicketSQL = `SELECT nextval('tickets_id_seq'), next_ticket_number($1)`

// insertReservedSQL inserts a reserved ticket's row with its first search
// document.
const insertReservedSQL = `WITH t AS (
	INSERT INTO tickets (tenant_id, id, number, subject, status, priority, priority_overridden, urgency, impact, channel,
		requester_id, guest_name, guest_email, organisation_id, category_id, group_id, assignee_id, merged_into_id,
		status_changed_at, created_at, updated_at, first_reply_at, solved_at, closed_at, requester_waiting_since,
		public_agent_replies, reopens, assignee_changes, group_changes, escalations, version, next_due_at)
	OVERRIDING SYSTEM VALUE
	VALUES (@tenant, @id, @number, @subject, @status, @priority, @priority_overridden, @urgency, @impact, @channel,
		@requester_id, @guest_name, @guest_email, @organisation_id, @category_id, @group_id, @assignee_id, @merged_into_id,
		@status_changed_at, @created_at, @updated_at, @first_reply_at, @solved_at, @closed_at, @waiting_since,
		@public_agent_replies, @reopens, @assignee_changes, @group_changes, @escalations, @version, @next_due)
	RETURNING id
)
INSERT INTO ticket_search (tenant_id, ticket_id, public, words, document)
SELECT @tenant, t.id, true, atiende_norm(@subject), setweight(atiende_tsvector(@subject), 'A') FROM t`

// ReserveTicket takes the tenant's next number and an id for t, and
// inserts nothing: SaveCreatedSLA inserts the row with the rest.
func (s *Store) ReserveTicket(ctx context.Context, tenant helpdesk.TenantID, t helpdesk.Ticket) (helpdesk.Ticket, error) {
	if err := checkTicket(tenant, &t); err != nil {
		return helpdesk.Ticket{}, err
	}
	if t.Version < 1 {
		t.Version = 1
	}
	var id, number int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, reserveTicketSQL, int64(tenant)).Scan(&id, &number)
	})
	if err != nil {
		return helpdesk.Ticket{}, mapErr(err, "create ticket")
	}
	t.ID, t.Number, t.Tenant = helpdesk.TicketID(id), helpdesk.TicketNumber(number), tenant
	return createdTicket(t), nil
}

// queueReservedTicket queues the insertion of reserved ticket t's row.
func queueReservedTicket(b *pgx.Batch, tenant helpdesk.TenantID, t *helpdesk.Ticket, nextDue time.Time) {
	a := ticketArgs(tenant, t)
	a["id"], a["number"], a["next_due"] = int64(t.ID), int64(t.Number), toTime(micro(nextDue))
	b.Queue(insertReservedSQL, a)
}
