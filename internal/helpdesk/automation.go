package helpdesk

import (
	"strconv"
	"strings"
	"time"
)

// RuleID identifies an automation rule inside a tenant.
type RuleID int64

// RuleKind says when a rule runs.
type RuleKind string

const (
	// RuleTrigger runs when a ticket is created or updated.
	RuleTrigger RuleKind = "trigger"
	// RuleTimed runs when minutes have passed since an instant of the
	// ticket, counted in calendar time or in a business calendar.
	RuleTimed RuleKind = "timed"
)

// RuleEvent is the change a trigger listens to.
type RuleEvent string

const (
	OnCreated          RuleEvent = "created"
	OnUpdated          RuleEvent = "updated"
	OnCreatedOrUpdated RuleEvent = "created_or_updated"
)

// RuleEvents lists the trigger events in form order.
func RuleEvents() []RuleEvent { return []RuleEvent{OnCreated, OnUpdated, OnCreatedOrUpdated} }

// Anchor is the instant a time-based rule counts its minutes from.
type Anchor string

const (
	AnchorCreated Anchor = "created" // unsolved tickets, since creation
	AnchorUpdated Anchor = "updated" // unsolved tickets, since their last change
	AnchorPending Anchor = "pending" // pending tickets, since they became pending
	AnchorSolved  Anchor = "solved"  // solved tickets, since they were solved
	// AnchorRequesterWaiting: unsolved tickets whose requester's last
	// public message has no public agent reply yet, since that message.
	AnchorRequesterWaiting Anchor = "requester_waiting"
)

// Anchors lists the anchors in form order.
func Anchors() []Anchor {
	return []Anchor{AnchorCreated, AnchorUpdated, AnchorPending, AnchorSolved, AnchorRequesterWaiting}
}

// At returns t's anchor instant and whether t is in the set the anchor
// covers (unsolved for created and updated; pending; solved).
func (a Anchor) At(t *Ticket) (time.Time, bool) {
	switch a {
	case AnchorCreated:
		return t.CreatedAt, t.Status.Unsolved()
	case AnchorUpdated:
		return t.UpdatedAt, t.Status.Unsolved()
	case AnchorPending:
		return t.StatusChangedAt, t.Status == StatusPending
	case AnchorSolved:
		return t.StatusChangedAt, t.Status == StatusSolved
	case AnchorRequesterWaiting:
		return t.RequesterWaitingSince, t.Status.Unsolved() && !t.RequesterWaitingSince.IsZero()
	}
	return time.Time{}, false
}

// CondField is what a condition looks at.
type CondField string

const (
	CondStatus         CondField = "status"
	CondPriority       CondField = "priority"
	CondCategory       CondField = "category"     // id, 0: none
	CondGroup          CondField = "group"        // id, 0: none
	CondAssignee       CondField = "assignee"     // id, 0: unassigned
	CondChannel        CondField = "channel"      //
	CondRequesterEmail CondField = "requester"    // the requester's email
	CondOrganisation   CondField = "organisation" // id, 0: none
	CondSubject        CondField = "subject"
	CondBody           CondField = "body" // the comment that came with the change; the description for time-based rules
	CondTag            CondField = "tag"
	// CondCustomField compares a custom field's value (as the ticket shows
	// it, see CustomFieldValue.String) with Value; Key is the field's id.
	CondCustomField CondField = "custom_field"
	// CondReplied is "yes" once an agent has replied in public, "no" before.
	CondReplied CondField = "replied"
	// CondSLA is the ticket's SLA state (an SLAState), from its clocks.
	CondSLA CondField = "sla"
)

// CondFields lists the condition fields in form order.
func CondFields() []CondField {
	return []CondField{CondStatus, CondPriority, CondCategory, CondGroup, CondAssignee, CondChannel,
		CondRequesterEmail, CondOrganisation, CondSubject, CondBody, CondTag, CondCustomField, CondReplied, CondSLA}
}

// Operator compares a field with a condition's value.
type Operator string

const (
	OpIs          Operator = "is"
	OpIsNot       Operator = "is_not"
	OpContains    Operator = "contains"     // text fields; for tags: has the tag
	OpNotContains Operator = "not_contains" // text fields; for tags: lacks the tag
)

// Operators lists the operators in form order.
func Operators() []Operator { return []Operator{OpIs, OpIsNot, OpContains, OpNotContains} }

// textual reports whether f is compared as text (contains) rather than as a
// value (is).
func (f CondField) textual() bool {
	return f == CondSubject || f == CondBody || f == CondRequesterEmail || f == CondTag || f == CondCustomField
}

// Condition is one test on a ticket; a rule matches when all hold.
type Condition struct {
	Field CondField
	Op    Operator
	Value string
	// Key names what Field points into: the custom field's id for
	// CondCustomField, empty otherwise.
	Key string
	// Group is 0 for a condition of the rule itself, or the 1-based
	// number of the rule's group (Rule.Groups) it belongs to.
	Group int
}

// ConditionGroup is one nested group of a rule's conditions: it holds
// when all of its conditions do, or any of them with MatchAny. The rule
// then combines its own conditions and its groups as it combines
// conditions. One level of nesting: a group holds conditions only.
type ConditionGroup struct {
	MatchAny bool
}

// MaxConditionGroups is how many groups a rule may have.
const MaxConditionGroups = 2

// ActionType is what an action does.
type ActionType string

const (
	ActSetStatus   ActionType = "set_status"
	ActSetPriority ActionType = "set_priority"
	ActSetGroup    ActionType = "set_group"    // Value: group id
	ActSetAssignee ActionType = "set_assignee" // Value: agent id, 0 unassigns
	ActAddTag      ActionType = "add_tag"
	ActRemoveTag   ActionType = "remove_tag"
	ActAddNote     ActionType = "add_note" // Text: the internal note
	ActNotify      ActionType = "notify"   // Value: recipient, Text: message
	// ActEscalate moves the ticket to a group of a higher tier (Value: its
	// id) and counts an escalation, as an agent's "Escalar" does.
	ActEscalate    ActionType = "escalate"
	ActAddFollower ActionType = "add_follower" // Value: agent id
	ActSetField    ActionType = "set_field"    // Value: custom field id, Text: the value
	// ActSendWebhook queues a delivery of the ticket (event
	// HookRuleFired) to one of the desk's subscriptions (Value: its id),
	// through the webhook delivery queue, whatever events it subscribes to.
	ActSendWebhook ActionType = "send_webhook"
	// ActApplyMacro applies one of the desk's shared macros (Value: its
	// id): its status, priority and tags, and its text as a public reply
	// by the automation.
	ActApplyMacro ActionType = "apply_macro"
)

// ActionTypes lists the action types in form order.
func ActionTypes() []ActionType {
	return []ActionType{ActSetStatus, ActSetPriority, ActSetGroup, ActEscalate, ActSetAssignee, ActAddFollower, ActAddTag, ActRemoveTag,
		ActSetField, ActAddNote, ActApplyMacro, ActNotify, ActSendWebhook}
}

// Recipient is who a notification is for.
type Recipient string

const (
	RecipientRequester  Recipient = "requester"
	RecipientAssignee   Recipient = "assignee"
	RecipientGroup      Recipient = "group"       // every member of the ticket's group
	RecipientGroupLeads Recipient = "group_leads" // the group's leads only
)

// Recipients lists the recipients in form order.
func Recipients() []Recipient {
	return []Recipient{RecipientRequester, RecipientAssignee, RecipientGroup, RecipientGroupLeads}
}

// Action is one change a rule makes, in order.
type Action struct {
	Type  ActionType
	Value string
	Text  string
}

// Rule is a trigger or a time-based rule. Triggers run in Position order.
type Rule struct {
	ID       RuleID
	Kind     RuleKind
	Name     string
	Active   bool
	Position int
	Event    RuleEvent // triggers
	Anchor   Anchor    // time-based rules
	Minutes  int       // time-based rules: how long after the anchor
	// Calendar is the business calendar a time-based rule counts its
	// minutes in (only opening hours count); zero counts every minute.
	Calendar CalendarID
	// MatchAny makes the rule match when any condition holds; otherwise
	// all must.
	MatchAny   bool
	Conditions []Condition
	// Groups are the rule's nested groups; a condition names its group
	// by number (Condition.Group).
	Groups    []ConditionGroup
	Actions   []Action
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Limits of a rule.
const (
	MaxRuleConditions = 10
	MaxRuleActions    = 10
	MaxRuleMinutes    = 525600 // a year
	MaxConditionValue = 200    // characters
)

// On reports whether trigger r listens to event ev.
func (r Rule) On(ev RuleEvent) bool {
	return r.Event == ev || (r.Event == OnCreatedOrUpdated && (ev == OnCreated || ev == OnUpdated))
}

// MatchInput is what matching needs besides the ticket.
type MatchInput struct {
	// Body is the text of the comment the change came with (the
	// description at creation); time-based rules and previews pass the
	// description.
	Body string
	Now  time.Time
	// Calendar is the prepared calendar a time-based rule counts in; nil
	// counts every minute.
	Calendar *Calendar
	// SLA is the ticket's SLA state; callers fill it when the rule uses
	// it (usesSLA).
	SLA SLAState
}

// Matches reports whether every condition holds for t and, for a
// time-based rule, whether its minutes have passed since the anchor.
func (r Rule) Matches(t *Ticket, in MatchInput) bool {
	if r.Kind == RuleTimed {
		at, ok := r.Anchor.At(t)
		if !ok || at.IsZero() || r.elapsed(at, in.Now, in.Calendar) < r.wait() {
			return false
		}
	}
	if t.Status.Final() {
		return false
	}
	terms := r.terms(t, in)
	if r.MatchAny && len(terms) > 0 {
		for _, ok := range terms {
			if ok {
				return true
			}
		}
		return false
	}
	for _, ok := range terms {
		if !ok {
			return false
		}
	}
	return true
}

// terms evaluates what the rule combines: each of its own conditions, then
// each group that has conditions, as all or any of them.
func (r Rule) terms(t *Ticket, in MatchInput) []bool {
	var out []bool
	for _, c := range r.Conditions {
		if c.Group == 0 {
			out = append(out, c.holds(t, in))
		}
	}
	for i, g := range r.Groups {
		n, held := 0, 0
		for _, c := range r.Conditions {
			if c.Group == i+1 {
				n++
				if c.holds(t, in) {
					held++
				}
			}
		}
		if n > 0 {
			out = append(out, (g.MatchAny && held > 0) || (!g.MatchAny && held == n))
		}
	}
	return out
}

func (c Condition) holds(t *Ticket, in MatchInput) bool {
	if c.Field == CondTag {
		has := false
		for _, tag := range t.Tags {
			if tag == strings.ToLower(c.Value) {
				has = true
			}
		}
		return has == (c.Op == OpContains || c.Op == OpIs)
	}
	var got string
	switch c.Field {
	case CondStatus:
		got = string(t.Status)
	case CondPriority:
		got = string(t.Priority)
	case CondCategory:
		got = strconv.FormatInt(int64(t.Category), 10)
	case CondGroup:
		got = strconv.FormatInt(int64(t.Group), 10)
	case CondAssignee:
		got = strconv.FormatInt(int64(t.Assignee), 10)
	case CondChannel:
		got = string(t.Channel)
	case CondRequesterEmail:
		got = NormaliseEmail(t.Requester.Email)
	case CondOrganisation:
		got = strconv.FormatInt(int64(t.Organisation), 10)
	case CondSubject:
		got = t.Subject
	case CondBody:
		got = in.Body
	case CondSLA:
		got = string(in.SLA)
	case CondCustomField:
		got = t.fieldText(c.Key)
	case CondReplied:
		got = "no"
		if !t.FirstReplyAt.IsZero() {
			got = "yes"
		}
	default:
		return false
	}
	switch c.Op {
	case OpIs:
		return strings.EqualFold(got, c.Value)
	case OpIsNot:
		return !strings.EqualFold(got, c.Value)
	case OpContains:
		return strings.Contains(strings.ToLower(got), strings.ToLower(c.Value))
	case OpNotContains:
		return !strings.Contains(strings.ToLower(got), strings.ToLower(c.Value))
	}
	return false
}

// fieldText is the ticket's value of custom field key (an id) as text,
// "" when it has none.
func (t *Ticket) fieldText(key string) string {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return ""
	}
	for _, v := range t.Fields {
		if int64(v.Field) == id {
			return v.String()
		}
	}
	return ""
}

func (r Rule) wait() time.Duration { return time.Duration(r.Minutes) * time.Minute }

// elapsed is the time from at to now that counts for r: all of it, or
// only cal's opening hours.
func (r Rule) elapsed(at, now time.Time, cal *Calendar) time.Duration {
	if cal == nil || r.Calendar == 0 {
		return now.Sub(at)
	}
	return cal.BusinessBetween(at, now)
}

// DueSince is the latest anchor instant for which r is due at now: now
// minus its minutes, counted in cal's opening hours when r uses a
// calendar. The time-based scan reads the tickets anchored at or before it
// through an index. ok is false when no anchor within a year is due (a
// calendar that never opens).
func (r Rule) DueSince(now time.Time, cal *Calendar) (time.Time, bool) {
	if cal == nil || r.Calendar == 0 || cal.IsCalendarHours() {
		return now.Add(-r.wait()), true
	}
	return cal.SubBusiness(now, r.wait())
}
