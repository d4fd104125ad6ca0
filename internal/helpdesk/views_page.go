package helpdesk

import (
	"context"
	"errors"
	"fmt"
)

// QueuePageData is everything a console queue page reads: one page of
// the list, the filters' choices and the sidebar (saved views and every
// view's count).
type QueuePageData struct {
	Tickets TicketPage
	// ListErr is the list query's own refusal (a *ValidationError); the
	// rest of the page was still read and Tickets is empty.
	ListErr    error
	Groups     []Group
	Agents     []User
	Categories []Category
	Saved      []SavedView
	// Counts are builtin's counts followed by Saved's.
	Counts []int
}

// QueuePage reads, for staff, a queue page in one transaction: the page of
// q (none when q is nil), the filters' choices, then the sidebar as Sidebar
// reads it. One transaction instead of three saves their BEGIN and COMMIT
// round trips on the console's busiest page, and the page and its counts
// see the same snapshot.
func (s *Service) QueuePage(ctx context.Context, by Actor, q *TicketQuery, builtin []TicketFilter) (QueuePageData, error) {
	var out QueuePageData
	if !by.IsStaff() || by.User == 0 {
		return out, fmt.Errorf("helpdesk: queue page: %w", ErrNotFound)
	}
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		out = QueuePageData{}
		if q != nil {
			page, err := s.listTickets(ctx, tx, by, *q)
			var v *ValidationError
			switch {
			case errors.As(err, &v):
				// Refused before any statement ran: the transaction is
				// intact and the page shows the refusal.
				out.ListErr = err
			case err != nil:
				return err
			default:
				out.Tickets = page
			}
		}
		var err error
		if out.Groups, out.Agents, out.Categories, err = tx.FilterChoices(ctx, by.Tenant); err != nil {
			return fmt.Errorf("helpdesk: filter choices: %w", err)
		}
		out.Saved, out.Counts, err = s.sidebarIn(ctx, tx, by, builtin)
		return err
	})
	return out, err
}
