package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// AutoClose closes ticket n of tenant if it has been solved for the
// tenant's auto-close period. It is the system's move; the job calls it.
func (s *Service) AutoClose(ctx context.Context, tenant TenantID, n TicketNumber) (Ticket, error) {
	by := System(tenant)
	return s.update(ctx, by, TicketVersion{Number: n}, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		st, err := settings(ctx, tx, tenant)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.AutoClose(st.AutoCloseAfter, by, now)
		return evs, nil, err
	})
}

// AutoSolve solves ticket n of tenant if it has been pending without an
// answer for the tenant's auto-solve period.
func (s *Service) AutoSolve(ctx context.Context, tenant TenantID, n TicketNumber) (Ticket, error) {
	by := System(tenant)
	return s.update(ctx, by, TicketVersion{Number: n}, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		st, err := settings(ctx, tx, tenant)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.AutoSolve(st.AutoSolveAfter, by, now)
		return evs, nil, err
	})
}

// AutoCloseDue closes up to limit tickets of tenant that are due, each in
// its own transaction, and returns how many it closed. A ticket that moved
// meanwhile (a reply reopened it) is skipped; other failures are joined
// and do not stop the rest.
func (s *Service) AutoCloseDue(ctx context.Context, tenant TenantID, limit int) (int, error) {
	return s.autoDue(ctx, tenant, StatusSolved, limit, func(st TicketSettings) time.Duration { return st.AutoCloseAfter }, s.AutoClose)
}

// AutoSolveDue is AutoCloseDue for pending tickets past the auto-solve
// period; it does nothing when the tenant has it off.
func (s *Service) AutoSolveDue(ctx context.Context, tenant TenantID, limit int) (int, error) {
	return s.autoDue(ctx, tenant, StatusPending, limit, func(st TicketSettings) time.Duration { return st.AutoSolveAfter }, s.AutoSolve)
}

func (s *Service) autoDue(ctx context.Context, tenant TenantID, status Status, limit int,
	period func(TicketSettings) time.Duration, apply func(context.Context, TenantID, TicketNumber) (Ticket, error),
) (int, error) {
	var due []TicketNumber
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		st, err := settings(ctx, tx, tenant)
		if err != nil {
			return err
		}
		after := period(st)
		if after <= 0 {
			return nil
		}
		due, err = tx.StaleTickets(ctx, tenant, status, s.now().Add(-after), limit)
		if err != nil {
			return fmt.Errorf("helpdesk: %s tickets due: %w", status, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, n := range due {
		_, err := apply(ctx, tenant, n)
		switch {
		case err == nil:
			done++
		case errors.Is(err, ErrInvalidTransition), errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
		default:
			errs = append(errs, err)
		}
	}
	return done, errors.Join(errs...)
}
