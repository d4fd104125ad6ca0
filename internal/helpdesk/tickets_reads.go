package helpdesk

import (
	"context"
	"fmt"
)

// Ticket returns ticket n as by may see it.
func (s *Service) Ticket(ctx context.Context, by Actor, n TicketNumber) (Ticket, error) {
	var out Ticket
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		out, err = present(ctx, tx, by, t)
		return err
	})
	return out, err
}

func (s *Service) load(ctx context.Context, tx Store, by Actor, n TicketNumber) (Ticket, error) {
	t, err := tx.Ticket(ctx, by.Tenant, n)
	if err != nil {
		return Ticket{}, fmt.Errorf("helpdesk: ticket %s: %w", n, err)
	}
	if err := s.canView(ctx, tx, by, &t); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// Timeline returns the history of ticket n: everything for staff, public
// comments only for a customer.
func (s *Service) Timeline(ctx context.Context, by Actor, n TicketNumber) ([]TimelineEntry, error) {
	var out []TimelineEntry
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		scope := TimelineStaff
		if by.IsCustomer() {
			scope = TimelineCustomer
		}
		if out, err = tx.Timeline(ctx, by.Tenant, t.ID, scope); err != nil {
			return fmt.Errorf("helpdesk: timeline of %s: %w", n, err)
		}
		return nil
	})
	return out, err
}

// Attachment returns a file for download if by may see the comment it
// belongs to; anything else is ErrNotFound.
func (s *Service) Attachment(ctx context.Context, by Actor, id AttachmentID) (AttachmentContent, error) {
	var out AttachmentContent
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		a, err := tx.Attachment(ctx, by.Tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: attachment %d: %w", id, err)
		}
		if _, err := s.load(ctx, tx, by, a.Ticket); err != nil {
			return err
		}
		if a.Internal && !by.IsStaff() && by.Kind != ActorSystem {
			return fmt.Errorf("helpdesk: attachment %d: %w", id, ErrNotFound)
		}
		out = a
		return nil
	})
	return out, err
}

// scopeFilter makes f safe for by: "me" becomes the acting agent, and a
// customer is confined to their own tickets (and their organisation's when
// it shares them) and may only filter by status, requester (themselves)
// and text. Statuses a customer names are expanded to what they cover
// (open includes on hold).
func (s *Service) scopeFilter(ctx context.Context, tx Store, by Actor, f *TicketFilter) error {
	switch {
	case by.Kind == ActorSystem:
		if f.Assignee.Mode == AssigneeMe {
			return invalid("assignee", "error.invalid")
		}
	case by.IsStaff():
		if f.Assignee.Mode == AssigneeMe {
			f.Assignee = AssigneeFilter{Mode: AssigneeUser, User: by.User}
		}
		f.SLANow = s.now()
		if f.MyGroups {
			f.MyGroups, f.GroupsOf = false, by.User
		}
	case by.IsCustomer():
		staffOnly := f.Assignee != (AssigneeFilter{}) || len(f.Groups) > 0 || len(f.Priorities) > 0 ||
			f.MyGroups || f.GroupsOf != 0 ||
			f.Category != 0 || f.Tag != "" || f.Channel != "" || f.Organisation != 0 ||
			(f.Requester != 0 && f.Requester != by.User) || f.Customer != nil || f.SLA != ""
		if staffOnly {
			return ErrForbidden
		}
		org, err := s.customerOrg(ctx, tx, by)
		if err != nil {
			return err
		}
		var sts []Status
		for _, st := range f.Statuses {
			if st == StatusOnHold {
				return invalid("status", "error.invalid") // internal: customers see it as open
			}
			sts = append(sts, CustomerStatuses(st)...)
		}
		f.Statuses = sts
		f.Customer = &CustomerScope{User: by.User, Organisation: org}
	default:
		return ErrForbidden
	}
	return nil
}

// Tickets lists tickets: the agent queue for staff, "my tickets" (and the
// organisation's, when it shares them) for a customer.
// Its reads need no transaction (each statement would see its own
// snapshot in one all the same): outside one the list is a single round
// trip.
func (s *Service) Tickets(ctx context.Context, by Actor, q TicketQuery) (TicketPage, error) {
	return s.listTickets(ctx, s.store, by, q)
}

// listTickets is Tickets inside tx.
func (s *Service) listTickets(ctx context.Context, tx Store, by Actor, q TicketQuery) (TicketPage, error) {
	if err := s.scopeFilter(ctx, tx, by, &q.Filter); err != nil {
		return TicketPage{}, fmt.Errorf("helpdesk: list tickets: %w", err)
	}
	if err := q.Validate(); err != nil {
		return TicketPage{}, err
	}
	page, err := tx.ListTickets(ctx, by.Tenant, q)
	if err != nil {
		return TicketPage{}, fmt.Errorf("helpdesk: list tickets: %w", err)
	}
	if by.IsCustomer() {
		for i := range page.Tickets {
			page.Tickets[i] = page.Tickets[i].ForCustomer()
		}
	}
	return page, nil
}

// CountTickets counts the tickets of each view (staff only).
func (s *Service) CountTickets(ctx context.Context, by Actor, views []TicketFilter) ([]int, error) {
	if !by.IsStaff() {
		return nil, fmt.Errorf("helpdesk: count tickets: %w", ErrForbidden)
	}
	var out []int
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		fs := make([]TicketFilter, len(views))
		for i, f := range views {
			if err := s.scopeFilter(ctx, tx, by, &f); err != nil {
				return err
			}
			if err := f.Validate(); err != nil {
				return err
			}
			fs[i] = f
		}
		var err error
		if out, err = tx.CountTickets(ctx, by.Tenant, fs); err != nil {
			return fmt.Errorf("helpdesk: count tickets: %w", err)
		}
		return nil
	})
	return out, err
}

// SearchTickets runs a full-text search; a customer only ever finds
// tickets they may see.
func (s *Service) SearchTickets(ctx context.Context, by Actor, q SearchQuery) (SearchPage, error) {
	var out SearchPage
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := s.scopeFilter(ctx, tx, by, &q.Filter); err != nil {
			return fmt.Errorf("helpdesk: search: %w", err)
		}
		if err := q.Validate(); err != nil {
			return err
		}
		page, err := tx.SearchTickets(ctx, by.Tenant, q)
		if err != nil {
			return fmt.Errorf("helpdesk: search: %w", err)
		}
		if by.IsCustomer() {
			for i := range page.Hits {
				page.Hits[i].Ticket = page.Hits[i].Ticket.ForCustomer()
			}
		}
		out = page
		return nil
	})
	return out, err
}
