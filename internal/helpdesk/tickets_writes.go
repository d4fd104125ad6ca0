package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// events adapts a pure method that makes no comment to a stepFunc.
func events(fn func(t *Ticket, now time.Time) ([]Event, error)) stepFunc {
	return func(_ Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		evs, err := fn(t, now)
		return evs, nil, err
	}
}

// ChangeStatus moves the ticket by hand (staff only).
func (s *Service) ChangeStatus(ctx context.Context, by Actor, at TicketVersion, to Status) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.Transition(to, by, now)
	}))
}

// SetPriority overrides the proposed priority (staff) or sets it by rule
// (system).
func (s *Service) SetPriority(ctx context.Context, by Actor, at TicketVersion, p Priority) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.SetPriority(p, by, now)
	}))
}

// SetUrgencyImpact changes urgency and impact; the tenant's matrix proposes
// the priority again unless an agent overrode it.
func (s *Service) SetUrgencyImpact(ctx context.Context, by Actor, at TicketVersion, u Urgency, i Impact) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		st, err := settings(ctx, tx, by.Tenant)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.SetUrgencyImpact(u, i, st.Matrix, by, now)
		return evs, nil, err
	})
}

// SetCategory sets the category; 0 clears it.
func (s *Service) SetCategory(ctx context.Context, by Actor, at TicketVersion, id CategoryID) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff|bySystem); err != nil {
			return nil, nil, t.wrap("set category", err)
		}
		var cat Category
		if id != 0 {
			var err error
			if cat, err = tx.Category(ctx, by.Tenant, id); err != nil {
				return nil, nil, lookupErr("category", err)
			}
			// An archived category stays on the tickets that have it but
			// is given to no other.
			if cat.Archived() && cat.ID != t.Category {
				return nil, nil, lookupErr("category", ErrNotFound)
			}
		}
		evs, err := t.SetCategory(cat, by, now)
		return evs, nil, err
	})
}

// lookupErr turns a missing referenced row into a validation problem on the
// form field that named it.
func lookupErr(field string, err error) error {
	if errors.Is(err, ErrNotFound) {
		return invalid(field, "error.invalid")
	}
	return fmt.Errorf("helpdesk: load %s: %w", field, err)
}

// group loads group id, or the zero Group for id 0.
func group(ctx context.Context, tx Store, tenant TenantID, id GroupID) (Group, error) {
	if id == 0 {
		return Group{}, nil
	}
	g, err := tx.Group(ctx, tenant, id)
	if err != nil {
		return Group{}, lookupErr("group", err)
	}
	return g, nil
}

// Assign changes the group and/or the agent (staff, or the system for
// automatic assignment). Moving group first drops an assignee who is not a
// member; the agent must belong to the resulting group.
func (s *Service) Assign(ctx context.Context, by Actor, at TicketVersion, a Assignment) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff|bySystem); err != nil {
			return nil, nil, t.wrap("assign", err)
		}
		var evs []Event
		if a.Group != nil {
			g, err := group(ctx, tx, by.Tenant, *a.Group)
			if err != nil {
				return nil, nil, err
			}
			// An archived group keeps its tickets but takes no new ones.
			if g.Archived() && g.ID != t.Group {
				return nil, nil, invalid("group", "error.invalid")
			}
			if evs, err = t.SetGroup(g, by, now); err != nil {
				return nil, nil, err
			}
		}
		if a.Agent == nil {
			return evs, nil, nil
		}
		var more []Event
		var err error
		if *a.Agent == 0 {
			more, err = t.Unassign(by, now)
		} else {
			agent, lerr := tx.User(ctx, by.Tenant, *a.Agent)
			if lerr != nil {
				return nil, nil, lookupErr("assignee", lerr)
			}
			g, gerr := group(ctx, tx, by.Tenant, t.Group)
			if gerr != nil {
				return nil, nil, gerr
			}
			more, err = t.Assign(agent, g, by, now)
		}
		return append(evs, more...), nil, err
	})
}

// Unassign removes the assignee.
func (s *Service) Unassign(ctx context.Context, by Actor, at TicketVersion) (Ticket, error) {
	zero := UserID(0)
	return s.Assign(ctx, by, at, Assignment{Agent: &zero})
}

// Escalate moves the ticket to a group of a higher tier and counts an
// escalation.
func (s *Service) Escalate(ctx context.Context, by Actor, at TicketVersion, to GroupID) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff|bySystem); err != nil {
			return nil, nil, t.wrap("escalate", err)
		}
		from, err := group(ctx, tx, by.Tenant, t.Group)
		if err != nil {
			return nil, nil, err
		}
		if to <= 0 {
			return nil, nil, invalid("group", "error.invalid")
		}
		target, err := group(ctx, tx, by.Tenant, to)
		if err != nil {
			return nil, nil, err
		}
		if target.Archived() {
			return nil, nil, invalid("group", "error.invalid")
		}
		evs, err := t.Escalate(from, target, by, now)
		return evs, nil, err
	})
}

// SetTags replaces the ticket's tags.
func (s *Service) SetTags(ctx context.Context, by Actor, at TicketVersion, tags []string) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.SetTags(tags, by, now)
	}))
}

// AddTags adds tags to the ticket's own, under the ticket's lock, so two
// agents adding tags at once never drop each other's.
func (s *Service) AddTags(ctx context.Context, by Actor, at TicketVersion, tags []string) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.SetTags(append(slices.Clone(t.Tags), tags...), by, now)
	}))
}

// SetCustomFields sets or clears custom field values (empty text clears).
func (s *Service) SetCustomFields(ctx context.Context, by Actor, at TicketVersion, values map[CustomFieldID]string) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		defs, err := tx.CustomFieldDefs(ctx, by.Tenant)
		if err != nil {
			return nil, nil, fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		evs, err := t.SetCustomFields(defs, values, by, now)
		return evs, nil, err
	})
}

// Follow adds user as a follower (staff only).
func (s *Service) Follow(ctx context.Context, by Actor, at TicketVersion, user UserID) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff); err != nil {
			return nil, nil, t.wrap("follow", err)
		}
		u, err := tx.User(ctx, by.Tenant, user)
		if err != nil {
			return nil, nil, lookupErr("follower", err)
		}
		evs, err := t.AddFollower(u, by, now)
		return evs, nil, err
	})
}

// Unfollow removes user from the followers: staff remove anyone, a customer
// only themselves.
func (s *Service) Unfollow(ctx context.Context, by Actor, at TicketVersion, user UserID) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff|byParticipant); err != nil {
			return nil, nil, t.wrap("unfollow", err)
		}
		u, err := tx.User(ctx, by.Tenant, user)
		if errors.Is(err, ErrNotFound) {
			u, err = User{ID: user, Tenant: by.Tenant}, nil // a deleted user can still be removed
		}
		if err != nil {
			return nil, nil, fmt.Errorf("helpdesk: load follower: %w", err)
		}
		evs, err := t.RemoveFollower(u, by, now)
		return evs, nil, err
	})
}

// ConfirmSolution is the requester accepting the solution: the ticket closes.
func (s *Service) ConfirmSolution(ctx context.Context, by Actor, at TicketVersion) (Ticket, error) {
	return s.update(ctx, by, at, events(func(t *Ticket, now time.Time) ([]Event, error) {
		return t.ConfirmSolution(by, now)
	}))
}
