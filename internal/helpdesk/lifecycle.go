package helpdesk

import (
	"fmt"
	"slices"
	"time"
)

// ErrTicketClosed is returned by every mutation of a closed ticket: Closed is
// final and read-only. It matches ErrInvalidTransition too. A requester's
// reply that gets it is turned into a follow-up ticket by the Service.
var ErrTicketClosed = fmt.Errorf("ticket is closed: %w", ErrInvalidTransition)

// Limits on the small sets carried by a ticket.
const (
	MaxFollowers = 50
	MaxLinks     = 50
)

// manualTransitions are the status changes an agent may make by hand
// (DESIGN.md "Statuses"): nobody goes back to New and nobody sets Closed by
// hand. Leaving Solved for an unsolved status is a reopen.
var manualTransitions = map[Status][]Status{
	StatusNew:     {StatusOpen, StatusPending, StatusOnHold, StatusSolved},
	StatusOpen:    {StatusPending, StatusOnHold, StatusSolved},
	StatusPending: {StatusOpen, StatusOnHold, StatusSolved},
	StatusOnHold:  {StatusOpen, StatusPending, StatusSolved},
	StatusSolved:  {StatusOpen, StatusPending, StatusOnHold},
}

// CanTransition reports whether an agent may move a ticket from one status to
// another by hand.
func CanTransition(from, to Status) bool { return slices.Contains(manualTransitions[from], to) }

// who is a set of the parties a lifecycle method admits.
type who uint8

const (
	byStaff       who = 1 << iota // agents and admins of the ticket's tenant
	bySystem                      // timers, automation and channels
	byParticipant                 // a customer who is the requester or a follower
	byGuest                       // the guest requester, through the ticket's tracking link
)

// change is one mutation in progress, applied to a copy of the ticket.
type change struct {
	t      *Ticket
	by     Actor
	author Author
	now    time.Time
	events []Event
}

// mutate runs fn on a copy of t after checking the actor, and commits the
// copy only when fn succeeds and changed something. That is what makes
// every failed call leave the ticket exactly as it was. A call that changes
// nothing succeeds with no events and does not bump the version.
func (t *Ticket) mutate(op string, by Actor, allowed who, now time.Time, fn func(c *change) error) ([]Event, error) {
	if err := t.authorize(by, allowed); err != nil {
		return nil, t.wrap(op, err)
	}
	if t.Status.Final() {
		return nil, t.wrap(op, ErrTicketClosed)
	}
	c := t.Clone()
	ch := &change{t: &c, by: by, author: AuthorOf(by), now: now.UTC()}
	if err := fn(ch); err != nil {
		return nil, t.wrap(op, err)
	}
	if len(ch.events) == 0 {
		return nil, nil
	}
	c.Version++
	c.UpdatedAt = ch.now
	*t = c
	return ch.events, nil
}

func (t *Ticket) wrap(op string, err error) error {
	return fmt.Errorf("helpdesk: ticket %s: %s: %w", t.Number, op, err)
}

// authorize decides whether by may act on t at all. A customer who is not
// a participant gets ErrNotFound, never ErrForbidden, so the ticket's
// existence does not leak; the Service has already applied CanView, which
// also admits members of a sharing organisation (they may only read).
func (t *Ticket) authorize(by Actor, allowed who) error {
	if by.Tenant != t.Tenant {
		return ErrNotFound
	}
	switch {
	case by.Kind == ActorSystem:
		if allowed&bySystem != 0 {
			return nil
		}
	case by.Kind == ActorGuest:
		if !by.guestOf(t) {
			return ErrNotFound
		}
		if allowed&byGuest != 0 {
			return nil
		}
	case by.Kind != ActorUser || by.User == 0:
		return ErrForbidden
	case by.IsStaff():
		if allowed&byStaff != 0 {
			return nil
		}
	case by.IsCustomer():
		if !t.isParticipant(by.User) {
			return ErrNotFound
		}
		if allowed&byParticipant != 0 {
			return nil
		}
	}
	return ErrForbidden
}

// isParticipant reports whether user u is the requester or a follower.
func (t *Ticket) isParticipant(u UserID) bool {
	return u != 0 && (t.Requester.User == u || t.IsFollower(u))
}

// CanView decides whether actor a may read ticket t. Staff see every ticket
// of their tenant and the system sees all; a customer sees tickets they
// requested or follow, and, when orgShared is true, the tickets of their
// organisation; a guest sees only the ticket its link opens. orgShared must
// be true only when the caller has checked that the customer belongs to
// t.Organisation and that the organisation shares its tickets. Anything
// else, and every ticket of another tenant, is ErrNotFound so that
// existence does not leak.
func CanView(a Actor, t *Ticket, orgShared bool) error {
	if a.Tenant != t.Tenant {
		return ErrNotFound
	}
	switch {
	case a.Kind == ActorSystem, a.Kind == ActorUser && a.User != 0 && a.IsStaff():
		return nil
	case a.Kind == ActorUser && a.User != 0 && a.IsCustomer():
		if t.isParticipant(a.User) || (orgShared && t.Organisation != 0) {
			return nil
		}
	case a.guestOf(t):
		return nil
	}
	return ErrNotFound
}

// CanReply decides whether a may add a comment of the given visibility,
// assuming CanView passed: staff may add both kinds, the requester, customer
// followers and the guest requester may add public replies, the system may
// add internal notes. Members of a sharing organisation may read but not reply.
func CanReply(a Actor, t *Ticket, v CommentVisibility) error {
	allowed := byStaff
	if v == Public {
		allowed |= byParticipant | byGuest
	} else {
		allowed |= bySystem
	}
	return t.authorize(a, allowed)
}

// CanEdit decides whether a may change t's properties (status, priority,
// assignment, tags, fields, followers, links). Only staff may; a customer
// participant gets ErrForbidden, anyone else ErrNotFound.
func CanEdit(a Actor, t *Ticket) error {
	if err := t.authorize(a, byStaff); err != nil {
		return err
	}
	if t.Status.Final() {
		return ErrTicketClosed
	}
	return nil
}

// event appends an event by the acting party.
func (c *change) event(kind EventKind, field, from, to string, fromID, toID int64) {
	c.events = append(c.events, Event{
		Ticket: c.t.ID, Kind: kind, Actor: c.author, At: c.now,
		Field: field, From: from, To: to, FromID: fromID, ToID: toID,
	})
}

// setStatus moves the ticket and keeps the instants and the reopen counter in
// step. It is the only place that writes Status after creation.
func (c *change) setStatus(to Status) {
	t := c.t
	from := t.Status
	if from == to {
		return
	}
	kind := EventStatusChanged
	switch {
	case to == StatusClosed:
		kind = EventClosed
		t.ClosedAt = c.now
	case from == StatusSolved && to.Unsolved():
		kind = EventReopened
		t.Reopens++
		t.SolvedAt = time.Time{}
	}
	if to == StatusSolved {
		t.SolvedAt = c.now
	}
	t.Status = to
	t.StatusChangedAt = c.now
	c.event(kind, FieldStatus, string(from), string(to), 0, 0)
}

// setAssignee changes the assignee and counts it.
func (c *change) setAssignee(id UserID, name string) {
	t := c.t
	if t.Assignee == id {
		return
	}
	c.event(EventAssigned, FieldAssignee, t.AssigneeName, name, int64(t.Assignee), int64(id))
	t.Assignee, t.AssigneeName = id, name
	t.AssigneeChanges++
}

// solve moves to Solved. As in Zendesk a solved ticket has an assignee: an
// agent who solves an unassigned ticket becomes its assignee.
func (c *change) solve() {
	if c.t.Assignee == 0 && c.by.IsStaff() {
		c.setAssignee(c.by.User, c.by.Name)
	}
	c.setStatus(StatusSolved)
}

// Transition moves the ticket to status to by hand. Only staff may, only
// along manualTransitions. Moving to the current status changes nothing.
func (t *Ticket) Transition(to Status, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("transition", by, byStaff, now, func(c *change) error {
		if !to.Valid() {
			return invalid("status", "error.invalid")
		}
		if to == t.Status {
			return nil
		}
		if !CanTransition(t.Status, to) {
			return fmt.Errorf("%s to %s: %w", t.Status, to, ErrInvalidTransition)
		}
		if to == StatusSolved {
			c.solve()
			return nil
		}
		c.setStatus(to)
		return nil
	})
}

// ApplyAgentReply records a comment by staff, or an internal note by the
// system. A public reply counts as an agent reply, sets the first-reply
// instant and moves New to Open; an internal note never changes the status.
// The comment itself is saved by the caller with the returned events.
func (t *Ticket) ApplyAgentReply(public bool, by Actor, now time.Time) ([]Event, error) {
	allowed := byStaff
	if !public {
		allowed |= bySystem
	}
	return t.mutate("agent reply", by, allowed, now, func(c *change) error {
		if !public {
			c.event(EventNoteAdded, FieldComment, "", "", 0, 0)
			return nil
		}
		c.event(EventCommentAdded, FieldComment, "", "", 0, 0)
		c.t.PublicAgentReplies++
		c.t.RequesterWaitingSince = time.Time{}
		if c.t.FirstReplyAt.IsZero() {
			c.t.FirstReplyAt = c.now
		}
		if c.t.Status == StatusNew {
			c.setStatus(StatusOpen)
		}
		return nil
	})
}

// ApplyRequesterReply records a public reply by the requester (an account or
// a guest with the ticket's link) or a customer follower. Pending, On hold and Solved go back to Open (from Solved it is a
// reopen); New and Open stay. On a closed ticket it fails with
// ErrTicketClosed: the Service then opens a follow-up (see FollowUp).
func (t *Ticket) ApplyRequesterReply(by Actor, now time.Time) ([]Event, error) {
	return t.mutate("requester reply", by, byParticipant|byGuest, now, func(c *change) error {
		c.event(EventCommentAdded, FieldComment, "", "", 0, 0)
		c.t.RequesterWaitingSince = c.now
		switch c.t.Status {
		case StatusPending, StatusOnHold, StatusSolved:
			c.setStatus(StatusOpen)
		}
		return nil
	})
}

// ConfirmSolution is the requester accepting the solution: Solved → Closed.
func (t *Ticket) ConfirmSolution(by Actor, now time.Time) ([]Event, error) {
	return t.mutate("confirm solution", by, byParticipant, now, func(c *change) error {
		if by.User != c.t.Requester.User {
			return ErrForbidden // a follower may reply but not close
		}
		if c.t.Status != StatusSolved {
			return fmt.Errorf("confirm a %s ticket: %w", c.t.Status, ErrInvalidTransition)
		}
		c.setStatus(StatusClosed)
		return nil
	})
}

// AutoClose closes a ticket that has been Solved for at least after; only the
// system may (the auto-close job). A ticket not yet due is
// ErrInvalidTransition, so a late job run never closes early.
func (t *Ticket) AutoClose(after time.Duration, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("auto-close", by, bySystem, now, func(c *change) error {
		if after <= 0 {
			return invalid("auto_close_after", "error.invalid")
		}
		if c.t.Status != StatusSolved || c.now.Sub(c.t.SolvedAt) < after {
			return fmt.Errorf("auto-close a %s ticket solved at %s: %w", c.t.Status, c.t.SolvedAt.Format(time.RFC3339), ErrInvalidTransition)
		}
		c.setStatus(StatusClosed)
		return nil
	})
}

// AutoSolve solves a ticket that has been Pending for at least after without
// an answer (DESIGN.md: Pendiente may auto-resolve after N days); only the
// system may.
func (t *Ticket) AutoSolve(after time.Duration, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("auto-solve", by, bySystem, now, func(c *change) error {
		if after <= 0 {
			return invalid("auto_solve_after", "error.invalid")
		}
		if c.t.Status != StatusPending || c.now.Sub(c.t.StatusChangedAt) < after {
			return fmt.Errorf("auto-solve a %s ticket: %w", c.t.Status, ErrInvalidTransition)
		}
		c.setStatus(StatusSolved)
		return nil
	})
}
