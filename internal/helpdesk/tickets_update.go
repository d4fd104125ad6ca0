package helpdesk

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// TicketChanges is everything an agent submits at once from the workspace
// ("Enviar como …"): field changes, an optional reply or note, and the
// status to leave the ticket in. Nil members (and a nil Fields map, empty
// AddTags) leave the ticket alone; a value equal to the current one
// changes nothing either.
type TicketChanges struct {
	Category *CategoryID // 0 clears
	Priority *Priority
	// Urgency and Impact: one given alone keeps the other as it is.
	Urgency  *Urgency
	Impact   *Impact
	Group    *GroupID // 0 removes the group
	Assignee *UserID  // 0 unassigns
	Fields   map[CustomFieldID]string
	Tags     *[]string // replaces the tags
	AddTags  []string  // added to the tags (after Tags)
	// Comment is the reply (Public) or internal note; nil or an empty body
	// without files adds none.
	Comment *ReplyInput
	// Status is applied last, after the reply moved New to Open.
	Status *Status
	// Time is the agent's time entry for this submission; zero Minutes
	// logs none.
	Time TimeInput
	// Workspace marks a person's submission of the ticket workspace, where
	// the desk may require the time spent; an integration's update (the
	// API) logs no time and is not held to it.
	Workspace bool
}

// HasComment reports whether c carries a reply or note to add.
func (c TicketChanges) HasComment() bool {
	return c.Comment != nil && (CleanText(c.Comment.Body) != "" || len(c.Comment.Attachments) > 0)
}

// Update applies every change of in to the ticket in one transaction, as
// one update: one version bump, the events of every step, the comment, and
// the SLA, notification and trigger consequences seen once. It reuses the
// pure Ticket methods in a fixed order (category, priority, urgency and
// impact, group, assignee, custom fields, tags, the reply, the status), so
// each field keeps its own rules; the first refusal changes nothing. Staff
// only.
func (s *Service) Update(ctx context.Context, by Actor, at TicketVersion, in TicketChanges) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff); err != nil {
			return nil, nil, t.wrap("update", err)
		}
		if t.Status.Final() {
			return nil, nil, t.wrap("update", ErrTicketClosed)
		}
		base := t.Version
		st, err := settings(ctx, tx, by.Tenant)
		if err != nil {
			return nil, nil, err
		}
		if err := in.Time.check(st.RequireTime && in.Workspace); err != nil {
			return nil, nil, err
		}
		evs, err := s.updateFields(ctx, tx, by, t, in, st, now)
		if err != nil {
			return nil, nil, err
		}
		var note *NewComment
		if in.HasComment() {
			var more []Event
			if note, more, err = s.updateComment(ctx, tx, by, t, *in.Comment, now); err != nil {
				return nil, nil, err
			}
			evs = append(evs, more...)
		}
		if in.Status != nil {
			more, err := t.Transition(*in.Status, by, now)
			if err != nil {
				return nil, nil, err
			}
			evs = append(evs, more...)
		}
		if in.Time.Minutes > 0 {
			if err := tx.AddTimeEntry(ctx, by.Tenant, in.Time.entry(by, t, now)); err != nil {
				return nil, nil, fmt.Errorf("helpdesk: time entry on %s: %w", t.Number, err)
			}
		}
		if len(evs) > 0 {
			t.Version = base + 1 // one update, however many steps decided it
		}
		return evs, note, nil
	})
}

// updateFields applies the field changes of in, in order.
func (s *Service) updateFields(ctx context.Context, tx Store, by Actor, t *Ticket, in TicketChanges, st TicketSettings, now time.Time) ([]Event, error) {
	var evs []Event
	step := func(more []Event, err error) error {
		evs = append(evs, more...)
		return err
	}
	if in.Category != nil && *in.Category != t.Category {
		var cat Category
		if *in.Category != 0 {
			var err error
			if cat, err = tx.Category(ctx, by.Tenant, *in.Category); err != nil {
				return nil, lookupErr("category", err)
			}
			if cat.Archived() {
				return nil, lookupErr("category", ErrNotFound)
			}
		}
		if err := step(t.SetCategory(cat, by, now)); err != nil {
			return nil, err
		}
	}
	if in.Priority != nil {
		if err := step(t.SetPriority(*in.Priority, by, now)); err != nil {
			return nil, err
		}
	}
	if in.Urgency != nil || in.Impact != nil {
		u, i := t.Urgency, t.Impact
		if in.Urgency != nil {
			u = *in.Urgency
		}
		if in.Impact != nil {
			i = *in.Impact
		}
		if err := step(t.SetUrgencyImpact(u, i, st.Matrix, by, now)); err != nil {
			return nil, err
		}
	}
	more, err := s.updateAssignment(ctx, tx, by, t, in, now)
	if err := step(more, err); err != nil {
		return nil, err
	}
	if in.Fields != nil {
		defs, err := tx.CustomFieldDefs(ctx, by.Tenant)
		if err != nil {
			return nil, fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		if err := step(t.SetCustomFields(defs, changedFields(defs, t, in.Fields), by, now)); err != nil {
			return nil, err
		}
	}
	if in.Tags != nil || len(in.AddTags) > 0 {
		tags := t.Tags
		if in.Tags != nil {
			tags = *in.Tags
		}
		if err := step(t.SetTags(append(slices.Clone(tags), in.AddTags...), by, now)); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

// updateAssignment moves the group, then the assignee (who must belong to
// the resulting group), as Assign does.
func (s *Service) updateAssignment(ctx context.Context, tx Store, by Actor, t *Ticket, in TicketChanges, now time.Time) ([]Event, error) {
	var evs []Event
	if in.Group != nil && *in.Group != t.Group {
		g, err := group(ctx, tx, by.Tenant, *in.Group)
		if err != nil {
			return nil, err
		}
		if g.Archived() {
			return nil, invalid("group", "error.invalid")
		}
		if evs, err = t.SetGroup(g, by, now); err != nil {
			return nil, err
		}
	}
	if in.Assignee == nil || *in.Assignee == t.Assignee {
		return evs, nil
	}
	if *in.Assignee == 0 {
		more, err := t.Unassign(by, now)
		return append(evs, more...), err
	}
	agent, err := tx.User(ctx, by.Tenant, *in.Assignee)
	if err != nil {
		return nil, lookupErr("assignee", err)
	}
	g, err := group(ctx, tx, by.Tenant, t.Group)
	if err != nil {
		return nil, err
	}
	more, err := t.Assign(agent, g, by, now)
	return append(evs, more...), err
}

// updateComment builds the reply or note of an update and applies it as
// Reply does (a public reply counts and opens a New ticket).
func (s *Service) updateComment(ctx context.Context, tx Store, by Actor, t *Ticket, in ReplyInput, now time.Time) (*NewComment, []Event, error) {
	vis := Internal
	if in.Public {
		vis = Public
	}
	if err := CanReply(by, t, vis); err != nil {
		return nil, nil, t.wrap("reply", err)
	}
	if in.Signature && in.Public {
		a, err := tx.AgentSettings(ctx, by.Tenant, by.User)
		if err != nil {
			return nil, nil, err
		}
		in.Body = WithSignature(in.Body, a.Signature)
	}
	c, err := comment(ctx, tx, by, t, in.CommentInput, vis, now)
	if err != nil {
		return nil, nil, err
	}
	evs, err := t.ApplyAgentReply(in.Public, by, now)
	return c, evs, err
}

// changedFields keeps the values that differ from the ticket's, so a form
// that sends every field (an agent-required one still empty among them)
// changes, and checks, only what the agent changed. Unknown fields stay:
// SetCustomFields refuses them.
func changedFields(defs []CustomFieldDef, t *Ticket, values map[CustomFieldID]string) map[CustomFieldID]string {
	out := make(map[CustomFieldID]string, len(values))
	for id, raw := range values {
		i := slices.IndexFunc(defs, func(d CustomFieldDef) bool { return d.ID == id })
		if i < 0 {
			out[id] = raw
			continue
		}
		cur, had := t.Field(id)
		v, ok, err := defs[i].Parse(raw)
		switch {
		case err != nil:
			out[id] = raw // refused with the field's message
		case !ok && !had:
		case !ok && defs[i].Type == FieldCheckbox && !cur.Bool:
		case ok && had && v == cur:
		case ok && !had && defs[i].Type == FieldCheckbox && !v.Bool:
		default:
			out[id] = raw
		}
	}
	return out
}
