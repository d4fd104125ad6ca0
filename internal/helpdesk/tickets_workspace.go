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
// tenant transaction so its parts agree with each other; the names of
// what it points at come from the desk's directory (nameWorkspace).
type Workspace struct {
	Ticket   Ticket
	Timeline []TimelineEntry // everything: public replies, notes and events
	SLA      SLAClocks       // as they stand now
	CSAT     TicketCSAT      // its ratings and its requester's average
	// RequesterTickets are the requester's most recent other tickets, at
	// most RequesterTicketsShown; none for a guest. Their group and
	// assignee names are not read (GroupName and AssigneeName are empty).
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
	r, err := s.store.TicketWorkspace(ctx, by.Tenant, s.workspaceRead(by, n, nil))
	if err != nil {
		return Workspace{}, fmt.Errorf("helpdesk: workspace of %s: %w", n, err)
	}
	return s.workspaceOf(ctx, by, &r, &r.Directory)
}

// WorkspacePage is a ticket page's reads: the workspace and the console's
// sidebar (saved views, then the counts of builtin followed by theirs).
type WorkspacePage struct {
	Workspace Workspace
	Saved     []SavedView
	Counts    []int
	// Capped marks the counts that stopped at SidebarCountLimit.
	Capped []bool
	// Directory is the desk's settings read for this page, for the caller
	// to keep; nil when the caller handed them in.
	Directory *WorkspaceDirectory
}

// StaffWorkspacePage is StaffWorkspace and the console's sidebar. dir is
// the desk's settings the caller kept from an earlier page (nil: read
// them). With dir, the page is one round trip: the workspace, its
// presence report and every count in one batch (one transaction), and one
// more only for a name dir lacks (an inactive assignee, something added
// since dir was read). Without it, the saved views' counts, which need
// their filters, take one more when by has saved views.
func (s *Service) StaffWorkspacePage(ctx context.Context, by Actor, n TicketNumber, builtin []TicketFilter, dir *WorkspaceDirectory) (WorkspacePage, error) {
	if !by.IsStaff() || by.User == 0 {
		return WorkspacePage{}, fmt.Errorf("helpdesk: workspace: %w", ErrNotFound)
	}
	var out WorkspacePage
	filters := builtin
	if dir != nil {
		out.Saved = dir.Queue.viewsOf(by)
		filters = withViews(builtin, out.Saved)
	}
	var r WorkspaceReads
	counts, capped, err := s.countIn(ctx, s.store, by, filters, func(valid []TicketFilter) ([]int, []bool, error) {
		read := s.workspaceRead(by, n, dir)
		read.Counts, read.CountLimit = valid, SidebarCountLimit
		var err error
		if r, err = s.store.TicketWorkspace(ctx, by.Tenant, read); err != nil {
			return nil, nil, fmt.Errorf("helpdesk: workspace of %s: %w", n, err)
		}
		return r.Counts, r.Capped, nil
	})
	if err != nil {
		return WorkspacePage{}, err
	}
	if dir == nil {
		// Kept in memory for minutes: no password hash goes with it.
		for i := range r.Directory.Queue.Agents {
			r.Directory.Queue.Agents[i].PasswordHash = ""
		}
		dir, out.Directory = &r.Directory, &r.Directory
		if out.Saved = dir.Queue.viewsOf(by); len(out.Saved) > 0 {
			more, moreCapped, err := s.sidebarCounts(ctx, by, nil, out.Saved)
			if err != nil {
				return WorkspacePage{}, err
			}
			counts, capped = append(counts, more...), append(capped, moreCapped...)
		}
	}
	out.Counts, out.Capped = counts, capped
	if out.Workspace, err = s.workspaceOf(ctx, by, &r, dir); err != nil {
		return WorkspacePage{}, err
	}
	return out, nil
}

// workspaceRead is what a workspace reads of ticket n for by. Opening the
// workspace writes nothing but presence (see Visit.PresenceOnly); the draft
// is read whatever the status, as the status is only known with the reads.
func (s *Service) workspaceRead(by Actor, n TicketNumber, dir *WorkspaceDirectory) WorkspaceRead {
	now := s.now()
	return WorkspaceRead{
		Number: n,
		Visit: Visit{
			User: by.User, At: now, Touch: true, Expired: now.Add(-PresenceTTL), Since: now.Add(-PresenceTTL),
			WithDraft: true, PresenceOnly: true, Unnamed: true,
		},
		Directory: dir,
	}
}

// workspaceOf makes the workspace of what r read for staff member by, with
// the desk's settings dir, which it leaves as they are (a cache may share
// them).
func (s *Service) workspaceOf(ctx context.Context, by Actor, r *WorkspaceReads, dir *WorkspaceDirectory) (Workspace, error) {
	w := Workspace{Ticket: r.Ticket, Timeline: r.Timeline, CSAT: r.CSAT}
	t := &w.Ticket
	if err := s.canView(ctx, s.store, by, t); err != nil {
		return Workspace{}, err
	}
	others, err := s.nameWorkspace(ctx, by, &dir.Queue, t, r.Visited.Present)
	if err != nil {
		return Workspace{}, err
	}
	p, _ := MatchPolicy(dir.SLA.Policies, t)
	w.SLA = deriveAll(t, &dir.SLA, r.Clock, p, s.now())
	w.RequesterTickets = requesterTickets(t, r.RequesterTickets)
	if t.Channel == ChannelPhone { // only phone tickets show a call
		w.Call = r.Call
	}
	w.CCs = CCsOf(w.Timeline)
	w.Others = others
	w.Choices = WorkspaceChoices{Minutes: r.Minutes, RequireTime: r.RequireTime}
	if t.Status.Final() { // a closed ticket takes no reply, assignment or edit
		return w, nil
	}
	w.Draft = r.Visited.Draft
	q := &dir.Queue
	// Every list is copied: the directory's own slices are shared.
	w.Choices.Groups = slices.DeleteFunc(slices.Clone(q.Groups), Group.Archived)
	w.Choices.Agents = slices.Clone(q.Agents)
	w.Choices.Macros = dir.macrosOf(by.User)
	w.Choices.Categories = slices.DeleteFunc(slices.Clone(q.Categories), func(c Category) bool { return c.Archived() && c.ID != t.Category })
	w.Choices.Fields = slices.DeleteFunc(slices.Clone(dir.Fields), func(d CustomFieldDef) bool { return !d.Active })
	w.Groups, w.Agents, w.Macros = w.Choices.Groups, w.Choices.Agents, w.Choices.Macros
	return w, nil
}

// requesterTickets are t's requester's other recent tickets, from their
// most recent ones.
func requesterTickets(t *Ticket, recent []TicketSummary) []TicketSummary {
	if t.Requester.IsGuest() {
		return nil
	}
	var out []TicketSummary
	for _, o := range recent {
		if o.Number != t.Number && len(out) < RequesterTicketsShown {
			o.Requester = t.Requester
			out = append(out, o)
		}
	}
	return out
}
