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
	// RuleTimed runs when hours have passed since an instant of the ticket.
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

// Anchor is the instant a time-based rule counts its hours from.
type Anchor string

const (
	AnchorCreated Anchor = "created" // unsolved tickets, since creation
	AnchorUpdated Anchor = "updated" // unsolved tickets, since their last change
	AnchorPending Anchor = "pending" // pending tickets, since they became pending
	AnchorSolved  Anchor = "solved"  // solved tickets, since they were solved
)

// Anchors lists the anchors in form order.
func Anchors() []Anchor { return []Anchor{AnchorCreated, AnchorUpdated, AnchorPending, AnchorSolved} }

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
)

// CondFields lists the condition fields in form order.
func CondFields() []CondField {
	return []CondField{CondStatus, CondPriority, CondCategory, CondGroup, CondAssignee, CondChannel,
		CondRequesterEmail, CondOrganisation, CondSubject, CondBody, CondTag}
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
	return f == CondSubject || f == CondBody || f == CondRequesterEmail || f == CondTag
}

// Condition is one test on a ticket; a rule matches when all hold.
type Condition struct {
	Field CondField
	Op    Operator
	Value string
}

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
)

// ActionTypes lists the action types in form order.
func ActionTypes() []ActionType {
	return []ActionType{ActSetStatus, ActSetPriority, ActSetGroup, ActSetAssignee, ActAddTag, ActRemoveTag, ActAddNote, ActNotify}
}

// Recipient is who a notification is for.
type Recipient string

const (
	RecipientRequester Recipient = "requester"
	RecipientAssignee  Recipient = "assignee"
	RecipientGroup     Recipient = "group"
)

// Recipients lists the recipients in form order.
func Recipients() []Recipient {
	return []Recipient{RecipientRequester, RecipientAssignee, RecipientGroup}
}

// Action is one change a rule makes, in order.
type Action struct {
	Type  ActionType
	Value string
	Text  string
}

// Rule is a trigger or a time-based rule. Triggers run in Position order.
type Rule struct {
	ID         RuleID
	Kind       RuleKind
	Name       string
	Active     bool
	Position   int
	Event      RuleEvent // triggers
	Anchor     Anchor    // time-based rules
	Hours      int       // time-based rules
	Conditions []Condition
	Actions    []Action
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Limits of a rule.
const (
	MaxRuleConditions = 10
	MaxRuleActions    = 10
	MaxRuleHours      = 8760 // a year
	MaxConditionValue = 200  // characters
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
}

// Matches reports whether every condition holds for t and, for a
// time-based rule, whether its hours have passed since the anchor.
func (r Rule) Matches(t *Ticket, in MatchInput) bool {
	if r.Kind == RuleTimed {
		at, ok := r.Anchor.At(t)
		if !ok || at.IsZero() || in.Now.Sub(at) < time.Duration(r.Hours)*time.Hour {
			return false
		}
	}
	if t.Status.Final() {
		return false
	}
	for _, c := range r.Conditions {
		if !c.holds(t, in.Body) {
			return false
		}
	}
	return true
}

func (c Condition) holds(t *Ticket, body string) bool {
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
		got = body
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

// RuleRefs are the tenant's groups, agents and categories a rule may name;
// Validate checks ids against them.
type RuleRefs struct {
	Groups     []Group
	Agents     []User
	Categories []Category
}

func (r RuleRefs) group(id int64) (Group, bool) {
	for _, g := range r.Groups {
		if int64(g.ID) == id {
			return g, true
		}
	}
	return Group{}, false
}

func (r RuleRefs) agent(id int64) bool {
	for _, u := range r.Agents {
		if int64(u.ID) == id {
			return true
		}
	}
	return false
}

func (r RuleRefs) category(id int64) bool {
	for _, c := range r.Categories {
		if int64(c.ID) == id {
			return true
		}
	}
	return false
}

// Validate cleans r in place and reports every problem at once: on "name",
// "event", "anchor", "hours", "conditions", "actions", and on each row as
// "condition_<i>" and "action_<i>" (0-based, as the form numbers them).
// Ids must name the tenant's own groups, agents and categories (refs).
func (r *Rule) Validate(refs RuleRefs) error {
	var v ValidationError
	r.Name = CleanLine(r.Name)
	checkName(&v, "name", r.Name)
	switch r.Kind {
	case RuleTrigger:
		r.Anchor, r.Hours = "", 0
		if r.Event != OnCreated && r.Event != OnUpdated && r.Event != OnCreatedOrUpdated {
			v.Add("event", "error.required")
		}
	case RuleTimed:
		r.Event = ""
		valid := false
		for _, a := range Anchors() {
			valid = valid || a == r.Anchor
		}
		if !valid {
			v.Add("anchor", "error.required")
		}
		if r.Hours < 1 || r.Hours > MaxRuleHours {
			v.Add("hours", "error.rule_hours")
		}
	default:
		v.Add("kind", "error.invalid")
	}
	if len(r.Conditions) > MaxRuleConditions {
		v.Add("conditions", "error.rule_too_many")
	}
	for i := range r.Conditions {
		if key := r.Conditions[i].check(refs); key != "" {
			v.Add("condition_"+strconv.Itoa(i), key)
		}
	}
	switch {
	case len(r.Actions) == 0:
		v.Add("actions", "error.rule_no_actions")
	case len(r.Actions) > MaxRuleActions:
		v.Add("actions", "error.rule_too_many")
	}
	notes := 0
	for i := range r.Actions {
		a := &r.Actions[i]
		if a.Type == ActAddNote {
			notes++
		}
		key := a.check(refs)
		if key == "" && a.Type == ActAddNote && notes > 1 {
			key = "error.rule_one_note"
		}
		if key != "" {
			v.Add("action_"+strconv.Itoa(i), key)
		}
	}
	return v.Err()
}

// check cleans c and returns the message key of its problem, if any.
func (c *Condition) check(refs RuleRefs) string {
	c.Value = CleanLine(c.Value)
	known := false
	for _, f := range CondFields() {
		known = known || f == c.Field
	}
	if !known {
		return "error.rule_field"
	}
	if c.Field.textual() {
		if c.Op != OpContains && c.Op != OpNotContains && !(c.Field == CondRequesterEmail && (c.Op == OpIs || c.Op == OpIsNot)) {
			return "error.rule_operator"
		}
	} else if c.Op != OpIs && c.Op != OpIsNot {
		return "error.rule_operator"
	}
	if c.Value == "" {
		return "error.rule_value"
	}
	if runeLen(c.Value) > MaxConditionValue {
		return "error.too_long"
	}
	ok := true
	switch c.Field {
	case CondStatus:
		_, err := ParseStatus(c.Value)
		ok = err == nil
	case CondPriority:
		_, err := ParsePriority(c.Value)
		ok = err == nil
	case CondChannel:
		_, err := ParseChannel(c.Value)
		ok = err == nil
	case CondCategory, CondGroup, CondAssignee, CondOrganisation:
		id, err := strconv.ParseInt(c.Value, 10, 64)
		switch {
		case err != nil || id < 0:
			ok = false
		case id == 0:
		case c.Field == CondCategory:
			ok = refs.category(id)
		case c.Field == CondGroup:
			_, ok = refs.group(id)
		case c.Field == CondAssignee:
			ok = refs.agent(id)
		}
	case CondTag:
		tags, err := NormaliseTags([]string{c.Value})
		ok = err == nil && len(tags) == 1
		if ok {
			c.Value = tags[0]
		}
	case CondRequesterEmail, CondSubject, CondBody:
		c.Value = strings.ToLower(c.Value)
	}
	if !ok {
		return "error.rule_value"
	}
	return ""
}

// check cleans a and returns the message key of its problem, if any.
func (a *Action) check(refs RuleRefs) string {
	a.Value = CleanLine(a.Value)
	ok := true
	switch a.Type {
	case ActSetStatus:
		st, err := ParseStatus(a.Value)
		ok = err == nil && st != StatusNew && st != StatusClosed
	case ActSetPriority:
		_, err := ParsePriority(a.Value)
		ok = err == nil
	case ActSetGroup:
		id, err := strconv.ParseInt(a.Value, 10, 64)
		_, found := refs.group(id)
		ok = err == nil && found
	case ActSetAssignee:
		id, err := strconv.ParseInt(a.Value, 10, 64)
		ok = err == nil && (id == 0 || refs.agent(id))
	case ActAddTag, ActRemoveTag:
		tags, err := NormaliseTags([]string{a.Value})
		ok = err == nil && len(tags) == 1
		if ok {
			a.Value = tags[0]
		}
	case ActAddNote:
		a.Value = ""
		a.Text = CleanText(a.Text)
		if strings.TrimSpace(a.Text) == "" {
			return "error.rule_text"
		}
		if len(a.Text) > MaxBodyBytes {
			return "error.too_long"
		}
	case ActNotify:
		a.Text = CleanText(a.Text)
		ok = a.Value == string(RecipientRequester) || a.Value == string(RecipientAssignee) || a.Value == string(RecipientGroup)
		if ok && strings.TrimSpace(a.Text) == "" {
			return "error.rule_text"
		}
		if len(a.Text) > MaxBodyBytes {
			return "error.too_long"
		}
	default:
		return "error.rule_action"
	}
	if !ok {
		return "error.rule_value"
	}
	return ""
}
