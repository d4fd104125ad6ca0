package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
	"github.com/atiende/atiende/web/automation"
)

// minRuleRows is how many condition and action rows a form shows at least;
// a rule with more shows one empty row after its own, up to the domain's
// maximum.
const minRuleRows = 4

// ruleForm is the rule form exactly as typed: nothing is lost when it is
// shown again. Each row keeps its select values and its text.
type ruleForm struct {
	Kind, Name, Event, Anchor, Position string
	// A time-based rule's wait as typed: an amount of a unit (minutes,
	// hours or days) and the calendar it counts in ("0": every minute).
	Amount, Unit, Calendar string
	// Match is "all" or "any": how the conditions combine.
	Match string
	// GroupMatch is "all" or "any" for each nested group, A and B.
	GroupMatch [helpdesk.MaxConditionGroups]string
	Active     bool
	Conds      []condInput
	Acts       []actInput
}

// condInput is one condition row; Group is "0" (the rule itself), "1" or
// "2" (a nested group).
type condInput struct{ Field, Op, Choice, Text, Group string }

type actInput struct{ Type, Choice, Text string }

// decodeRuleForm reads the fields the form has and nothing else.
func decodeRuleForm(r *http.Request) ruleForm {
	f := r.PostForm
	out := ruleForm{
		Kind: f.Get("kind"), Name: f.Get("name"), Event: f.Get("event"), Anchor: f.Get("anchor"),
		Amount: f.Get("amount"), Unit: f.Get("unit"), Calendar: f.Get("calendar"), Match: f.Get("match"),
		Position: f.Get("position"), Active: f.Get("active") != "",
	}
	if out.Kind != string(helpdesk.RuleTimed) {
		out.Kind = string(helpdesk.RuleTrigger)
	}
	for i := range out.GroupMatch {
		out.GroupMatch[i] = f.Get("group_match_" + strconv.Itoa(i+1))
	}
	for i := range helpdesk.MaxRuleConditions {
		k := strconv.Itoa(i)
		if !f.Has("cond_field_" + k) {
			break
		}
		out.Conds = append(out.Conds, condInput{Field: f.Get("cond_field_" + k), Op: f.Get("cond_op_" + k),
			Choice: f.Get("cond_choice_" + k), Text: f.Get("cond_text_" + k), Group: f.Get("cond_group_" + k)})
	}
	for i := range helpdesk.MaxRuleActions {
		k := strconv.Itoa(i)
		if !f.Has("act_type_" + k) {
			break
		}
		out.Acts = append(out.Acts, actInput{Type: f.Get("act_type_" + k), Choice: f.Get("act_choice_" + k), Text: f.Get("act_text_" + k)})
	}
	return out
}

// condChoice is the prefix of the choice list a condition field takes its
// value from; text fields (and the organisation's number) use the text box.
var condChoice = map[helpdesk.CondField]string{
	helpdesk.CondStatus: "status", helpdesk.CondPriority: "priority", helpdesk.CondChannel: "channel",
	helpdesk.CondCategory: "category", helpdesk.CondGroup: "group", helpdesk.CondAssignee: "assignee",
	helpdesk.CondReplied: "replied", helpdesk.CondSLA: "sla",
}

// fieldChoice is the prefix of the custom fields in the choice lists: a
// custom field condition or action names its field there and types its
// value in the text box.
const fieldChoice = "cfield"

// unitMinutes are the units a time-based rule's wait is typed in.
var unitMinutes = map[string]int{"minutes": 1, "hours": 60, "days": 24 * 60}

// actChoice is the same for actions.
var actChoice = map[helpdesk.ActionType]string{
	helpdesk.ActSetStatus: "status", helpdesk.ActSetPriority: "priority", helpdesk.ActSetGroup: "group",
	helpdesk.ActSetAssignee: "agent", helpdesk.ActNotify: "recipient",
	helpdesk.ActEscalate: "group", helpdesk.ActAddFollower: "agent", helpdesk.ActSetField: fieldChoice,
	helpdesk.ActSendWebhook: "webhook", helpdesk.ActApplyMacro: "macro",
}

// pick returns the value of choice "prefix:value" when its prefix is want.
func pick(choice, want string) string {
	p, v, ok := strings.Cut(choice, ":")
	if !ok || p != want {
		return ""
	}
	return v
}

// rowMap maps the domain's row numbers back to the form's.
type rowMap struct{ conds, acts []int }

func (m rowMap) formKey(k string) string {
	if k == "minutes" { // the domain's wait is the form's amount and unit
		return "amount"
	}
	for prefix, rows := range map[string][]int{"condition_": m.conds, "action_": m.acts} {
		if n, ok := strings.CutPrefix(k, prefix); ok {
			if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < len(rows) {
				return prefix + strconv.Itoa(rows[i])
			}
		}
	}
	return k
}

// rule turns the form into a rule for the domain to validate. Rows left
// empty are skipped. Numbers that are not numbers are reported here, as
// message keys.
func (f ruleForm) rule() (helpdesk.Rule, rowMap, map[string]string) {
	errs := map[string]string{}
	r := helpdesk.Rule{Name: f.Name, Active: f.Active, Event: helpdesk.RuleEvent(f.Event), Anchor: helpdesk.Anchor(f.Anchor),
		MatchAny: f.Match == "any"}
	if p := strings.TrimSpace(f.Position); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			errs["position"] = "error.number"
		}
		r.Position = n
	}
	if f.Kind == string(helpdesk.RuleTimed) {
		n, err := strconv.Atoi(strings.TrimSpace(f.Amount))
		per, ok := unitMinutes[f.Unit]
		if err != nil || !ok || n < 1 || n > helpdesk.MaxRuleMinutes/per {
			errs["amount"] = "error.rule_minutes"
		}
		r.Minutes = n * per
		cal, err := strconv.ParseInt(f.Calendar, 10, 64)
		if err != nil && f.Calendar != "" {
			errs["calendar"] = "error.invalid"
		}
		r.Calendar = helpdesk.CalendarID(cal)
	}
	var m rowMap
	used := 0
	for i, c := range f.Conds {
		if c.Field == "" {
			continue
		}
		g, err := strconv.Atoi(c.Group)
		if c.Group == "" {
			g, err = 0, nil
		}
		if err != nil || g < 0 || g > helpdesk.MaxConditionGroups {
			g = -1 // the domain refuses it on its row
		}
		used = max(used, g)
		field := helpdesk.CondField(c.Field)
		cond := helpdesk.Condition{Field: field, Op: helpdesk.Operator(c.Op), Value: c.Text, Group: g}
		if prefix, ok := condChoice[field]; ok {
			cond.Value = pick(c.Choice, prefix)
		}
		if field == helpdesk.CondCustomField {
			cond.Key = pick(c.Choice, fieldChoice)
		}
		r.Conditions = append(r.Conditions, cond)
		m.conds = append(m.conds, i)
	}
	// Only the groups some condition uses are kept.
	for i := range used {
		r.Groups = append(r.Groups, helpdesk.ConditionGroup{MatchAny: f.GroupMatch[i] == "any"})
	}
	for i, a := range f.Acts {
		if a.Type == "" {
			continue
		}
		t := helpdesk.ActionType(a.Type)
		act := helpdesk.Action{Type: t}
		switch t {
		case helpdesk.ActAddTag, helpdesk.ActRemoveTag:
			act.Value = a.Text
		case helpdesk.ActAddNote:
			act.Text = a.Text
		default:
			act.Value = pick(a.Choice, actChoice[t])
			act.Text = a.Text
		}
		r.Actions = append(r.Actions, act)
		m.acts = append(m.acts, i)
	}
	return r, m, errs
}

// formOf is a stored rule as its form shows it.
func formOf(r helpdesk.Rule) ruleForm {
	f := ruleForm{Kind: string(r.Kind), Name: r.Name, Event: string(r.Event), Anchor: string(r.Anchor),
		Position: strconv.Itoa(r.Position), Active: r.Active, Match: "all"}
	if r.MatchAny {
		f.Match = "any"
	}
	for i := range f.GroupMatch {
		f.GroupMatch[i] = "all"
		if i < len(r.Groups) && r.Groups[i].MatchAny {
			f.GroupMatch[i] = "any"
		}
	}
	if r.Kind == helpdesk.RuleTimed {
		f.Unit = "minutes"
		for _, u := range []string{"days", "hours"} {
			if r.Minutes%unitMinutes[u] == 0 {
				f.Unit = u
				break
			}
		}
		f.Amount = strconv.Itoa(r.Minutes / unitMinutes[f.Unit])
		f.Calendar = strconv.FormatInt(int64(r.Calendar), 10)
	}
	for _, c := range r.Conditions {
		ci := condInput{Field: string(c.Field), Op: string(c.Op), Text: c.Value, Group: strconv.Itoa(c.Group)}
		if prefix, ok := condChoice[c.Field]; ok {
			ci.Choice, ci.Text = prefix+":"+c.Value, ""
		}
		if c.Field == helpdesk.CondCustomField {
			ci.Choice = fieldChoice + ":" + c.Key
		}
		f.Conds = append(f.Conds, ci)
	}
	for _, a := range r.Actions {
		ai := actInput{Type: string(a.Type), Text: a.Text}
		switch a.Type {
		case helpdesk.ActAddTag, helpdesk.ActRemoveTag:
			ai.Text = a.Value
		case helpdesk.ActAddNote:
		default:
			ai.Choice = actChoice[a.Type] + ":" + a.Value
		}
		f.Acts = append(f.Acts, ai)
	}
	return f
}

func option(value, label, selected string) admin.Option {
	return admin.Option{Value: value, Label: label, Selected: value == selected}
}

// fillRuleChoices builds the form's selects, each row with its own
// selection.
func fillRuleChoices(l i18n.Lang, refs helpdesk.RuleRefs, f ruleForm, vm *automation.FormView) {
	for _, e := range helpdesk.RuleEvents() {
		vm.Events = append(vm.Events, option(string(e), l.T(msgKey("routing.event.", string(e))), f.Event))
	}
	for _, a := range helpdesk.Anchors() {
		vm.Anchors = append(vm.Anchors, option(string(a), l.T(msgKey("routing.anchor.", string(a))), f.Anchor))
	}
	for _, m := range []string{"all", "any"} {
		vm.Match = append(vm.Match, option(m, l.T(msgKey("automation.match.", m)), f.Match))
	}
	for i, gm := range f.GroupMatch {
		gf := automation.GroupMatch{Name: "group_match_" + strconv.Itoa(i+1), Label: l.T("automation.group_match", groupLetter(i+1))}
		for _, m := range []string{"all", "any"} {
			gf.Options = append(gf.Options, option(m, l.T(msgKey("automation.match.", m)), gm))
		}
		vm.GroupMatch = append(vm.GroupMatch, gf)
	}
	for _, u := range []string{"minutes", "hours", "days"} {
		vm.Units = append(vm.Units, option(u, l.T(msgKey("automation.unit.", u)), f.Unit))
	}
	vm.Calendars = []admin.Option{option("0", l.T("automation.calendar_time"), f.Calendar)}
	for _, c := range refs.Calendars {
		id := strconv.FormatInt(int64(c.ID), 10)
		vm.Calendars = append(vm.Calendars, option(id, l.T("automation.business_time", c.Name), f.Calendar))
	}
	conds := f.Conds
	for len(conds) < minRuleRows || (len(conds) < helpdesk.MaxRuleConditions && conds[len(conds)-1].Field != "") {
		conds = append(conds, condInput{})
	}
	for i, c := range conds {
		row := automation.CondRow{Index: i, Text: c.Text, Error: vm.Errors["condition_"+strconv.Itoa(i)]}
		row.Fields = []admin.Option{option("", l.T("routing.choose_field"), c.Field)}
		for _, cf := range helpdesk.CondFields() {
			row.Fields = append(row.Fields, option(string(cf), l.T(msgKey("routing.cond.", string(cf))), c.Field))
		}
		for _, op := range helpdesk.Operators() {
			row.Ops = append(row.Ops, option(string(op), l.T(msgKey("routing.op.", string(op))), c.Op))
		}
		row.Choice = condChoices(l, refs, c.Choice)
		group := c.Group
		if group == "" {
			group = "0"
		}
		row.Groups = []admin.Option{option("0", l.T("automation.group.none"), group)}
		for g := 1; g <= helpdesk.MaxConditionGroups; g++ {
			row.Groups = append(row.Groups, option(strconv.Itoa(g), l.T("automation.group", groupLetter(g)), group))
		}
		vm.Conds = append(vm.Conds, row)
	}
	acts := f.Acts
	for len(acts) < minRuleRows || (len(acts) < helpdesk.MaxRuleActions && acts[len(acts)-1].Type != "") {
		acts = append(acts, actInput{})
	}
	for i, a := range acts {
		row := automation.ActRow{Index: i, Text: a.Text, Error: vm.Errors["action_"+strconv.Itoa(i)]}
		row.Types = []admin.Option{option("", l.T("routing.choose_action"), a.Type)}
		for _, at := range helpdesk.ActionTypes() {
			row.Types = append(row.Types, option(string(at), l.T(msgKey("routing.act.", string(at))), a.Type))
		}
		row.Choice = actChoices(l, refs, a.Choice)
		vm.Acts = append(vm.Acts, row)
	}
}

func condChoices(l i18n.Lang, refs helpdesk.RuleRefs, sel string) []automation.OptGroup {
	none := automation.OptGroup{Options: []admin.Option{option("", l.T("routing.choose_value"), sel)}}
	out := []automation.OptGroup{none, statusGroup(l, helpdesk.Statuses(), sel), priorityGroup(l, sel)}
	ch := automation.OptGroup{Label: l.T("routing.cond.channel")}
	for _, c := range helpdesk.Channels() {
		ch.Options = append(ch.Options, option("channel:"+string(c), l.T(msgKey("console.channel.", string(c))), sel))
	}
	cat := automation.OptGroup{Label: l.T("routing.cond.category"), Options: []admin.Option{option("category:0", l.T("routing.no_category"), sel)}}
	for _, c := range refs.Categories {
		cat.Options = append(cat.Options, option("category:"+strconv.FormatInt(int64(c.ID), 10), c.Name, sel))
	}
	grp := groupGroup(l, refs, "group", sel)
	grp.Options = append([]admin.Option{option("group:0", l.T("routing.no_group"), sel)}, grp.Options...)
	asg := agentGroup(l, refs, "assignee", l.T("routing.cond.assignee"), sel)
	asg.Options = append([]admin.Option{option("assignee:0", l.T("routing.unassigned"), sel)}, asg.Options...)
	rep := automation.OptGroup{Label: l.T("routing.cond.replied"), Options: []admin.Option{
		option("replied:no", l.T("automation.replied.no"), sel), option("replied:yes", l.T("automation.replied.yes"), sel)}}
	return append(out, ch, cat, grp, asg, rep, slaGroup(l, sel), fieldGroup(l, refs, sel))
}

// fieldGroup lists the active custom fields, for a condition or an
// action on one of them.
func fieldGroup(l i18n.Lang, refs helpdesk.RuleRefs, sel string) automation.OptGroup {
	g := automation.OptGroup{Label: l.T("routing.cond.custom_field")}
	for _, f := range refs.Fields {
		if f.Active {
			g.Options = append(g.Options, option(fieldChoice+":"+strconv.FormatInt(int64(f.ID), 10), f.Label, sel))
		}
	}
	return g
}

func actChoices(l i18n.Lang, refs helpdesk.RuleRefs, sel string) []automation.OptGroup {
	none := automation.OptGroup{Options: []admin.Option{option("", l.T("routing.choose_value"), sel)}}
	agents := agentGroup(l, refs, "agent", l.T("routing.agent"), sel)
	agents.Options = append([]admin.Option{option("agent:0", l.T("routing.unassign"), sel)}, agents.Options...)
	rc := automation.OptGroup{Label: l.T("routing.recipient")}
	for _, r := range helpdesk.Recipients() {
		rc.Options = append(rc.Options, option("recipient:"+string(r), l.T(msgKey("routing.recipient.", string(r))), sel))
	}
	return []automation.OptGroup{none, statusGroup(l, helpdesk.MacroStatuses(), sel), priorityGroup(l, sel),
		groupGroup(l, refs, "group", sel), agents, rc, fieldGroup(l, refs, sel), macroGroup(l, refs, sel), webhookGroup(l, refs, sel)}
}

// webhookGroup lists the desk's webhook subscriptions by their address.
func webhookGroup(l i18n.Lang, refs helpdesk.RuleRefs, sel string) automation.OptGroup {
	g := automation.OptGroup{Label: l.T("routing.webhook")}
	for _, w := range refs.Webhooks {
		g.Options = append(g.Options, option("webhook:"+strconv.FormatInt(int64(w.ID), 10), w.URL, sel))
	}
	return g
}

func statusGroup(l i18n.Lang, sts []helpdesk.Status, sel string) automation.OptGroup {
	g := automation.OptGroup{Label: l.T("routing.cond.status")}
	for _, st := range sts {
		g.Options = append(g.Options, option("status:"+st.String(), statusLabel(l, st), sel))
	}
	return g
}

func priorityGroup(l i18n.Lang, sel string) automation.OptGroup {
	g := automation.OptGroup{Label: l.T("routing.cond.priority")}
	for _, p := range helpdesk.Priorities() {
		g.Options = append(g.Options, option("priority:"+p.String(), priorityLabel(l, p), sel))
	}
	return g
}

func groupGroup(l i18n.Lang, refs helpdesk.RuleRefs, prefix, sel string) automation.OptGroup {
	g := automation.OptGroup{Label: l.T("routing.cond.group")}
	for _, gr := range refs.Groups {
		g.Options = append(g.Options, option(prefix+":"+strconv.FormatInt(int64(gr.ID), 10), gr.Name, sel))
	}
	return g
}

func agentGroup(l i18n.Lang, refs helpdesk.RuleRefs, prefix, label, sel string) automation.OptGroup {
	g := automation.OptGroup{Label: label}
	for _, u := range refs.Agents {
		g.Options = append(g.Options, option(prefix+":"+strconv.FormatInt(int64(u.ID), 10), u.Name, sel))
	}
	return g
}

// groupLetter names nested group n (1-based) as the form does: A, B.
func groupLetter(n int) string { return string(rune('A' + n - 1)) }
