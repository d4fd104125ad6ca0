package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// Escalation is an agent's "Escalar": the group to move the ticket to and
// why. The reason is kept as an internal note in the same update.
type Escalation struct {
	To     GroupID
	Reason string
}

// EscalationTargets lists the groups ticket t may be escalated to by by:
// the active groups of a higher tier than its group, or, for admins, any
// other active group (Override marks those below or at the same tier).
type EscalationTarget struct {
	Group    Group
	Override bool
}

// EscalationTargets filters groups (the desk's active ones) for ticket t.
func EscalationTargets(by Actor, t Ticket, groups []Group) []EscalationTarget {
	tier := 0
	for _, g := range groups {
		if g.ID == t.Group {
			tier = g.Tier
		}
	}
	var out []EscalationTarget
	for _, g := range groups {
		switch {
		case g.ID == t.Group || g.Archived():
		case t.Group == 0 || g.Tier > tier:
			out = append(out, EscalationTarget{Group: g})
		case by.IsAdmin():
			out = append(out, EscalationTarget{Group: g, Override: true})
		}
	}
	return out
}

// EscalateWithReason escalates the ticket as Escalate does, with the
// reason as an internal note, in one update (one version, the escalated
// event and the note): SLA clocks and the "updated" triggers see it as
// any change. Admins may escalate to a group that is not of a higher
// tier; it still counts as an escalation.
func (s *Service) EscalateWithReason(ctx context.Context, by Actor, at TicketVersion, in Escalation) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		if err := t.authorize(by, byStaff); err != nil {
			return nil, nil, t.wrap("escalate", err)
		}
		base := t.Version
		reason := CleanText(in.Reason)
		if reason == "" {
			return nil, nil, invalid("reason", "error.required")
		}
		if in.To <= 0 {
			return nil, nil, invalid("group", "error.invalid")
		}
		from, err := group(ctx, tx, by.Tenant, t.Group)
		if err != nil {
			return nil, nil, err
		}
		target, err := group(ctx, tx, by.Tenant, in.To)
		if err != nil {
			return nil, nil, err
		}
		if target.Archived() {
			return nil, nil, invalid("group", "error.invalid")
		}
		var evs []Event
		if target.Tier <= from.Tier && by.IsAdmin() && target.ID != from.ID {
			evs, err = t.mutate("escalate", by, byStaff, now, func(c *change) error {
				c.moveGroup(EventEscalated, target)
				c.t.Escalations++
				return nil
			})
		} else {
			evs, err = t.Escalate(from, target, by, now)
		}
		if err != nil {
			return nil, nil, err
		}
		note, err := comment(ctx, tx, by, t, CommentInput{Body: reason, Channel: ChannelWeb}, Internal, now)
		if err != nil {
			return nil, nil, fmt.Errorf("helpdesk: escalation reason: %w", err)
		}
		more, err := t.ApplyAgentReply(false, by, now)
		if err != nil {
			return nil, nil, err
		}
		t.Version = base + 1 // one update, however many steps decided it
		return append(evs, more...), note, nil
	})
}
