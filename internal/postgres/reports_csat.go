package postgres

import (
	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ratingsOfTicketSQL lists ticket @number's ratings, one per resolution.
const ratingsOfTicketSQL = `SELECT resolution, rating, comment, rated_by_name, via, solved_at, updated_at
FROM satisfaction_ratings WHERE tenant_id = @tenant AND ticket_id = ` + ticketOfNumber + ` ORDER BY resolution`

// slaClockEventsOfNumberSQL is slaClockEventsSQL for ticket @number.
const slaClockEventsOfNumberSQL = `SELECT ` + slaClockEventCols + `
	FROM sla_clock_events WHERE tenant_id = @tenant AND ticket_id = ` + ticketOfNumber + ` ORDER BY id`

// queueSLACSAT queues on b the ticket's SLA clock events and its ratings
// (its requester's average comes with the page's other scalars,
// workspaceScalarsSQL; the SLA setup with the desk's settings,
// queueWorkspaceDirectory), all naming the ticket by number (args name
// @tenant and @number): the console's ticket page shows both. ticket is
// read when the rows arrive (the batch loads the ticket first).
func queueSLACSAT(b *pgx.Batch, args pgx.NamedArgs, ticket *helpdesk.TicketID, evs *[]helpdesk.ClockEvent, out *helpdesk.TicketCSAT) {
	queueNamed(b, slaClockEventsOfNumberSQL, args).Query(func(rows pgx.Rows) error {
		var err error
		*evs, err = pgx.CollectRows(rows, scanClockEvent)
		return err
	})
	queueNamed(b, ratingsOfTicketSQL, args).Query(func(rows pgx.Rows) error {
		var x helpdesk.Rating
		var score int16
		var via string
		_, err := pgx.ForEachRow(rows, []any{&x.Resolution, &score, &x.Comment, &x.RatedBy.Name, &via, &x.SolvedAt, &x.UpdatedAt}, func() error {
			rt := x
			rt.Ticket, rt.Score, rt.Via = *ticket, int(score), helpdesk.RatingVia(via)
			rt.SolvedAt, rt.UpdatedAt = x.SolvedAt.UTC(), x.UpdatedAt.UTC()
			out.Ratings = append(out.Ratings, rt)
			return nil
		})
		return err
	})
}
