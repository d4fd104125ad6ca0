package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

const ratingSelect = `SELECT ticket_id, resolution, solved_at, rating, comment, coalesce(rated_by, 0), rated_by_name,
	via, created_at, updated_at
FROM satisfaction_ratings
WHERE tenant_id = @tenant AND ticket_id = @ticket AND resolution = @resolution`

// SatisfactionRating loads the rating of resolution res of ticket.
func (s *Store) SatisfactionRating(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, res int) (helpdesk.Rating, error) {
	var r helpdesk.Rating
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var id, by int64
		var score int16
		var via string
		err := tx.QueryRow(ctx, ratingSelect, pgx.NamedArgs{"tenant": int64(tenant), "ticket": int64(ticket), "resolution": res}).
			Scan(&id, &r.Resolution, &r.SolvedAt, &score, &r.Comment, &by, &r.RatedBy.Name, &via, &r.CreatedAt, &r.UpdatedAt)
		if err != nil {
			return err
		}
		r.Ticket, r.Score, r.Via = helpdesk.TicketID(id), int(score), helpdesk.RatingVia(via)
		r.RatedBy.Kind, r.RatedBy.User = helpdesk.AuthorCustomer, helpdesk.UserID(by)
		r.SolvedAt, r.CreatedAt, r.UpdatedAt = r.SolvedAt.UTC(), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
		return nil
	})
	return r, mapErr(err, "rating of ticket %d, resolution %d", ticket, res)
}

// saveRatingSQL writes the one row of (ticket, resolution): a first rating
// inserts it, a change replaces the score, comment, rater and channel but
// keeps created_at.
const saveRatingSQL = `INSERT INTO satisfaction_ratings AS r (tenant_id, ticket_id, resolution, solved_at, rating,
	comment, rated_by, rated_by_name, via, created_at, updated_at)
VALUES (@tenant, @ticket, @resolution, @solved_at, @rating, @comment, @rated_by, @rated_by_name, @via, @created_at, @updated_at)
ON CONFLICT (tenant_id, ticket_id, resolution) DO UPDATE
	SET rating = excluded.rating, comment = excluded.comment, rated_by = excluded.rated_by,
		rated_by_name = excluded.rated_by_name, via = excluded.via, updated_at = excluded.updated_at`

// SaveSatisfactionRating inserts or replaces r and appends evs to the
// ticket's history, in one round trip; the ticket row is not touched.
func (s *Store) SaveSatisfactionRating(ctx context.Context, tenant helpdesk.TenantID, r helpdesk.Rating, evs ...helpdesk.Event) error {
	if r.Ticket <= 0 || r.Resolution < 1 || r.Score < helpdesk.MinRating || r.Score > helpdesk.MaxRating {
		return invalidField("rating")
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(saveRatingSQL, pgx.NamedArgs{
			"tenant": int64(tenant), "ticket": int64(r.Ticket), "resolution": r.Resolution, "solved_at": r.SolvedAt,
			"rating": int16(r.Score), "comment": r.Comment, "rated_by": toID(r.RatedBy.User), "rated_by_name": r.RatedBy.Name,
			"via": string(r.Via), "created_at": r.CreatedAt, "updated_at": r.UpdatedAt,
		})
		if len(evs) > 0 {
			queueEvents(b, tenant, r.Ticket, evs)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return mapErr(err, "save rating of ticket %d", r.Ticket)
}

const createLinkSQL = `INSERT INTO satisfaction_links (tenant_id, token_hash, ticket_id, resolution, requester, created_at, expires_at)
VALUES (@tenant, @hash, @ticket, @resolution, @requester, @created_at, @expires_at)`

// CreateSatisfactionLink stores a survey link (its token's hash only).
func (s *Store) CreateSatisfactionLink(ctx context.Context, tenant helpdesk.TenantID, l helpdesk.SatisfactionLink) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, createLinkSQL, pgx.NamedArgs{
			"tenant": int64(tenant), "hash": l.TokenHash, "ticket": int64(l.Ticket), "resolution": l.Resolution,
			"requester": l.Requester, "created_at": l.CreatedAt, "expires_at": l.ExpiresAt,
		})
		return err
	})
	return mapErr(err, "create rating link of ticket %d", l.Ticket)
}

const linkSelect = `SELECT l.token_hash, l.ticket_id, t.number, l.resolution, l.requester, l.created_at, l.expires_at
FROM satisfaction_links l
JOIN tickets t ON t.tenant_id = l.tenant_id AND t.id = l.ticket_id
WHERE l.tenant_id = $1 AND l.token_hash = $2`

// SatisfactionLink loads a survey link by its token's hash, with the number
// of its ticket.
func (s *Store) SatisfactionLink(ctx context.Context, tenant helpdesk.TenantID, hash []byte) (helpdesk.SatisfactionLink, error) {
	var l helpdesk.SatisfactionLink
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var ticket, number int64
		err := tx.QueryRow(ctx, linkSelect, int64(tenant), hash).
			Scan(&l.TokenHash, &ticket, &number, &l.Resolution, &l.Requester, &l.CreatedAt, &l.ExpiresAt)
		if err != nil {
			return err
		}
		l.Ticket, l.Number = helpdesk.TicketID(ticket), helpdesk.TicketNumber(number)
		l.CreatedAt, l.ExpiresAt = l.CreatedAt.UTC(), l.ExpiresAt.UTC()
		return nil
	})
	return l, mapErr(err, "rating link")
}
