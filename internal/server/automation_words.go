package server

import (
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// ruleWords says rules as sentences in the reader's language, naming
// groups, agents and categories rather than their numbers. The rule list,
// the audit log and the ticket history all speak through it, so a rule
// reads the same wherever it appears.
type ruleWords struct {
	l    i18n.Lang
	refs helpdesk.RuleRefs
}

// sentence is the whole rule: "Si la prioridad es Alta y el canal es
// Correo: cambiar el estado a Pendiente, avisar al solicitante."
func (w ruleWords) sentence(r helpdesk.Rule) string {
	acts := make([]string, 0, len(r.Actions))
	for _, a := range r.Actions {
		acts = append(acts, w.action(a))
	}
	what := strings.Join(acts, w.l.T("i18n.list_separator"))
	if len(r.Conditions) == 0 {
		return w.l.T("automation.always", what)
	}
	return w.l.T("automation.if", w.conditionsOf(r), what)
}

// when says when the rule runs: "Al crear un ticket", "Cuando pasan 30
// minutos desde la creación (sin resolver)".
func (w ruleWords) when(r helpdesk.Rule) string {
	if r.Kind == helpdesk.RuleTimed {
		when := w.l.T("automation.when.timed", w.l.Duration(r.Minutes), w.l.T(msgKey("routing.anchor.", string(r.Anchor))))
		if r.Calendar != 0 {
			return when + " " + w.l.T("automation.in_calendar", w.calendar(r.Calendar))
		}
		return when
	}
	return w.l.T(msgKey("automation.when.", string(r.Event)))
}

// conditionsOf joins a rule's conditions as it combines them: "a, b y c"
// when all must hold, "a, b o c" when any may.
func (w ruleWords) conditionsOf(r helpdesk.Rule) string {
	conj := "i18n.list_and"
	if r.MatchAny {
		conj = "i18n.list_or"
	}
	var parts []string
	for _, c := range r.Conditions {
		if c.Group == 0 {
			parts = append(parts, w.condition(c))
		}
	}
	for i, g := range r.Groups {
		var in []string
		for _, c := range r.Conditions {
			if c.Group == i+1 {
				in = append(in, w.condition(c))
			}
		}
		if len(in) == 0 {
			continue
		}
		inner := "i18n.list_and"
		if g.MatchAny {
			inner = "i18n.list_or"
		}
		if len(in) == 1 {
			parts = append(parts, in[0])
		} else {
			parts = append(parts, w.l.T("automation.group.words", joinWords(w.l, in, inner)))
		}
	}
	return joinWords(w.l, parts, conj)
}

// conditions joins conditions that must all hold: "a, b y c".
func (w ruleWords) conditions(cs []helpdesk.Condition) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		parts = append(parts, w.condition(c))
	}
	return joinWords(w.l, parts, "i18n.list_and")
}

// condition says one condition: "la prioridad es Alta", "el ticket no
// tiene la etiqueta «vip»".
func (w ruleWords) condition(c helpdesk.Condition) string {
	if c.Field == helpdesk.CondTag {
		if c.Op == helpdesk.OpContains || c.Op == helpdesk.OpIs {
			return w.l.T("automation.cond.tag.has", c.Value)
		}
		return w.l.T("automation.cond.tag.lacks", c.Value)
	}
	if c.Field == helpdesk.CondReplied {
		if (c.Value == "yes") == (c.Op == helpdesk.OpIs) {
			return w.l.T("automation.cond.replied.yes")
		}
		return w.l.T("automation.cond.replied.no")
	}
	if c.Field == helpdesk.CondSLA {
		if key := "automation.cond.sla." + string(c.Op) + "." + c.Value; w.l.Has(key) {
			return w.l.T(key)
		}
	}
	if c.Field == helpdesk.CondCustomField {
		return w.l.T("automation.cond", w.l.T("automation.field.custom_field", w.field(c.Key)),
			w.l.T(msgKey("automation.op.", string(c.Op))), w.l.T("automation.quoted", c.Value))
	}
	return w.l.T("automation.cond", w.l.T(msgKey("automation.field.", string(c.Field))),
		w.l.T(msgKey("automation.op.", string(c.Op))), w.condValue(c))
}

// condValue names a condition's value: a status or priority in words, a
// group by its name, typed text in quotes.
func (w ruleWords) condValue(c helpdesk.Condition) string {
	switch c.Field {
	case helpdesk.CondStatus:
		if st, err := helpdesk.ParseStatus(c.Value); err == nil {
			return statusLabel(w.l, st)
		}
	case helpdesk.CondPriority:
		if p, err := helpdesk.ParsePriority(c.Value); err == nil {
			return priorityLabel(w.l, p)
		}
	case helpdesk.CondChannel:
		if ch, err := helpdesk.ParseChannel(c.Value); err == nil {
			return w.l.T(msgKey("console.channel.", string(ch)))
		}
	case helpdesk.CondCategory:
		return w.category(c.Value)
	case helpdesk.CondGroup:
		return w.group(c.Value, "routing.no_group")
	case helpdesk.CondAssignee:
		return w.agent(c.Value, "routing.unassigned")
	case helpdesk.CondOrganisation:
		return w.l.T("automation.organisation_n", c.Value)
	}
	return w.l.T("automation.quoted", c.Value)
}

// action says one action in the infinitive: "cambiar el estado a
// Pendiente", "avisar al solicitante".
func (w ruleWords) action(a helpdesk.Action) string {
	switch a.Type {
	case helpdesk.ActSetStatus:
		if st, err := helpdesk.ParseStatus(a.Value); err == nil {
			return w.l.T("automation.act.set_status", statusLabel(w.l, st))
		}
	case helpdesk.ActSetPriority:
		if p, err := helpdesk.ParsePriority(a.Value); err == nil {
			return w.l.T("automation.act.set_priority", priorityLabel(w.l, p))
		}
	case helpdesk.ActSetGroup:
		return w.l.T("automation.act.set_group", w.group(a.Value, "routing.no_group"))
	case helpdesk.ActSetAssignee:
		if a.Value == "0" {
			return w.l.T("automation.act.unassign")
		}
		return w.l.T("automation.act.set_assignee", w.agent(a.Value, "routing.unassigned"))
	case helpdesk.ActAddTag, helpdesk.ActRemoveTag:
		return w.l.T(msgKey("automation.act.", string(a.Type)), a.Value)
	case helpdesk.ActAddNote:
		return w.l.T("automation.act.add_note")
	case helpdesk.ActEscalate:
		return w.l.T("automation.act.escalate", w.group(a.Value, "routing.no_group"))
	case helpdesk.ActAddFollower:
		return w.l.T("automation.act.add_follower", w.agent(a.Value, "automation.removed"))
	case helpdesk.ActSetField:
		return w.l.T("automation.act.set_field", w.field(a.Value), a.Text)
	case helpdesk.ActSendWebhook:
		return w.l.T("automation.act.send_webhook", w.webhook(a.Value))
	case helpdesk.ActApplyMacro:
		return w.l.T("automation.act.apply_macro", w.macro(a.Value))
	case helpdesk.ActNotify:
		if key := msgKey("automation.act.notify.", a.Value); w.l.Has(key) {
			return w.l.T(key)
		}
	}
	return w.l.T(msgKey("routing.act.", string(a.Type)))
}

func (w ruleWords) group(v, noneKey string) string {
	id, _ := strconv.ParseInt(v, 10, 64)
	if id == 0 {
		return w.l.T(noneKey)
	}
	for _, g := range w.refs.Groups {
		if int64(g.ID) == id {
			return g.Name
		}
	}
	return w.l.T("automation.removed")
}

func (w ruleWords) agent(v, noneKey string) string {
	id, _ := strconv.ParseInt(v, 10, 64)
	if id == 0 {
		return w.l.T(noneKey)
	}
	for _, u := range w.refs.Agents {
		if int64(u.ID) == id {
			return u.Name
		}
	}
	return w.l.T("automation.removed")
}

func (w ruleWords) category(v string) string {
	id, _ := strconv.ParseInt(v, 10, 64)
	if id == 0 {
		return w.l.T("routing.no_category")
	}
	for _, c := range w.refs.Categories {
		if int64(c.ID) == id {
			return c.Name
		}
	}
	return w.l.T("automation.removed")
}

func (w ruleWords) field(v string) string {
	for _, f := range w.refs.Fields {
		if strconv.FormatInt(int64(f.ID), 10) == v {
			return f.Label
		}
	}
	return w.l.T("automation.removed")
}

func (w ruleWords) webhook(v string) string {
	for _, h := range w.refs.Webhooks {
		if strconv.FormatInt(int64(h.ID), 10) == v {
			return h.URL
		}
	}
	return w.l.T("automation.removed")
}

func (w ruleWords) macro(v string) string {
	for _, m := range w.refs.Macros {
		if strconv.FormatInt(int64(m.ID), 10) == v {
			return m.Name
		}
	}
	return w.l.T("automation.removed")
}

func (w ruleWords) calendar(id helpdesk.CalendarID) string {
	for _, c := range w.refs.Calendars {
		if c.ID == id {
			return c.Name
		}
	}
	return w.l.T("automation.removed")
}

// joinWords joins parts as a list in words: "a", "a y b", "a, b y c".
func joinWords(l i18n.Lang, parts []string, conj string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	head := strings.Join(parts[:len(parts)-1], l.T("i18n.list_separator"))
	return l.T(conj, head, parts[len(parts)-1])
}
