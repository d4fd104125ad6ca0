package helpdesk

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

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
// followers, who receive public replies. Only staff (and rules) may.
func (t *Ticket) AddFollower(u User, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("add follower", by, byStaff|bySystem, now, func(c *change) error {
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
