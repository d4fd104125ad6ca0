package helpdesk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// errMacroComment: the macro has a text to post but the rule already
// posted a note in this run (a run saves one comment).
var errMacroComment = fmt.Errorf("a rule posts one comment per run: %w", ErrConflict)

// applyMacro makes a shared macro's changes on t as one action: its status,
// priority and tags through the same ticket methods an agent's macro
// reaches, and its text as a public reply by the automation (expanded as
// for an agent). A macro that is gone, or no longer shared, fails the
// action (ErrNotFound); a part that fails leaves the ticket as it was
// before the action.
func (s *Service) applyMacro(ctx context.Context, tx Store, t *Ticket, id MacroID, posted bool, now time.Time) ([]Event, *NewComment, error) {
	m, err := tx.Macro(ctx, t.Tenant, id)
	if err != nil {
		return nil, nil, fmt.Errorf("helpdesk: macro %d: %w", id, err)
	}
	if !m.Shared() {
		return nil, nil, fmt.Errorf("helpdesk: macro %d is personal: %w", id, ErrNotFound)
	}
	body := strings.TrimSpace(m.Body)
	if body != "" && posted {
		return nil, nil, errMacroComment
	}
	before := t.Clone()
	evs, c, err := t.macroChanges(m, now)
	if err != nil {
		*t = before
		return nil, nil, err
	}
	return evs, c, nil
}

func (t *Ticket) macroChanges(m Macro, now time.Time) ([]Event, *NewComment, error) {
	sys := System(t.Tenant)
	var evs []Event
	var c *NewComment
	if strings.TrimSpace(m.Body) != "" {
		more, err := t.automationReply(sys, now)
		if err != nil {
			return nil, nil, err
		}
		evs = append(evs, more...)
		c = &NewComment{Visibility: Public, Author: AuthorOf(sys), Channel: ChannelWeb,
			Body: ExpandMacro(m, *t, t.Requester.Name, t.AssigneeName), CreatedAt: now}
	}
	if m.Status != "" {
		more, err := t.automationTransition(m.Status, sys, now)
		if err != nil {
			return nil, nil, err
		}
		evs = append(evs, more...)
	}
	if m.Priority != "" && m.Priority != t.Priority {
		more, err := t.SetPriority(m.Priority, sys, now)
		if err != nil {
			return nil, nil, err
		}
		evs = append(evs, more...)
	}
	if len(m.Tags) > 0 {
		more, err := t.SetTags(append(slices.Clone(t.Tags), m.Tags...), sys, now)
		if err != nil {
			return nil, nil, err
		}
		evs = append(evs, more...)
	}
	return evs, c, nil
}

// automationReply records a public comment by the system (a rule's
// macro): the requester is written to as for an agent's reply, but it is
// no agent reply, so it neither counts as one nor stops an SLA clock, and
// the requester is still waiting for a person.
func (t *Ticket) automationReply(by Actor, now time.Time) ([]Event, error) {
	return t.mutate("automation reply", by, bySystem, now, func(c *change) error {
		c.event(EventCommentAdded, FieldComment, "", "", 0, 0)
		return nil
	})
}
