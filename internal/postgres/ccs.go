package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TicketCCs lists the addresses copied on a ticket, sorted.
func (s *Store) TicketCCs(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) ([]string, error) {
	var out []string
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT email::text FROM ticket_ccs WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY email`,
			int64(tenant), int64(ticket))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	return out, mapErr(err, "ccs of ticket %d", ticket)
}

// AddTicketCCs copies addresses on a ticket; those already copied stay.
func (s *Store) AddTicketCCs(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, emails []string) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO ticket_ccs (tenant_id, ticket_id, email)
			SELECT $1, $2, e FROM unnest($3::text[]) AS e
			ON CONFLICT (tenant_id, ticket_id, email) DO NOTHING`, int64(tenant), int64(ticket), emails)
		return err
	})
	return mapErr(err, "add ccs to ticket %d", ticket)
}

// RemoveTicketCC stops copying an address on a ticket.
func (s *Store) RemoveTicketCC(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, email string) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM ticket_ccs WHERE tenant_id = $1 AND ticket_id = $2 AND email = $3`,
			int64(tenant), int64(ticket), email)
		return err
	})
	return mapErr(err, "remove cc from ticket %d", ticket)
}
