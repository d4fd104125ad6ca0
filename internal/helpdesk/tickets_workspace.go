package helpdesk

import (
	"context"
	"fmt"
	"slices"
)

// RequesterTicketsShown is how many of the requester's other tickets a
// workspace lists.
const RequesterTicketsShown = 5

// Workspace is everything an agent's view of one ticket shows, read in one
// tenant transaction so its parts agree with each other.
type Workspace struct {
	Ticket   Ticket
	Timeline []TimelineEntry // everything: public replies, notes and events
	SLA      SLAClocks       // as they stand now
	CSAT     TicketCSAT      // its ratings and its requester's average
	// RequesterTickets are the requester's most recent other tickets, at
	// most RequesterTicketsShown; none for a guest.
	RequesterTickets []TicketSummary
	// Others are the other agents who have the ticket open now; opening
	// the workspace records the reader there too.
	Others []Presence
	// Draft is the reader's saved reply draft on the ticket, if any (never
	// on a closed ticket).
	Draft *Draft
	// Groups, Agents and Macros are what the assignment pickers and the
	// quick-reply picker offer; empty on a closed ticket, which takes
	// neither.
	Groups []Group
	Agents []User
	Macros []Macro
	// Call is the phone call behind a ticket a phone system opened
	// (api_tickets.go); nil for every other ticket.
	Call *PhoneCall
	// Choices are the categories and custom fields the workspace form
	// offers (active ones; none on a closed ticket) and the time logged.
	Choices WorkspaceChoices
	// CCs are the addresses copied on the ticket (ccs.go), as its history
	// tells them: no read of its own.
	CCs []string
}

// StaffWorkspace returns the workspace of ticket n for staff member by, in
// one transaction, and records that by has it open (presence). A customer,
// or a ticket by may not see, is ErrNotFound.
func (s *Service) StaffWorkspace(ctx context.Context, by Actor, n TicketNumber) (Workspace, error) {
	if !by.IsStaff() || by.User == 0 {
		return Workspace{}, fmt.Errorf("helpdesk: workspace: %w", ErrNotFound)
	}
	var w Workspace
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		w, err = s.staffWorkspaceIn(ctx, tx, by, n)
		return err
	})
	if err != nil {
		return Workspace{}, err
	}
	return w, nil
}

// WorkspacePage is a ticket page's reads: the workspace and the console's
// sidebar (saved views, then the counts of builtin followed by theirs).
type WorkspacePage struct {
	Workspace Workspace
	Saved     []SavedView
	Counts    []int
}

// StaffWorkspacePage is StaffWorkspace and Sidebar in one transaction:
// the ticket page's reads without a second BEGIN and COMMIT.
func (s *Service) StaffWorkspacePage(ctx context.Context, by Actor, n TicketNumber, builtin []TicketFilter) (WorkspacePage, error) {
	if !by.IsStaff() || by.User == 0 {
		return WorkspacePage{}, fmt.Errorf("helpdesk: workspace: %w", ErrNotFound)
	}
	var out WorkspacePage
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		if out.Workspace, err = s.staffWorkspaceIn(ctx, tx, by, n); err != nil {
			return err
		}
		out.Saved, out.Counts, err = s.sidebarIn(ctx, tx, by, builtin)
		return err
	})
	if err != nil {
		return WorkspacePage{}, err
	}
	return out, nil
}

// staffWorkspaceIn is StaffWorkspace inside tx.
func (s *Service) staffWorkspaceIn(ctx context.Context, tx Store, by Actor, n TicketNumber) (Workspace, error) {
	var w Workspace
	var err error
	if w.Ticket, err = s.load(ctx, tx, by, n); err != nil {
		return w, err
	}
	t := &w.Ticket
	if w.Timeline, err = tx.Timeline(ctx, by.Tenant, t.ID, TimelineStaff); err != nil {
		return w, fmt.Errorf("helpdesk: timeline of %s: %w", n, err)
	}
	if w.SLA, w.CSAT, err = ticketSLACSAT(ctx, tx, by.Tenant, t, s.now()); err != nil {
		return w, err
	}
	if w.RequesterTickets, err = s.requesterTickets(ctx, tx, by, t); err != nil {
		return w, err
	}
	if t.Channel == ChannelPhone { // only phone tickets have calls: no read for the others
		if w.Call, err = ticketCall(ctx, tx, by.Tenant, t.ID); err != nil {
			return w, err
		}
	}
	w.CCs = CCsOf(w.Timeline)
	// Opening the workspace writes nothing but presence.
	v, err := s.visit(ctx, tx, by, n, true, false, !t.Status.Final(), true)
	if err != nil {
		return w, err
	}
	w.Others, w.Draft = v.Present, v.Draft
	open := !t.Status.Final()
	if w.Choices, err = tx.WorkspaceChoices(ctx, by.Tenant, by.User, t.ID, open); err != nil {
		return w, fmt.Errorf("helpdesk: workspace choices of %s: %w", n, err)
	}
	if !open {
		return w, nil
	}
	w.Groups, w.Agents, w.Macros = activeGroups(w.Choices.Groups), w.Choices.Agents, w.Choices.Macros
	w.Choices.Categories = slices.DeleteFunc(w.Choices.Categories, func(c Category) bool { return c.Archived() && c.ID != t.Category })
	w.Choices.Fields = slices.DeleteFunc(w.Choices.Fields, func(d CustomFieldDef) bool { return !d.Active })
	return w, nil
}

// requesterTickets lists t's requester's other recent tickets.
func (s *Service) requesterTickets(ctx context.Context, tx Store, by Actor, t *Ticket) ([]TicketSummary, error) {
	if t.Requester.IsGuest() {
		return nil, nil
	}
	page, err := s.listTickets(ctx, tx, by, TicketQuery{
		Filter: TicketFilter{Requester: t.Requester.User}, Limit: RequesterTicketsShown + 1,
	})
	if err != nil {
		return nil, err
	}
	var out []TicketSummary
	for _, o := range page.Tickets {
		if o.Number != t.Number && len(out) < RequesterTicketsShown {
			out = append(out, o)
		}
	}
	return out, nil
}
