package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ParseAvailability turns a submitted value into an Availability.
func ParseAvailability(s string) (Availability, error) {
	if a := Availability(s); a.Valid() {
		return a, nil
	}
	return "", invalid("availability", "error.invalid")
}

// CategoryRouting is where a category sends its new tickets: a group (0:
// none) and a starting priority ("": let the matrix propose).
type CategoryRouting struct {
	DefaultGroup    GroupID
	DefaultPriority Priority
}

// RoutingCandidate is a member of a group as automatic assignment sees it.
type RoutingCandidate struct {
	Agent   User
	Away    bool
	MaxOpen int // 0: no cap
	// Open counts the tickets assigned to the agent in new, open, pending
	// or on hold, in every group.
	Open int
	// LastAssigned is when this group last gave the agent a ticket (zero:
	// never); the oldest goes first among equals.
	LastAssigned time.Time
	// Skilled is true when the agent handles the ticket's category: they
	// list it among their skills, or list no skills at all.
	Skilled bool
}

// RoutingGroup is a group with its mode and members, read under lock.
type RoutingGroup struct {
	Group      Group
	Mode       AssignmentMode
	Candidates []RoutingCandidate
}

// RoutingStore is what routing reads and writes.
type RoutingStore interface {
	// CategoryRouting returns a category's default group and priority.
	CategoryRouting(ctx context.Context, tenant TenantID, id CategoryID) (CategoryRouting, error)
	// LockRoutingGroup locks, until the transaction ends, the membership
	// rows of every member of group (in all their groups, in one fixed
	// order, so concurrent routings serialise per agent and cannot
	// deadlock), then reads the group's mode and its members with their
	// current load, availability, cap and skill for category. An archived
	// group reads as manual.
	LockRoutingGroup(ctx context.Context, tenant TenantID, group GroupID, category CategoryID) (RoutingGroup, error)
	// MarkAssigned records that group gave agent a ticket at at.
	MarkAssigned(ctx context.Context, tenant TenantID, group GroupID, agent UserID, at time.Time) error
	// SetAvailability stores an agent's availability.
	SetAvailability(ctx context.Context, tenant TenantID, agent UserID, a Availability) error
	// UnstartedTickets lists up to limit tickets assigned to agent that are
	// new or open and have no public agent reply, most recently changed
	// first.
	UnstartedTickets(ctx context.Context, tenant TenantID, agent UserID, limit int) ([]TicketNumber, error)
}

// PickAgent chooses the member a group in mode gives its next ticket, or
// reports false (manual mode, or nobody eligible). Eligible: an active
// agent or admin, available, with the category's skill and under their
// cap. The cap is respected in both automatic modes: it is a limit, not a
// preference. least_loaded takes the fewest open tickets, round_robin
// ignores load; ties go to the least recently assigned, then the lowest id,
// so the choice is deterministic.
func PickAgent(mode AssignmentMode, cands []RoutingCandidate) (User, bool) {
	if mode != AssignLeastLoaded && mode != AssignRoundRobin {
		return User{}, false
	}
	var best *RoutingCandidate
	for i := range cands {
		c := &cands[i]
		if !c.Agent.Active || !c.Agent.Role.IsStaff() || c.Away || !c.Skilled || (c.MaxOpen > 0 && c.Open >= c.MaxOpen) {
			continue
		}
		if best == nil || before(mode, c, best) {
			best = c
		}
	}
	if best == nil {
		return User{}, false
	}
	return best.Agent, true
}

func before(mode AssignmentMode, a, b *RoutingCandidate) bool {
	if mode == AssignLeastLoaded && a.Open != b.Open {
		return a.Open < b.Open
	}
	if !a.LastAssigned.Equal(b.LastAssigned) {
		return a.LastAssigned.Before(b.LastAssigned)
	}
	return a.Agent.ID < b.Agent.ID
}

// routeHints is what routing must know about how a ticket was opened.
type routeHints struct {
	// defaultPriority is true when nobody chose a priority, urgency or
	// impact, so the category's default priority may apply.
	defaultPriority bool
	// ccs are the addresses to copy on the new ticket (ccs.go).
	ccs []string
}

func hintsOf(priority Priority, u Urgency, i Impact) routeHints {
	return routeHints{defaultPriority: priority == "" && u == "" && i == ""}
}

// setDefaultPriority starts a new ticket at its category's priority. It is
// a proposal like the matrix's (priority_changed, not sticky), so a later
// change of urgency or impact proposes again.
func (t *Ticket) setDefaultPriority(p Priority, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("default priority", by, bySystem, now, func(c *change) error {
		if !p.Valid() || p == c.t.Priority {
			return nil
		}
		c.event(EventPriorityChanged, FieldPriority, string(c.t.Priority), string(p), int64(c.t.Priority.Rank()), int64(p.Rank()))
		c.t.Priority = p
		return nil
	})
}

// route applies the category's routing to a ticket being opened (not yet
// stored): default group, default priority, then automatic assignment in
// the group. Changes are the system's and are appended to evs.
func (s *Service) route(ctx context.Context, tx Store, t *Ticket, evs []Event, h routeHints, now time.Time) ([]Event, error) {
	sys := System(t.Tenant)
	if t.Category != 0 {
		cr, err := tx.CategoryRouting(ctx, t.Tenant, t.Category)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("helpdesk: routing of category %d: %w", t.Category, err)
		}
		if t.Group == 0 && cr.DefaultGroup != 0 {
			g, err := tx.Group(ctx, t.Tenant, cr.DefaultGroup)
			if err != nil {
				return nil, fmt.Errorf("helpdesk: default group %d: %w", cr.DefaultGroup, err)
			}
			more, err := t.SetGroup(g, sys, now)
			if err != nil {
				return nil, err
			}
			evs = append(evs, more...)
		}
		if h.defaultPriority && cr.DefaultPriority != "" {
			more, err := t.setDefaultPriority(cr.DefaultPriority, sys, now)
			if err != nil {
				return nil, err
			}
			evs = append(evs, more...)
		}
	}
	if t.Group == 0 {
		more, err := deskDefaultGroup(ctx, tx, t, sys, now)
		if err != nil {
			return nil, err
		}
		evs = append(evs, more...)
	}
	more, err := s.autoAssign(ctx, tx, t, now)
	if err != nil {
		return nil, err
	}
	return append(evs, more...), nil
}

// autoAssign gives an unassigned, unsolved ticket with a group to the
// member its group's mode picks, inside the caller's transaction (the
// members stay locked until it commits, so the next routing sees this
// assignment in their load). Manual groups and no eligible member leave
// it in the group's queue.
func (s *Service) autoAssign(ctx context.Context, tx Store, t *Ticket, now time.Time) ([]Event, error) {
	if t.Group == 0 || t.Assignee != 0 || !t.Status.Unsolved() {
		return nil, nil
	}
	rg, err := tx.LockRoutingGroup(ctx, t.Tenant, t.Group, t.Category)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: route %s in group %d: %w", t.Number, t.Group, err)
	}
	agent, ok := PickAgent(rg.Mode, rg.Candidates)
	if !ok {
		return nil, nil
	}
	evs, err := t.Assign(agent, rg.Group, System(t.Tenant), now)
	if err != nil {
		return nil, err
	}
	if err := tx.MarkAssigned(ctx, t.Tenant, t.Group, agent.ID, now); err != nil {
		return nil, fmt.Errorf("helpdesk: mark assigned: %w", err)
	}
	return evs, nil
}

// createRouted routes a ticket decided by Open, stores it, starts its SLA
// clocks, runs the "created" triggers on it and queues the requester's
// acknowledgement: every channel opens tickets through it. The
// ticket is stored at version 1 whatever routing did: it is new.
func (s *Service) createRouted(ctx context.Context, tx Store, t Ticket, first NewComment, evs []Event, h routeHints) (Ticket, error) {
	now := s.now()
	evs, err := s.route(ctx, tx, &t, evs, h, now)
	if err != nil {
		return Ticket{}, err
	}
	ccs, ccEvs, err := openCCs(t, first.Author, h.ccs)
	if err != nil {
		return Ticket{}, err
	}
	t.Version = 1
	created, err := tx.CreateTicket(ctx, t.Tenant, t, first, append(evs, ccEvs...))
	if err != nil {
		return Ticket{}, fmt.Errorf("helpdesk: create ticket: %w", err)
	}
	created.quiet = t.quiet
	// The clocks start from the routed ticket (its group and priority may
	// select the policy), before triggers change it: their saves sync
	// their own changes.
	if err := syncSLA(ctx, tx, created.Tenant, created, evs); err != nil {
		return Ticket{}, err
	}
	if c, ok := tx.(*creationStore); ok {
		if err := c.settled(); err != nil {
			return Ticket{}, err
		}
	}
	// After the first SLA state: a creation writes the new ticket's row
	// with it (creationStore).
	if len(ccs) > 0 {
		if err := tx.AddTicketCCs(ctx, created.Tenant, created.ID, ccs); err != nil {
			return Ticket{}, fmt.Errorf("helpdesk: ccs of new ticket: %w", err)
		}
	}
	if err := s.runTriggers(ctx, tx, &created, OnCreated, first.Body); err != nil {
		return Ticket{}, err
	}
	// The acknowledgement tells the requester the ticket as routing and
	// the triggers left it.
	if err := s.notifyCreated(ctx, tx, created); err != nil {
		return Ticket{}, err
	}
	return created, nil
}

// MaxHandBack bounds how many tickets one "away" hands back at once.
const MaxHandBack = 200

// SetAvailability sets the acting agent's own availability. Going away
// with handBack also returns the agent's unstarted tickets (new or open,
// no public reply from an agent yet) to their group: each is unassigned by
// the agent and routed again by the group's mode (the agent, now away, is
// skipped), or left in the group queue. It returns how many were handed
// back.
func (s *Service) SetAvailability(ctx context.Context, by Actor, a Availability, handBack bool) (int, error) {
	if !by.IsStaff() {
		return 0, fmt.Errorf("helpdesk: set availability: %w", ErrForbidden)
	}
	if _, err := ParseAvailability(string(a)); err != nil {
		return 0, err
	}
	handed := 0
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if err := tx.SetAvailability(ctx, by.Tenant, by.User, a); err != nil {
			return fmt.Errorf("helpdesk: set availability: %w", err)
		}
		if a != Away || !handBack {
			return nil
		}
		nums, err := tx.UnstartedTickets(ctx, by.Tenant, by.User, MaxHandBack)
		if err != nil {
			return fmt.Errorf("helpdesk: unstarted tickets: %w", err)
		}
		for _, n := range nums {
			ok, err := s.handBack(ctx, tx, by, n)
			if err != nil {
				return err
			}
			if ok {
				handed++
			}
		}
		return nil
	})
	return handed, err
}

// handBack unassigns one unstarted ticket of by and routes it again. A
// ticket that changed meanwhile (replied to, reassigned) is left alone.
func (s *Service) handBack(ctx context.Context, tx Store, by Actor, n TicketNumber) (bool, error) {
	t, err := tx.TicketForUpdate(ctx, by.Tenant, n)
	if err != nil {
		return false, fmt.Errorf("helpdesk: hand back %s: %w", n, err)
	}
	if t.Assignee != by.User || t.PublicAgentReplies > 0 || !slices.Contains([]Status{StatusNew, StatusOpen}, t.Status) {
		return false, nil
	}
	base, now := t.Version, s.now()
	evs, err := t.Unassign(by, now)
	if err != nil {
		return false, err
	}
	more, err := s.autoAssign(ctx, tx, &t, now)
	if err != nil {
		return false, err
	}
	if err := save(ctx, tx, by.Tenant, t, base, append(evs, more...), nil); err != nil {
		return false, err
	}
	return true, s.runTriggers(ctx, tx, &t, OnUpdated, "")
}
