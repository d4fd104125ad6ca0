package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// TicketCSAT is what staff see of satisfaction on a ticket page: every
// rating of the ticket (one per resolution, with its comment) and how its
// requester rates the desk overall.
type TicketCSAT struct {
	Ratings        []Rating
	RequesterRated int     // ratings the requester has given, all tickets
	RequesterAvg   float64 // their average; 0 when none
}

// CSATStore reads a ticket's ratings with its SLA state in one round trip.
type CSATStore interface {
	// SLATicketStateCSAT is SLATicketState plus the ticket's ratings and
	// the average of requester's ratings (0: a guest, none).
	SLATicketStateCSAT(ctx context.Context, tenant TenantID, ticket TicketID, requester UserID) (SLASetup, []ClockEvent, TicketCSAT, error)
}

// ticketSLACSAT is ticketSLA plus the ticket's satisfaction, read in the
// same round trip.
func ticketSLACSAT(ctx context.Context, tx Store, tenant TenantID, t *Ticket, now time.Time) (SLAClocks, TicketCSAT, error) {
	setup, evs, csat, err := tx.SLATicketStateCSAT(ctx, tenant, t.ID, t.Requester.User)
	if err != nil {
		return SLAClocks{}, TicketCSAT{}, fmt.Errorf("helpdesk: SLA and CSAT of %s: %w", t.Number, err)
	}
	p, _ := MatchPolicy(setup.Policies, t)
	return deriveAll(t, &setup, evs, p, now), csat, nil
}
