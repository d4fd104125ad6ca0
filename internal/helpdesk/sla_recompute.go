package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// DefaultSLARecomputeLimit is how many open tickets a policy or calendar
// change recomputes in its own transaction; see recomputeSLA.
const DefaultSLARecomputeLimit = 1000

// SetSLARecomputeLimit changes DefaultSLARecomputeLimit for this service.
func (s *Service) SetSLARecomputeLimit(n int) { s.slaRecompute = n }

// recomputeSLA re-derives the clocks of the tenant's open tickets with the
// current policies and calendars (after one of them changed), in the
// caller's transaction. Breaches already recorded stay. A large backlog is
// not recomputed in the admin's request: past the limit, the remaining
// running clocks are marked due, and the scan (every 30 s) recomputes each
// in its own transaction; paused clocks have no deadline to move, and the
// SLA panel derives them live.
func (s *Service) recomputeSLA(ctx context.Context, tx Store, tenant TenantID, now time.Time) error {
	limit := s.slaRecompute
	if limit <= 0 {
		limit = DefaultSLARecomputeLimit
	}
	var after TicketNumber
	done := 0
	for {
		ns, err := tx.SLAOpenTickets(ctx, tenant, after, min(500, limit-done+1))
		if err != nil {
			return fmt.Errorf("helpdesk: SLA open tickets: %w", err)
		}
		for _, n := range ns {
			if done == limit {
				if err := tx.MarkSLAClocksDue(ctx, tenant, after, now); err != nil {
					return fmt.Errorf("helpdesk: mark SLA clocks due: %w", err)
				}
				return nil
			}
			done++
			t, err := tx.TicketForUpdate(ctx, tenant, n)
			if err != nil {
				return fmt.Errorf("helpdesk: ticket %s: %w", n, err)
			}
			if _, err := syncClocks(ctx, tx, tenant, &t, nil, now); err != nil {
				return err
			}
			after = n
		}
		if len(ns) < min(500, limit-done+1) {
			return nil
		}
	}
}

// TicketSLA returns the SLA clocks of ticket n as staff see them (the API's
// ticket read; the console reads them with the workspace).
func (s *Service) TicketSLA(ctx context.Context, by Actor, n TicketNumber) (SLAClocks, error) {
	if !by.IsStaff() {
		return SLAClocks{}, fmt.Errorf("helpdesk: ticket SLA: %w", ErrNotFound)
	}
	var out SLAClocks
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		out, err = ticketSLA(ctx, tx, by.Tenant, &t, s.now())
		return err
	})
	return out, err
}

func ticketSLA(ctx context.Context, tx Store, tenant TenantID, t *Ticket, now time.Time) (SLAClocks, error) {
	setup, evs, err := tx.SLATicketState(ctx, tenant, t.ID)
	if err != nil {
		return SLAClocks{}, fmt.Errorf("helpdesk: SLA state of %s: %w", t.Number, err)
	}
	p, _ := MatchPolicy(setup.Policies, t)
	return deriveAll(t, &setup, evs, p, now), nil
}
