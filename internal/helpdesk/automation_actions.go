package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// applyMoreAction makes the actions that reach beyond the ticket's own
// fields: escalating to a group of a higher tier (through Ticket.Escalate,
// so it counts as an escalation and the SLA sees a group change), adding
// an agent as a follower, and setting a custom field. id is the action's
// Value as a number (the caller checked it parses).
func (s *Service) applyMoreAction(ctx context.Context, tx Store, t *Ticket, a Action, id int64, now time.Time) ([]Event, error) {
	sys := System(t.Tenant)
	switch a.Type {
	case ActEscalate:
		from, err := group(ctx, tx, t.Tenant, t.Group)
		if err != nil {
			return nil, err
		}
		to, err := tx.Group(ctx, t.Tenant, GroupID(id))
		if err != nil {
			return nil, err
		}
		if to.Archived() {
			return nil, fmt.Errorf("escalate to archived group %d: %w", id, ErrNotFound)
		}
		evs, err := t.Escalate(from, to, sys, now)
		if err != nil {
			return nil, err
		}
		more, err := s.autoAssign(ctx, tx, t, now)
		return append(evs, more...), err
	case ActAddFollower:
		u, err := tx.User(ctx, t.Tenant, UserID(id))
		if err != nil {
			return nil, err
		}
		if !u.Role.IsStaff() {
			return nil, fmt.Errorf("follower %d is not an agent: %w", id, ErrNotFound)
		}
		return t.AddFollower(u, sys, now)
	case ActSetField:
		defs, err := tx.CustomFieldDefs(ctx, t.Tenant)
		if err != nil {
			return nil, fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		return t.SetCustomFields(defs, map[CustomFieldID]string{CustomFieldID(id): a.Text}, sys, now)
	case ActSendWebhook:
		return nil, sendRuleWebhook(ctx, tx, t, WebhookID(id), now)
	}
	return nil, invalid("action", "error.rule_action")
}

// sendRuleWebhook queues one delivery of t, as it stands after the
// actions before this one, to subscription id: the same signed delivery,
// queue, retries and log as the subscription's own events. A
// subscription that is switched off keeps it until it is switched on.
func sendRuleWebhook(ctx context.Context, tx Store, t *Ticket, id WebhookID, now time.Time) error {
	w, err := tx.Webhook(ctx, t.Tenant, id)
	if err != nil {
		return err
	}
	ev := newEventID()
	body, err := hookPayload(ev, HookRuleFired, now, t, nil)
	if err != nil {
		return err
	}
	if _, err := tx.InsertWebhookDelivery(ctx, t.Tenant, WebhookDelivery{Webhook: w.ID, EventID: ev, Event: HookRuleFired,
		Ticket: t.ID, Payload: body, State: "pending", NextAt: now, CreatedAt: now}); err != nil {
		return fmt.Errorf("helpdesk: queue rule webhook: %w", err)
	}
	return nil
}
