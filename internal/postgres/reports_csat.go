package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ratingsOfTicketSQL lists a ticket's ratings, one per resolution.
const ratingsOfTicketSQL = `SELECT resolution, rating, comment, rated_by_name, via, solved_at, updated_at
FROM satisfaction_ratings WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY resolution`

// requesterCSATSQL is the requester's average over every rating they gave.
const requesterCSATSQL = `SELECT count(*)::int, coalesce(avg(r.rating), 0)::float8
FROM satisfaction_ratings r WHERE r.tenant_id = $1 AND r.rated_by = $2`

// SLATicketStateCSAT is SLATicketState plus the ticket's ratings and its
// requester's average, in the same single round trip: the console's
// ticket page shows both and must not pay another trip for it.
func (s *Store) SLATicketStateCSAT(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, requester helpdesk.UserID) (helpdesk.SLASetup, []helpdesk.ClockEvent, helpdesk.TicketCSAT, error) {
	var r setupReader
	var evs []helpdesk.ClockEvent
	var out helpdesk.TicketCSAT
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		r.queue(b, tenant)
		b.Queue(slaClockEventsSQL, int64(tenant), int64(ticket)).Query(func(rows pgx.Rows) error {
			var err error
			evs, err = pgx.CollectRows(rows, scanClockEvent)
			return err
		})
		b.Queue(ratingsOfTicketSQL, int64(tenant), int64(ticket)).Query(func(rows pgx.Rows) error {
			var x helpdesk.Rating
			var score int16
			var via string
			_, err := pgx.ForEachRow(rows, []any{&x.Resolution, &score, &x.Comment, &x.RatedBy.Name, &via, &x.SolvedAt, &x.UpdatedAt}, func() error {
				rt := x
				rt.Ticket, rt.Score, rt.Via = ticket, int(score), helpdesk.RatingVia(via)
				rt.SolvedAt, rt.UpdatedAt = x.SolvedAt.UTC(), x.UpdatedAt.UTC()
				out.Ratings = append(out.Ratings, rt)
				return nil
			})
			return err
		})
		b.Queue(requesterCSATSQL, int64(tenant), int64(requester)).QueryRow(func(row pgx.Row) error {
			return row.Scan(&out.RequesterRated, &out.RequesterAvg)
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return helpdesk.SLASetup{}, nil, out, mapErr(err, "SLA and CSAT of ticket %d", ticket)
	}
	return r.done(), evs, out, nil
}
