package helpdesk

import (
	"slices"
	"strconv"
	"strings"
)

// RuleRefs are the tenant's groups, agents and categories a rule may name;
// Validate checks ids against them.
type RuleRefs struct {
	Groups     []Group
	Agents     []User
	Categories []Category
	Calendars  []Calendar // business calendars time-based rules may count in
	Fields     []CustomFieldDef
	Webhooks   []Webhook
	Macros     []Macro // the shared macros an apply_macro action may name
}

// macro returns the shared macro with id.
func (r RuleRefs) macro(id int64) (Macro, bool) {
	for _, m := range r.Macros {
		if int64(m.ID) == id && m.Shared() {
			return m, true
		}
	}
	return Macro{}, false
}

func (r RuleRefs) webhook(id int64) bool {
	for _, w := range r.Webhooks {
		if int64(w.ID) == id {
			return true
		}
	}
	return false
}

// field returns the active custom field with id.
func (r RuleRefs) field(id int64) (CustomFieldDef, bool) {
	for _, f := range r.Fields {
		if int64(f.ID) == id && f.Active {
			return f, true
		}
	}
	return CustomFieldDef{}, false
}

// macroPosts reports whether the shared macro with id (as text) posts a
// reply.
func (r RuleRefs) macroPosts(v string) bool {
	id, err := strconv.ParseInt(v, 10, 64)
	m, ok := r.macro(id)
	return err == nil && ok && strings.TrimSpace(m.Body) != ""
}

func (r RuleRefs) calendar(id CalendarID) bool {
	for _, c := range r.Calendars {
		if c.ID == id {
			return true
		}
	}
	return false
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
		r.Anchor, r.Minutes, r.Calendar = "", 0, 0
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
		if r.Minutes < 1 || r.Minutes > MaxRuleMinutes {
			v.Add("minutes", "error.rule_minutes")
		}
		if r.Calendar != 0 && !refs.calendar(r.Calendar) {
			v.Add("calendar", "error.invalid")
		}
	default:
		v.Add("kind", "error.invalid")
	}
	if len(r.Conditions) > MaxRuleConditions {
		v.Add("conditions", "error.rule_too_many")
	}
	if len(r.Groups) > MaxConditionGroups {
		v.Add("conditions", "error.rule_too_many")
	}
	for i := range r.Conditions {
		if g := r.Conditions[i].Group; g < 0 || g > len(r.Groups) {
			v.Add("condition_"+strconv.Itoa(i), "error.rule_group")
			continue
		}
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
	// A run saves one comment: a note, or a macro's public reply.
	notes, replies := 0, 0
	for i := range r.Actions {
		a := &r.Actions[i]
		key := a.check(refs)
		switch {
		case a.Type == ActAddNote:
			notes++
		case a.Type == ActApplyMacro && key == "" && refs.macroPosts(a.Value):
			replies++
		}
		if key == "" && notes+replies > 1 && (a.Type == ActAddNote || a.Type == ActApplyMacro) {
			key = "error.rule_one_comment"
			if replies == 0 {
				key = "error.rule_one_note"
			}
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
		if c.Op != OpContains && c.Op != OpNotContains && !((c.Field == CondRequesterEmail || c.Field == CondCustomField) && (c.Op == OpIs || c.Op == OpIsNot)) {
			return "error.rule_operator"
		}
	} else if c.Op != OpIs && c.Op != OpIsNot {
		return "error.rule_operator"
	}
	if c.Field == CondCustomField {
		id, err := strconv.ParseInt(c.Key, 10, 64)
		if _, ok := refs.field(id); err != nil || !ok {
			return "error.rule_custom_field"
		}
	} else {
		c.Key = ""
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
	case CondReplied:
		ok = c.Value == "yes" || c.Value == "no"
	case CondSLA:
		ok = slices.Contains(SLAStates(), SLAState(c.Value))
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
	case ActEscalate:
		id, err := strconv.ParseInt(a.Value, 10, 64)
		g, found := refs.group(id)
		ok = err == nil && found && !g.Archived()
	case ActSetAssignee:
		id, err := strconv.ParseInt(a.Value, 10, 64)
		ok = err == nil && (id == 0 || refs.agent(id))
	case ActAddFollower:
		id, err := strconv.ParseInt(a.Value, 10, 64)
		ok = err == nil && refs.agent(id)
	case ActApplyMacro:
		a.Text = ""
		id, err := strconv.ParseInt(a.Value, 10, 64)
		_, found := refs.macro(id)
		ok = err == nil && found
	case ActSendWebhook:
		a.Text = ""
		id, err := strconv.ParseInt(a.Value, 10, 64)
		ok = err == nil && refs.webhook(id)
	case ActSetField:
		id, err := strconv.ParseInt(a.Value, 10, 64)
		def, found := refs.field(id)
		if err != nil || !found {
			return "error.rule_custom_field"
		}
		if _, _, err := def.Parse(a.Text); err != nil {
			return "error.rule_value"
		}
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
		ok = slices.Contains(Recipients(), Recipient(a.Value))
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
