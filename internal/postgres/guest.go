package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// CreateGuestLink stores a tracking link (its token's hash only).
func (s *Store) CreateGuestLink(ctx context.Context, tenant helpdesk.TenantID, l helpdesk.GuestLink) error {
	const q = `INSERT INTO guest_links (tenant_id, token_hash, ticket_id, email, expires_at, created_at)
		VALUES (@tenant, @hash, @ticket, @email, @expires, @created)`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q, pgx.NamedArgs{
			"tenant": int64(tenant), "hash": l.Hash, "ticket": int64(l.Ticket), "email": l.Email,
			"expires": l.ExpiresAt, "created": l.CreatedAt,
		})
		return err
	})
	return mapErr(err, "create guest link for ticket %d", l.Ticket)
}

// GuestLink loads a tracking link by its token's hash, with its ticket's
// number. The join stays inside the tenant: the composite foreign key
// makes a link to another tenant's ticket impossible anyway.
func (s *Store) GuestLink(ctx context.Context, tenant helpdesk.TenantID, hash []byte) (helpdesk.GuestLink, error) {
	const q = `SELECT l.token_hash, l.ticket_id, t.number, l.email, l.created_at, l.expires_at
		FROM guest_links l JOIN tickets t ON t.tenant_id = l.tenant_id AND t.id = l.ticket_id
		WHERE l.tenant_id = $1 AND l.token_hash = $2`
	var l helpdesk.GuestLink
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var ticket, number int64
		if err := tx.QueryRow(ctx, q, int64(tenant), hash).Scan(&l.Hash, &ticket, &number, &l.Email, &l.CreatedAt, &l.ExpiresAt); err != nil {
			return err
		}
		l.Ticket, l.Number = helpdesk.TicketID(ticket), helpdesk.TicketNumber(number)
		l.CreatedAt, l.ExpiresAt = l.CreatedAt.UTC(), l.ExpiresAt.UTC()
		return nil
	})
	// The hash is a secret's: it stays out of error messages.
	return l, mapErr(err, "guest link")
}

// RecordGuestLinkRequest stores a "send me my link again" request and, in
// the same transaction, the mail job that resolves it (see
// helpdesk.Service.ResolveGuestLinkRequest).
func (s *Store) RecordGuestLinkRequest(ctx context.Context, tenant helpdesk.TenantID, r helpdesk.GuestLinkRequest) error {
	const q = `INSERT INTO guest_link_requests (tenant_id, ticket_number, email, requested_at) VALUES ($1, $2, $3, $4) RETURNING id`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, q, int64(tenant), int64(r.Number), r.Email, r.RequestedAt).Scan(&id); err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, tenant, "guest_request", id)
	})
	return mapErr(err, "record guest link request")
}
