package helpdesk

import (
	"context"
	"fmt"
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

// StaffWorkspaceCSAT is StaffWorkspace plus the ticket's satisfaction, at
// no extra round trip (staff only).
func (s *Service) StaffWorkspaceCSAT(ctx context.Context, by Actor, n TicketNumber) (Ticket, []TimelineEntry, SLAClocks, TicketCSAT, error) {
	if !by.IsStaff() {
		return Ticket{}, nil, SLAClocks{}, TicketCSAT{}, fmt.Errorf("helpdesk: workspace: %w", ErrNotFound)
	}
	var t Ticket
	var tl []TimelineEntry
	var sc SLAClocks
	var cs TicketCSAT
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		if t, err = s.load(ctx, tx, by, n); err != nil {
			return err
		}
		if tl, err = tx.Timeline(ctx, by.Tenant, t.ID, TimelineStaff); err != nil {
			return fmt.Errorf("helpdesk: timeline of %s: %w", n, err)
		}
		setup, evs, csat, err := tx.SLATicketStateCSAT(ctx, by.Tenant, t.ID, t.Requester.User)
		if err != nil {
			return fmt.Errorf("helpdesk: SLA and CSAT of %s: %w", n, err)
		}
		p, _ := MatchPolicy(setup.Policies, &t)
		sc, cs = deriveAll(&t, &setup, evs, p, s.now()), csat
		return nil
	})
	if err != nil {
		return Ticket{}, nil, SLAClocks{}, TicketCSAT{}, err
	}
	return t, tl, sc, cs, nil
}
