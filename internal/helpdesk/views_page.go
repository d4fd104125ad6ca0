package helpdesk

import (
	"context"
	"errors"
	"fmt"
)

// QueueDirectory is what a queue page reads that rarely changes: the
// filters' choices and every saved view of the tenant (shared ones first,
// then by owner, position and name). The console keeps it between pages
// while it can vouch for it (see QueuePage).
type QueueDirectory struct {
	Groups     []Group
	Agents     []User
	Categories []Category
	Views      []SavedView
}

// viewsOf returns the views by may open (shared, then their own), in the
// directory's order, as Store.SavedViews lists them.
func (d *QueueDirectory) viewsOf(by Actor) []SavedView {
	var out []SavedView
	for _, v := range d.Views {
		if v.Shared() || v.Owner == by.User {
			out = append(out, v)
		}
	}
	return out
}

// QueueReads are the reads of one queue page that ReadQueue sends at once.
type QueueReads struct {
	// List is the page to read; nil reads none. Already scoped and
	// validated by the Service.
	List *TicketQuery
	// Directory asks for the QueueDirectory.
	Directory bool
	// Counts are counted in order, each already scoped and validated.
	Counts []TicketFilter
	// CountLimit, when positive, bounds each count that has to read
	// tickets (one the maintained counters cannot answer) at this many.
	CountLimit int
}

// QueueResult is what ReadQueue read.
type QueueResult struct {
	Tickets TicketPage
	// ListErr is the store's refusal of List (a *ValidationError, such as a
	// cursor of another sort); nothing of it was sent.
	ListErr   error
	Directory QueueDirectory
	Counts    []int
	// Capped marks the counts that stopped at CountLimit: at least that
	// many.
	Capped []bool
}

// QueueStore reads a queue page in one round trip.
type QueueStore interface {
	// ReadQueue runs r's reads bound to tenant in one batch, read-only and
	// with no transaction of its own to begin or commit.
	ReadQueue(ctx context.Context, tenant TenantID, r QueueReads) (QueueResult, error)
	NameStore
}

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
	// Counts are builtin's counts followed by Saved's; Capped marks those
	// that stopped at SidebarCountLimit (there are at least that many).
	Counts []int
	Capped []bool
	// Directory is the directory read for this page, for the caller to
	// keep; nil when the caller handed one in.
	Directory *QueueDirectory
}

// SidebarCountLimit bounds the sidebar's counts that have to read tickets
// (the SLA views' "due soon" and "overdue", a saved view by text or
// priority): each reads at most this many through its index, so that a
// page's cost does not grow with an overdue backlog, and the console
// shows "99+" when it stops there. Counts below it are exact; counts the
// maintained counters answer (by status, assignee and group) always are.
const SidebarCountLimit = 100

// QueuePage reads, for staff, a queue page: the page of q (none when q is
// nil), the filters' choices, then the sidebar: the saved views by may
// open and the counts of builtin followed by theirs. dir is
// a directory the caller kept from an earlier page (nil: read it). With
// dir, everything is one round trip; without it, one more when the actor
// has saved views, whose counts need their filters first. Counts are read
// in the list's batch and may be a statement apart from it (read
// committed), as they always could be between pages.
func (s *Service) QueuePage(ctx context.Context, by Actor, q *TicketQuery, builtin []TicketFilter, dir *QueueDirectory) (QueuePageData, error) {
	var out QueuePageData
	if !by.IsStaff() || by.User == 0 {
		return out, fmt.Errorf("helpdesk: queue page: %w", ErrNotFound)
	}
	reads := QueueReads{Directory: dir == nil}
	if q != nil {
		list := *q
		err := s.scopeFilter(ctx, s.store, by, &list.Filter)
		if err == nil {
			err = list.Validate()
		}
		var v *ValidationError
		switch {
		case errors.As(err, &v):
			out.ListErr = err // the rest of the page is still read
		case err != nil:
			return out, fmt.Errorf("helpdesk: list tickets: %w", err)
		default:
			reads.List = &list
		}
	}
	filters := builtin
	if dir != nil {
		out.Saved = dir.viewsOf(by)
		filters = withViews(builtin, out.Saved)
	}
	reads.CountLimit = SidebarCountLimit
	counts, capped, err := s.countIn(ctx, s.store, by, filters, func(valid []TicketFilter) ([]int, []bool, error) {
		reads.Counts = valid
		res, err := s.store.ReadQueue(ctx, by.Tenant, reads)
		if err != nil {
			return nil, nil, err
		}
		out.Tickets = res.Tickets
		if res.ListErr != nil {
			out.ListErr = res.ListErr
		}
		if dir == nil {
			// Kept in memory for minutes: no password hash goes with it.
			for i := range res.Directory.Agents {
				res.Directory.Agents[i].PasswordHash = ""
			}
			out.Directory = &res.Directory
		}
		return res.Counts, res.Capped, nil
	})
	if err != nil {
		return QueuePageData{}, fmt.Errorf("helpdesk: queue page: %w", err)
	}
	if dir == nil {
		dir = out.Directory
		if out.Saved = dir.viewsOf(by); len(out.Saved) > 0 {
			more, moreCapped, err := s.countIn(ctx, s.store, by, withViews(nil, out.Saved), func(valid []TicketFilter) ([]int, []bool, error) {
				res, err := s.store.ReadQueue(ctx, by.Tenant, QueueReads{Counts: valid, CountLimit: SidebarCountLimit})
				return res.Counts, res.Capped, err
			})
			if err != nil {
				return QueuePageData{}, fmt.Errorf("helpdesk: queue page: %w", err)
			}
			counts, capped = append(counts, more...), append(capped, moreCapped...)
		}
	}
	if err := s.nameRows(ctx, by.Tenant, dir, out.Tickets.Tickets); err != nil {
		return QueuePageData{}, err
	}
	out.Capped = capped
	out.Groups, out.Agents, out.Categories, out.Counts = dir.Groups, dir.Agents, dir.Categories, counts
	return out, nil
}

// withViews returns builtin's filters followed by views'.
func withViews(builtin []TicketFilter, views []SavedView) []TicketFilter {
	all := make([]TicketFilter, 0, len(builtin)+len(views))
	all = append(all, builtin...)
	for _, v := range views {
		all = append(all, v.Filter)
	}
	return all
}

// countIn scopes filters for by and counts the valid ones through count,
// which may also say which counts stopped at a limit (nil: none); a filter
// that no longer validates (a saved view's) counts zero rather than
// breaking every console page, and opening it names the problem.
func (s *Service) countIn(ctx context.Context, tx Store, by Actor, filters []TicketFilter, count func([]TicketFilter) ([]int, []bool, error)) ([]int, []bool, error) {
	valid := make([]TicketFilter, 0, len(filters))
	at := make([]int, 0, len(filters))
	for i := range filters {
		f := filters[i]
		if err := s.scopeFilter(ctx, tx, by, &f); err != nil {
			return nil, nil, err
		}
		if f.Validate() == nil {
			valid, at = append(valid, f), append(at, i)
		}
	}
	got, capped, err := count(valid)
	if err != nil {
		return nil, nil, err
	}
	if len(got) != len(valid) || (capped != nil && len(capped) != len(valid)) {
		return nil, nil, fmt.Errorf("helpdesk: %d counts for %d views", len(got), len(valid))
	}
	out, outCapped := make([]int, len(filters)), make([]bool, len(filters))
	for j, i := range at {
		out[i] = got[j]
		outCapped[i] = capped != nil && capped[j]
	}
	return out, outCapped, nil
}
