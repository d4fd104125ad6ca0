package helpdesk

import (
	"errors"
	"fmt"
	"slices"
	"strings"
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

// SetPriority sets the priority. An agent's choice is an override
// (priority_overridden) and sticks when urgency or impact change later; the
// system (automation, SLA escalation) records priority_changed.
func (t *Ticket) SetPriority(p Priority, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("set priority", by, byStaff|bySystem, now, func(c *change) error {
		if !p.Valid() {
			return invalid("priority", "error.invalid")
		}
		if p == c.t.Priority {
			return nil
		}
		kind := EventPriorityChanged
		if by.IsStaff() {
			kind = EventPriorityOverridden
		}
		c.event(kind, FieldPriority, string(c.t.Priority), string(p), int64(c.t.Priority.Rank()), int64(p.Rank()))
		c.t.Priority = p
		c.t.PriorityOverridden = true
		return nil
	})
}

// SetUrgencyImpact changes urgency and impact; unless an agent has
// overridden the priority, the matrix proposes it again.
func (t *Ticket) SetUrgencyImpact(u Urgency, i Impact, m PriorityMatrix, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("set urgency and impact", by, byStaff|bySystem, now, func(c *change) error {
		var v ValidationError
		if !u.Valid() {
			v.Add("urgency", "error.invalid")
		}
		if !i.Valid() {
			v.Add("impact", "error.invalid")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := m.Validate(); err != nil {
			return fmt.Errorf("priority matrix: %w", err)
		}
		if u != c.t.Urgency {
			c.event(EventFieldChanged, FieldUrgency, string(c.t.Urgency), string(u), 0, 0)
			c.t.Urgency = u
		}
		if i != c.t.Impact {
			c.event(EventFieldChanged, FieldImpact, string(c.t.Impact), string(i), 0, 0)
			c.t.Impact = i
		}
		if p := m.Propose(i, u); !c.t.PriorityOverridden && p != c.t.Priority {
			c.event(EventPriorityChanged, FieldPriority, string(c.t.Priority), string(p), int64(c.t.Priority.Rank()), int64(p.Rank()))
			c.t.Priority = p
		}
		return nil
	})
}

// SetCategory sets the category; the zero Category clears it.
func (t *Ticket) SetCategory(cat Category, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("set category", by, byStaff|bySystem, now, func(c *change) error {
		if cat.ID < 0 {
			return invalid("category", "error.invalid")
		}
		if cat.ID == c.t.Category {
			return nil
		}
		c.event(EventCategoryChanged, FieldCategory, c.t.CategoryName, cat.Name, int64(c.t.Category), int64(cat.ID))
		c.t.Category, c.t.CategoryName = cat.ID, cat.Name
		return nil
	})
}

// Assign gives the ticket to agent, who must be an active agent or admin of
// the tenant and, when the ticket has a group, one of its members; group is
// the ticket's current group (the zero Group when it has none). Assigning a
// new ticket opens it.
func (t *Ticket) Assign(agent User, group Group, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("assign", by, byStaff|bySystem, now, func(c *change) error {
		if group.ID != c.t.Group {
			return fmt.Errorf("group %d is not the ticket's group %d: %w", group.ID, c.t.Group, ErrConflict)
		}
		if agent.ID == 0 || agent.Tenant != c.t.Tenant || !agent.Role.IsStaff() || !agent.Active {
			return invalid("assignee", "error.invalid")
		}
		if group.ID != 0 && !group.HasMember(agent.ID) {
			return invalid("assignee", "error.assignee_not_in_group")
		}
		c.setAssignee(agent.ID, agent.Name)
		if c.t.Status == StatusNew {
			c.setStatus(StatusOpen)
		}
		return nil
	})
}

// Unassign removes the assignee; the group stays.
func (t *Ticket) Unassign(by Actor, now time.Time) ([]Event, error) {
	return t.mutate("unassign", by, byStaff|bySystem, now, func(c *change) error {
		if c.t.Assignee == 0 {
			return nil
		}
		if c.t.Status == StatusSolved {
			// A solved ticket keeps the agent who solved it (see solve).
			return invalid("assignee", "error.assignee_required_solved")
		}
		c.setAssignee(0, "")
		return nil
	})
}

// SetGroup moves the ticket to group g (the zero Group: no group). An
// assignee who is not a member of g is removed, as in Zendesk.
func (t *Ticket) SetGroup(g Group, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("set group", by, byStaff|bySystem, now, func(c *change) error {
		if g.ID < 0 {
			return invalid("group", "error.invalid")
		}
		if g.ID == c.t.Group {
			return nil
		}
		c.moveGroup(EventGroupChanged, g)
		return nil
	})
}

// Escalate moves the ticket from its current group (from, the zero Group
// when it has none) to a group of a higher tier, by hand or by rule, and
// counts an escalation.
func (t *Ticket) Escalate(from, to Group, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("escalate", by, byStaff|bySystem, now, func(c *change) error {
		if from.ID != c.t.Group {
			return fmt.Errorf("group %d is not the ticket's group %d: %w", from.ID, c.t.Group, ErrConflict)
		}
		if to.ID <= 0 || to.ID == from.ID || to.Tier <= from.Tier {
			return invalid("group", "error.escalation_tier")
		}
		c.moveGroup(EventEscalated, to)
		c.t.Escalations++
		return nil
	})
}

func (c *change) moveGroup(kind EventKind, g Group) {
	t := c.t
	c.event(kind, FieldGroup, t.GroupName, g.Name, int64(t.Group), int64(g.ID))
	t.Group, t.GroupName = g.ID, g.Name
	t.GroupChanges++
	if t.Assignee != 0 && g.ID != 0 && !g.HasMember(t.Assignee) {
		if t.Status == StatusSolved {
			// Keep the solver rather than leave a solved ticket unassigned.
			return
		}
		c.setAssignee(0, "")
	}
}

// SetTags replaces the tag set (see NormaliseTags).
func (t *Ticket) SetTags(tags []string, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("set tags", by, byStaff|bySystem, now, func(c *change) error {
		norm, err := NormaliseTags(tags)
		if err != nil {
			return err
		}
		if slices.Equal(norm, c.t.Tags) {
			return nil
		}
		c.event(EventTagsChanged, FieldTags, strings.Join(c.t.Tags, " "), strings.Join(norm, " "), 0, 0)
		c.t.Tags = norm
		return nil
	})
}

// SetCustomFields sets or clears custom field values: values maps a field to
// its submitted text (see CustomFieldDef.Parse; empty clears). Every field
// must be an active definition in defs. All problems are reported at once
// and nothing is changed unless every value is valid.
func (t *Ticket) SetCustomFields(defs []CustomFieldDef, values map[CustomFieldID]string, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("set custom fields", by, byStaff|bySystem, now, func(c *change) error {
		return c.setFields(defs, values, false)
	})
}

// setFields applies values in field-id order; customer limits them to
// customer-visible fields and enforces Required.
func (c *change) setFields(defs []CustomFieldDef, values map[CustomFieldID]string, customer bool) error {
	byID := make(map[CustomFieldID]CustomFieldDef, len(defs))
	for _, d := range defs {
		if d.Active && (!customer || d.CustomerVisible) {
			byID[d.ID] = d
		}
	}
	ids := make([]CustomFieldID, 0, len(values))
	for id := range values {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var v ValidationError
	type parsed struct {
		def CustomFieldDef
		val CustomFieldValue
		ok  bool
	}
	var out []parsed
	for _, id := range ids {
		d, known := byID[id]
		if !known {
			v.Add(fmt.Sprintf("%s%d", customFieldPrefix, id), "error.invalid")
			continue
		}
		val, ok, err := d.Parse(values[id])
		if err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				for f, k := range ve.Fields {
					v.Add(f, k)
				}
				continue
			}
			return err
		}
		if !customer && d.AgentRequired && (!ok || d.Type == FieldCheckbox && !val.Bool) {
			v.Add(customFieldPrefix+d.Key, "error.required")
			continue
		}
		out = append(out, parsed{d, val, ok})
	}
	if customer {
		for _, d := range byID {
			val, ok, _ := d.Parse(values[d.ID])
			if _, given := values[d.ID]; !given {
				ok = false
			}
			if d.missing(val, ok) {
				v.Add(customFieldPrefix+d.Key, "error.required")
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	for _, p := range out {
		old, had := c.t.Field(p.def.ID)
		switch {
		case !p.ok && !had:
			continue
		case p.ok && had && old == p.val:
			continue
		}
		from, to := "", ""
		if had {
			from = old.String()
		}
		if p.ok {
			to = p.val.String()
		}
		c.t.Fields = slices.DeleteFunc(c.t.Fields, func(f CustomFieldValue) bool { return f.Field == p.def.ID })
		if p.ok {
			c.t.Fields = append(c.t.Fields, p.val)
			slices.SortFunc(c.t.Fields, func(a, b CustomFieldValue) int { return int(a.Field - b.Field) })
		}
		c.event(EventFieldChanged, customFieldPrefix+p.def.Key, from, to, 0, int64(p.def.ID))
	}
	return nil
}

// AddFollower adds user u (an agent, or a customer being copied in) to the
// followers, who receive public replies. Only staff may.
func (t *Ticket) AddFollower(u User, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("add follower", by, byStaff, now, func(c *change) error {
		if u.ID == 0 || u.Tenant != c.t.Tenant || !u.Active {
			return invalid("follower", "error.invalid")
		}
		if c.t.IsFollower(u.ID) {
			return nil
		}
		if len(c.t.Followers) >= MaxFollowers {
			return invalid("follower", "error.followers_too_many")
		}
		c.t.Followers = append(c.t.Followers, u.ID)
		slices.Sort(c.t.Followers)
		c.event(EventFollowerAdded, FieldFollower, "", u.Name, 0, int64(u.ID))
		return nil
	})
}

// RemoveFollower removes user u from the followers. Staff may remove anyone;
// a customer may remove only themselves (stop receiving updates).
func (t *Ticket) RemoveFollower(u User, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("remove follower", by, byStaff|byParticipant, now, func(c *change) error {
		if by.IsCustomer() && by.User != u.ID {
			return ErrForbidden
		}
		if !c.t.IsFollower(u.ID) {
			return nil
		}
		c.t.Followers = slices.DeleteFunc(c.t.Followers, func(id UserID) bool { return id == u.ID })
		c.event(EventFollowerRemoved, FieldFollower, u.Name, "", int64(u.ID), 0)
		return nil
	})
}

// Link relates the ticket to another one of the same tenant. Only "related"
// links are made by hand; duplicates go through MarkDuplicate and follow-ups
// through FollowUp. The other ticket is not changed, so it may be closed.
func (t *Ticket) Link(other TicketRef, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("link", by, byStaff, now, func(c *change) error {
		return c.addLink(LinkRelated, other)
	})
}

func (c *change) addLink(kind LinkKind, other TicketRef) error {
	t := c.t
	if other.ID <= 0 || other.Number <= 0 || other.ID == t.ID || other.Number == t.Number {
		return invalid("link", "error.invalid")
	}
	l := Link{Kind: kind, Ticket: other}
	if slices.Contains(t.Links, l) {
		return nil
	}
	if len(t.Links) >= MaxLinks {
		return invalid("link", "error.links_too_many")
	}
	t.Links = append(t.Links, l)
	c.event(EventLinked, FieldLink, string(kind), other.Number.String(), 0, int64(other.ID))
	return nil
}

// MarkDuplicate records that the ticket repeats other and solves it (the
// requester can still reply, which reopens it, until it closes).
func (t *Ticket) MarkDuplicate(other TicketRef, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("mark duplicate", by, byStaff, now, func(c *change) error {
		if err := c.addLink(LinkDuplicateOf, other); err != nil {
			return err
		}
		if len(c.events) == 0 && c.t.Status == StatusSolved {
			return nil // already marked and solved: nothing to do
		}
		c.event(EventMarkedDuplicate, FieldLink, "", other.Number.String(), 0, int64(other.ID))
		c.solve()
		return nil
	})
}

// MergeInto merges t into target, both of the same tenant and neither
// closed: t is closed with a link to target. When both tickets have the same
// requester, target also gains t's followers, so they keep receiving
// updates. With different requesters nobody is carried over: a follower
// reads the whole public conversation, and one customer must never read
// another's by way of a merge (an agent may add followers explicitly). It
// returns the events of each ticket. Copying the comments is the store's
// part. On failure neither ticket changes.
func (t *Ticket) MergeInto(target *Ticket, by Actor, now time.Time) (src, dst []Event, err error) {
	if err := target.authorize(by, byStaff); err != nil {
		return nil, nil, t.wrap("merge", err)
	}
	if target.Status.Final() {
		return nil, nil, t.wrap("merge into "+target.Number.String(), ErrTicketClosed)
	}
	if target.ID == t.ID {
		return nil, nil, t.wrap("merge", invalid("target", "error.merge_self"))
	}
	tc := target.Clone()
	dc := &change{t: &tc, by: by, author: AuthorOf(by), now: now.UTC()}
	src, err = t.mutate("merge", by, byStaff, now, func(c *change) error {
		c.t.MergedInto = target.Ref()
		c.event(EventMerged, FieldMergedInto, "", target.Number.String(), 0, int64(target.ID))
		c.setStatus(StatusClosed)

		var add []UserID
		if sameRequester(c.t.Requester, tc.Requester) {
			add = c.t.Followers
		}
		for _, u := range add {
			if !tc.IsFollower(u) && u != tc.Requester.User && len(tc.Followers) < MaxFollowers {
				tc.Followers = append(tc.Followers, u)
			}
		}
		slices.Sort(tc.Followers)
		dc.event(EventMergeReceived, FieldMergedFrom, "", c.t.Number.String(), 0, int64(c.t.ID))
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	tc.Version++
	tc.UpdatedAt = dc.now
	*target = tc
	return src, dc.events, nil
}

// ClaimGuest turns a guest requester into user u once the channel has
// proved that u owns the guest's email (a verified link, an authenticated
// sign-up). Only staff and the system may.
func (t *Ticket) ClaimGuest(u User, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("claim guest", by, byStaff|bySystem, now, func(c *change) error {
		if !c.t.Requester.IsGuest() {
			return fmt.Errorf("requester is not a guest: %w", ErrConflict)
		}
		if u.ID == 0 || u.Tenant != c.t.Tenant || !u.Active || NormaliseEmail(u.Email) != NormaliseEmail(c.t.Requester.Email) {
			return invalid("requester", "error.invalid")
		}
		c.event(EventRequesterChanged, FieldRequester, c.t.Requester.Name, u.Name, 0, int64(u.ID))
		c.t.Requester = Requester{User: u.ID, Name: u.Name, Email: u.Email}
		if c.t.Organisation == 0 {
			c.t.Organisation = u.Organisation
		}
		return nil
	})
}

// NewTicket is what opening a ticket submits, from any channel.
type NewTicket struct {
	Subject         string
	Description     string
	DescriptionHTML string // already sanitised (email channel); optional
	Channel         Channel
	// Requester is who the ticket is for, given by staff and channels: a
	// user (User set) or a guest (Name and Email). A customer opens tickets
	// for themselves and leaves it zero.
	Requester Requester
	Category  CategoryID
	Urgency   Urgency // empty: medium
	Impact    Impact  // empty: medium
	// Priority is an agent's explicit choice; empty lets the matrix propose.
	Priority    Priority
	Tags        []string                 // staff and system only
	Fields      map[CustomFieldID]string // customers: customer-visible fields only
	Attachments []NewAttachment
}

// OpenContext is what the Service looked up before a ticket is opened.
type OpenContext struct {
	Requester *User    // the requester's account; nil for a guest
	Category  Category // zero when none was chosen
	Defs      []CustomFieldDef
	Matrix    PriorityMatrix
	Limits    AttachmentLimits
}

// Open decides a new ticket: it cleans and validates in (in place), checks
// what the actor may set, and returns the ticket (ID and Number are assigned
// by the store), its description as the first comment, and the events.
// Customers open tickets for themselves; staff and channels (the system) for
// any requester.
func (in *NewTicket) Open(rc OpenContext, by Actor, now time.Time) (Ticket, NewComment, []Event, error) {
	now = now.UTC()
	fail := func(err error) (Ticket, NewComment, []Event, error) {
		return Ticket{}, NewComment{}, nil, fmt.Errorf("helpdesk: open ticket: %w", err)
	}
	switch {
	case by.Kind == ActorSystem:
	case by.Kind == ActorUser && by.User != 0 && (by.IsStaff() || by.IsCustomer()):
	default:
		return fail(ErrForbidden)
	}
	customer := by.IsCustomer()
	if customer && (in.Requester != (Requester{}) || in.Priority != "" || len(in.Tags) > 0) {
		return fail(ErrForbidden) // staff-only inputs: a form must never pass them for a customer
	}

	in.Subject = CleanLine(in.Subject)
	in.Requester.Name = CleanLine(in.Requester.Name)
	in.Requester.Email = NormaliseEmail(in.Requester.Email)
	var v ValidationError
	switch {
	case in.Subject == "":
		v.Add("subject", "error.required")
	case runeLen(in.Subject) > MaxSubjectLen:
		v.Add("subject", "error.too_long")
	}
	if !in.Channel.Valid() {
		v.Add("channel", "error.invalid")
	}
	if in.Urgency == "" {
		in.Urgency = UrgencyMedium
	}
	if in.Impact == "" {
		in.Impact = ImpactMedium
	}
	if !in.Urgency.Valid() {
		v.Add("urgency", "error.invalid")
	}
	if !in.Impact.Valid() {
		v.Add("impact", "error.invalid")
	}
	if in.Priority != "" && !in.Priority.Valid() {
		v.Add("priority", "error.invalid")
	}
	if in.Category < 0 || in.Category != rc.Category.ID {
		v.Add("category", "error.invalid")
	}

	req := in.Requester
	switch {
	case customer:
		if rc.Requester == nil || rc.Requester.ID != by.User || rc.Requester.Tenant != by.Tenant {
			return fail(fmt.Errorf("requester account not resolved: %w", ErrForbidden))
		}
		req = Requester{User: rc.Requester.ID, Name: rc.Requester.Name, Email: rc.Requester.Email}
	case req.User != 0:
		u := rc.Requester
		if u == nil || u.ID != req.User || u.Tenant != by.Tenant || !u.Active {
			v.Add("requester", "error.invalid")
		} else {
			req = Requester{User: u.ID, Name: u.Name, Email: u.Email}
		}
	default:
		checkName(&v, "requester_name", req.Name)
		checkEmail(&v, "requester_email", req.Email)
	}

	tags, err := NormaliseTags(in.Tags)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			v.Add("tags", ve.Fields["tags"])
		}
	}
	first := NewComment{
		Visibility: Public, Author: Author{Kind: AuthorCustomer, User: req.User, Name: req.Name},
		Channel: in.Channel, Body: in.Description, HTML: in.DescriptionHTML,
		Attachments: in.Attachments, CreatedAt: now,
	}
	if by.IsStaff() {
		first.Author = AuthorOf(by) // an agent logging a call writes the description
	}
	if err := first.clean(rc.Limits, 0); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			for f, k := range ve.Fields {
				if f == "body" {
					f = "description"
				}
				v.Add(f, k)
			}
		}
	}
	if err := v.Err(); err != nil {
		return fail(err)
	}
	in.Description, in.DescriptionHTML, in.Attachments = first.Body, first.HTML, first.Attachments

	t := Ticket{
		Tenant: by.Tenant, Subject: in.Subject, Requester: req, Channel: in.Channel,
		Category: rc.Category.ID, CategoryName: rc.Category.Name,
		Urgency: in.Urgency, Impact: in.Impact, Priority: rc.Matrix.Propose(in.Impact, in.Urgency),
		Status: StatusNew, StatusChangedAt: now, Tags: tags,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if rc.Requester != nil {
		t.Organisation = rc.Requester.Organisation
	}
	if !t.Priority.Valid() {
		t.Priority = DefaultPriorityMatrix().Propose(in.Impact, in.Urgency)
	}
	ch := &change{t: &t, by: by, author: AuthorOf(by), now: now}
	ch.event(EventCreated, FieldSubject, "", t.Subject, 0, 0)
	if err := ch.setFields(rc.Defs, in.Fields, customer); err != nil {
		return fail(err)
	}
	// The field events of a new ticket are its initial values, not changes:
	// the created event and the ticket itself carry them.
	ch.events = ch.events[:1]
	if in.Priority != "" && in.Priority != t.Priority {
		t.Priority, t.PriorityOverridden = in.Priority, true
		ch.event(EventPriorityOverridden, FieldPriority, "", string(t.Priority), 0, int64(t.Priority.Rank()))
	} else {
		ch.event(EventPriorityChanged, FieldPriority, "", string(t.Priority), 0, int64(t.Priority.Rank()))
	}
	return t, first, ch.events, nil
}

// FollowUp opens a new ticket for a requester's reply to a closed ticket,
// linked to it (follow_up_of). As in Zendesk it keeps the closed ticket's
// requester, organisation, category, priority, urgency, impact, group,
// tags and custom fields, starts New and unassigned, and its description is
// the reply. The closed ticket is not changed.
func FollowUp(closed *Ticket, reply NewComment, by Actor, now time.Time) (Ticket, NewComment, []Event, error) {
	now = now.UTC()
	fail := func(err error) (Ticket, NewComment, []Event, error) {
		return Ticket{}, NewComment{}, nil, closed.wrap("follow up", err)
	}
	if err := closed.authorize(by, byParticipant|byGuest); err != nil {
		return fail(err)
	}
	if !closed.Status.Final() {
		return fail(fmt.Errorf("ticket is %s, not closed: %w", closed.Status, ErrInvalidTransition))
	}
	t := closed.Clone()
	t.ID, t.Number, t.Version = 0, 0, 1
	t.Status, t.StatusChangedAt = StatusNew, now
	t.Assignee, t.AssigneeName = 0, ""
	t.Links = []Link{{Kind: LinkFollowUpOf, Ticket: closed.Ref()}}
	t.MergedInto = TicketRef{}
	t.CreatedAt, t.UpdatedAt = now, now
	t.FirstReplyAt, t.SolvedAt, t.ClosedAt = time.Time{}, time.Time{}, time.Time{}
	t.PublicAgentReplies, t.Reopens, t.AssigneeChanges, t.GroupChanges, t.Escalations = 0, 0, 0, 0, 0
	reply.Visibility, reply.Author, reply.CreatedAt = Public, AuthorOf(by), now
	ch := &change{t: &t, by: by, author: AuthorOf(by), now: now}
	ch.event(EventCreated, FieldSubject, "", t.Subject, 0, 0)
	ch.event(EventLinked, FieldLink, string(LinkFollowUpOf), closed.Number.String(), 0, int64(closed.ID))
	return t, reply, ch.events, nil
}
