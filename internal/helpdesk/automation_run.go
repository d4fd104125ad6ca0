package helpdesk

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Event kinds written by automation.
const (
	// EventAutomation logs one execution of a rule: From is the rule's
	// kind, To its name, ToID its id.
	EventAutomation EventKind = "automation_applied"
	// EventNotificationQueued records a notification intent: From is the
	// intent's kind (automation, pending_reminder), To the recipient.
	EventNotificationQueued EventKind = "notification_queued"
	// EventAutomationFailed records an action of a rule that could not be
	// made: Field is why (a RunFailure), From the action's type, To the
	// rule's name, ToID its id.
	EventAutomationFailed EventKind = "automation_failed"
)

// Fields of automation events.
const (
	FieldRule         = "rule"
	FieldNotification = "notification"
)

// IntentKind says why a notification was asked for.
type IntentKind string

const (
	IntentAutomation      IntentKind = "automation"
	IntentPendingReminder IntentKind = "pending_reminder"
)

// NotificationIntent is a message automation or a timer asks to send: the
// record of what was asked (rule, recipient, text), once per ticket and
// DedupeKey. Both kinds go straight through the mail outbox in the same
// transaction (a rule's as MailRuleNotice, the pending reminder as the
// "pending" notice), so their intents are recorded as sent; the ticket's
// history shows that they were asked for.
type NotificationIntent struct {
	ID        int64
	Ticket    TicketID
	Kind      IntentKind
	Recipient Recipient
	Rule      RuleID // 0 for the pending reminder
	Message   string
	// DedupeKey makes an intent once per key and ticket (the pending
	// reminder: once per pending period); empty for no deduplication.
	DedupeKey string
	CreatedAt time.Time
	SentAt    time.Time
}

// TimedCandidate is a ticket a time-based rule may be due on, with the
// anchor instant it was found at.
type TimedCandidate struct {
	Ticket TicketID
	Number TicketNumber
	At     time.Time
}

// TimedScan is one read of a time-based rule's candidates.
type TimedScan struct {
	Rule      RuleID
	Anchor    Anchor
	Threshold time.Time
	// BreachedBy, when set, keeps only the tickets with an SLA clock
	// breached at or before it (Rule.NeedsBreach), read through the
	// clocks' key rather than by locking each ticket to find out.
	BreachedBy time.Time
	Limit      int
}

// AutomationSettings are a tenant's settings for the timers that are not
// in TicketSettings.
type AutomationSettings struct {
	// PendingReminderAfter is how long a ticket stays Pending before the
	// requester is reminded once; zero turns the reminder off.
	PendingReminderAfter time.Duration
}

// AutomationStore persists rules, their executions and notification
// intents.
type AutomationStore interface {
	// Rules lists the tenant's rules of kind, in position order.
	Rules(ctx context.Context, tenant TenantID, kind RuleKind) ([]Rule, error)
	// ActiveRules is Rules restricted to the active ones.
	ActiveRules(ctx context.Context, tenant TenantID, kind RuleKind) ([]Rule, error)
	Rule(ctx context.Context, tenant TenantID, id RuleID) (Rule, error)
	// CreateRule inserts r; a taken name (per kind) is ErrConflict.
	CreateRule(ctx context.Context, tenant TenantID, r Rule) (Rule, error)
	// UpdateRule replaces r and restarts its time-based scan.
	UpdateRule(ctx context.Context, tenant TenantID, r Rule) (Rule, error)
	DeleteRule(ctx context.Context, tenant TenantID, id RuleID) error
	// ClaimRun records that rule ran on ticket for key; false when it
	// already had (nothing is written then).
	ClaimRun(ctx context.Context, tenant TenantID, rule RuleID, ticket TicketID, key int64, at time.Time) (bool, error)
	// TimedCandidates returns up to q.Limit tickets past the rule's cursor
	// whose anchor instant is at or before q.Threshold, in (anchor, id)
	// order, through the anchor's index.
	TimedCandidates(ctx context.Context, tenant TenantID, q TimedScan) ([]TimedCandidate, error)
	// AdvanceRuleCursor moves rule's scan past (at, ticket).
	AdvanceRuleCursor(ctx context.Context, tenant TenantID, rule RuleID, at time.Time, ticket TicketID) error
	// TicketDescription is the text of the ticket's first comment.
	TicketDescription(ctx context.Context, tenant TenantID, ticket TicketID) (string, error)
	// PreviewCandidates returns up to limit tickets in statuses, most
	// recently changed first, with what matching needs.
	PreviewCandidates(ctx context.Context, tenant TenantID, statuses []Status, withBody bool, limit int) ([]PreviewTicket, error)
	// ReminderCandidates lists up to limit tickets pending since before
	// that have no reminder for their current pending period.
	ReminderCandidates(ctx context.Context, tenant TenantID, before time.Time, limit int) ([]TicketNumber, error)
	AutomationSettings(ctx context.Context, tenant TenantID) (AutomationSettings, error)
	SetAutomationSettings(ctx context.Context, tenant TenantID, st AutomationSettings) error

	NotificationStore
	RuleLogStore
	SLABatchStore
}

// NotificationStore is the queue of notification intents. The email
// channel implements the sending side on top of it.
type NotificationStore interface {
	// RecordNotification stores n; false when an intent with the same
	// ticket, kind and DedupeKey exists (nothing is written then).
	RecordNotification(ctx context.Context, tenant TenantID, n NotificationIntent) (bool, error)
	// PendingNotifications lists up to limit unsent intents, oldest first.
	PendingNotifications(ctx context.Context, tenant TenantID, limit int) ([]NotificationIntent, error)
	// MarkNotificationSent records that intent id was sent at at.
	MarkNotificationSent(ctx context.Context, tenant TenantID, id int64, at time.Time) error
}

// PreviewTicket is a ticket as previews and time-based rules match it.
type PreviewTicket struct {
	Ticket      Ticket
	Description string
}

// maxTriggerPasses bounds a trigger cascade: after a change, triggers run
// in order; when one changed the ticket, the list is run again so later
// triggers see it, at most this many times. Each trigger fires at most
// once per cascade whatever the bound.
const maxTriggerPasses = 3

// record appends one event of the system that changes no field.
func (t *Ticket) record(kind EventKind, field, from, to string, toID int64, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("record "+string(kind), by, bySystem, now, func(c *change) error {
		c.event(kind, field, from, to, 0, toID)
		return nil
	})
}

// automationTransition moves the ticket by rule: the manual transitions,
// made by the system. Solving by rule assigns nobody.
func (t *Ticket) automationTransition(to Status, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("automation transition", by, bySystem, now, func(c *change) error {
		if !to.Valid() {
			return invalid("status", "error.invalid")
		}
		if to == c.t.Status {
			return nil
		}
		if !CanTransition(c.t.Status, to) {
			return fmt.Errorf("%s to %s: %w", c.t.Status, to, ErrInvalidTransition)
		}
		c.setStatus(to)
		return nil
	})
}

// runTriggers runs the tenant's active triggers for ev on t, which was
// just saved, inside the caller's transaction: the cascade of that change.
// A trigger fires at most once per cascade (a run keyed by the version the
// cascade started from is recorded, so a retried or concurrent cascade of
// the same change cannot fire it again), and the changes triggers make do
// not start cascades of their own.
func (s *Service) runTriggers(ctx context.Context, tx Store, t *Ticket, ev RuleEvent, body string) error {
	if t.Status.Final() {
		return nil
	}
	rules, err := tx.ActiveRules(ctx, t.Tenant, RuleTrigger)
	if err != nil {
		return fmt.Errorf("helpdesk: triggers: %w", err)
	}
	origin := int64(t.Version)
	fired := map[RuleID]bool{}
	for pass := 0; pass < maxTriggerPasses; pass++ {
		changed := false
		var sla SLAState // read once per pass, when a rule needs it
		for _, r := range rules {
			now := s.now()
			if fired[r.ID] || !r.On(ev) {
				continue
			}
			if r.usesSLA() && sla == "" {
				if sla, err = slaStateOf(ctx, tx, t, now); err != nil {
					return err
				}
			}
			if !r.Matches(t, MatchInput{Body: body, Now: now, SLA: sla}) {
				continue
			}
			fired[r.ID] = true
			ok, err := tx.ClaimRun(ctx, t.Tenant, r.ID, t.ID, origin, now)
			if err != nil {
				return fmt.Errorf("helpdesk: claim trigger %d on %s: %w", r.ID, t.Number, err)
			}
			if !ok {
				continue
			}
			if err := s.applyRule(ctx, tx, t, r, now); err != nil {
				return err
			}
			changed, sla = true, ""
			if t.Status.Final() {
				return nil
			}
		}
		if !changed {
			break
		}
	}
	return nil
}

// applyRule makes r's actions on t in order and saves them with the log
// event. An action that no longer applies (an agent left the group, a
// transition not allowed from the current status) is not made, and never
// silently: it gets an automation_failed event on the ticket's history
// saying why, the others still run, and the run goes to the rule's log.
func (s *Service) applyRule(ctx context.Context, tx Store, t *Ticket, r Rule, now time.Time) error {
	sys := System(t.Tenant)
	base := t.Version
	var evs []Event
	var note *NewComment
	run := RuleRun{Rule: r.ID, Ticket: t.ID, Number: t.Number, At: now}
	for _, a := range r.Actions {
		more, c, err := s.applyAction(ctx, tx, t, r, a, note != nil, now)
		failure := runFailure(err)
		if err != nil && failure == "" {
			return err
		}
		run.Steps = append(run.Steps, RunStep{Action: a, Failure: failure})
		if failure != "" {
			run.Failed++
			failed, err := t.record(EventAutomationFailed, string(failure), string(a.Type), r.Name, int64(r.ID), sys, now)
			if err != nil {
				return err
			}
			evs = append(evs, failed...)
			continue
		}
		run.Changed++
		evs = append(evs, more...)
		if c != nil {
			note = c
		}
	}
	logged, err := t.record(EventAutomation, FieldRule, string(r.Kind), r.Name, int64(r.ID), sys, now)
	if err != nil {
		return err
	}
	if err := tx.LogRuleRun(ctx, t.Tenant, run); err != nil {
		return fmt.Errorf("helpdesk: log run of rule %d: %w", r.ID, err)
	}
	return save(ctx, tx, t.Tenant, *t, base, append(evs, logged...), note)
}

func (s *Service) applyAction(ctx context.Context, tx Store, t *Ticket, r Rule, a Action, posted bool, now time.Time) ([]Event, *NewComment, error) {
	sys := System(t.Tenant)
	id, perr := strconv.ParseInt(a.Value, 10, 64)
	if perr != nil && (a.Type == ActSetGroup || a.Type == ActSetAssignee || a.Type == ActEscalate || a.Type == ActAddFollower || a.Type == ActSetField || a.Type == ActSendWebhook || a.Type == ActApplyMacro) {
		return nil, nil, fmt.Errorf("%w: %q is not an id", errBadActionValue, a.Value)
	}
	switch a.Type {
	case ActSetStatus:
		evs, err := t.automationTransition(Status(a.Value), sys, now)
		return evs, nil, err
	case ActSetPriority:
		evs, err := t.SetPriority(Priority(a.Value), sys, now)
		return evs, nil, err
	case ActSetGroup:
		g, err := tx.Group(ctx, t.Tenant, GroupID(id))
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.SetGroup(g, sys, now)
		if err != nil {
			return nil, nil, err
		}
		more, err := s.autoAssign(ctx, tx, t, now)
		return append(evs, more...), nil, err
	case ActSetAssignee:
		if id == 0 {
			evs, err := t.Unassign(sys, now)
			return evs, nil, err
		}
		u, err := tx.User(ctx, t.Tenant, UserID(id))
		if err != nil {
			return nil, nil, err
		}
		g, err := group(ctx, tx, t.Tenant, t.Group)
		if err != nil {
			return nil, nil, err
		}
		evs, err := t.Assign(u, g, sys, now)
		return evs, nil, err
	case ActEscalate, ActAddFollower, ActSetField, ActSendWebhook:
		evs, err := s.applyMoreAction(ctx, tx, t, a, id, now)
		return evs, nil, err
	case ActApplyMacro:
		return s.applyMacro(ctx, tx, t, MacroID(id), posted, now)
	case ActAddTag:
		evs, err := t.SetTags(append(slices.Clone(t.Tags), a.Value), sys, now)
		return evs, nil, err
	case ActRemoveTag:
		evs, err := t.SetTags(slices.DeleteFunc(slices.Clone(t.Tags), func(s string) bool { return s == a.Value }), sys, now)
		return evs, nil, err
	case ActAddNote:
		evs, err := t.ApplyAgentReply(false, sys, now)
		if err != nil {
			return nil, nil, err
		}
		return evs, &NewComment{Visibility: Internal, Author: AuthorOf(sys), Channel: ChannelWeb, Body: expand(a.Text, t), CreatedAt: now}, nil
	case ActNotify:
		rcpt := Recipient(a.Value)
		if (rcpt == RecipientAssignee && t.Assignee == 0) || ((rcpt == RecipientGroup || rcpt == RecipientGroupLeads) && t.Group == 0) {
			return nil, nil, errNoRecipient
		}
		// The intent stays as the record of what the rule asked (rule,
		// recipient, text); the mail itself is queued in the outbox now, in
		// this transaction, so the intent is handed over (sent) at once.
		msg := expand(a.Text, t)
		n := NotificationIntent{Ticket: t.ID, Kind: IntentAutomation, Recipient: rcpt, Rule: r.ID, Message: msg, CreatedAt: now, SentAt: now}
		if _, err := tx.RecordNotification(ctx, t.Tenant, n); err != nil {
			return nil, nil, fmt.Errorf("helpdesk: notification: %w", err)
		}
		if err := notifyRule(ctx, tx, *t, rcpt, msg, now); err != nil {
			return nil, nil, err
		}
		evs, err := t.record(EventNotificationQueued, FieldNotification, string(IntentAutomation), string(rcpt), 0, sys, now)
		return evs, nil, err
	}
	return nil, nil, invalid("action", "error.rule_action")
}

// expand fills a note's or message's placeholders as macros do
// ({{requester.name}}, {{ticket.number}}, {{ticket.subject}}, and
// {{agent.name}} for the assignee).
func expand(text string, t *Ticket) string {
	return ExpandMacro(Macro{Body: text}, *t, t.Requester.Name, t.AssigneeName)
}

// usesBody reports whether matching r needs the comment text.
func (r Rule) usesBody() bool {
	return slices.ContainsFunc(r.Conditions, func(c Condition) bool { return c.Field == CondBody })
}
