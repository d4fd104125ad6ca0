package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// auditAreaValue says in words the values that the help centre, SLA,
// webhook, API token and routing entries log as stored text (states, ids,
// durations, ISO dates, weekday abbreviations); ok is false for a value it
// does not know, which auditFieldValue then shows as auditValue does.
func auditAreaValue(w ruleWords, loc *time.Location, kind, field, v string) (string, bool) {
	l := w.l
	switch {
	case kind == "kb_article" && (field == "state" || field == "audience"):
		return translated(l, "kb."+field+"."+v, v), true
	case field == "group":
		return w.group(v, "admin.audit.none_group"), true
	case field == "category":
		return auditCategory(w, v), true
	case kind == "sla_policy" && field == "categories":
		return auditList(l, v, func(id string) string { return auditCategory(w, id) }), true
	case (field == "locale" || field == "language") && langKeys[v] != "":
		return l.T(langKeys[v]), true
	case kind == "sla_policy" && field == "groups":
		return auditList(l, v, func(id string) string { return w.group(id, "admin.audit.none_group") }), true
	case kind == "sla_policy" && field == "calendar":
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id == 0 {
			return l.T("automation.calendar_time"), true
		}
		return w.calendar(helpdesk.CalendarID(id)), true
	case kind == "sla_policy" && field == "priorities":
		return auditList(l, v, func(p string) string { return auditValue(l, p) }), true
	case kind == "sla_policy" && field == "channels":
		return auditList(l, v, func(c string) string { return translated(l, "console.channel."+c, c) }), true
	case kind == "sla_policy" && field == "targets":
		return auditTargets(l, v), true
	case kind == "sla_policy" && field == "escalations":
		return auditLadder(w, v), true
	case kind == "sla_calendar" && field == "hours":
		return auditWeek(l, v), true
	case kind == "sla_calendar" && field == "holidays":
		return auditHolidays(l, v), true
	case field == "soon_window":
		if d, err := time.ParseDuration(v); err == nil {
			return l.Duration(int(d.Minutes())), true
		}
	case field == "expires_at" || field == "revoked_at":
		if at, err := time.Parse(time.RFC3339, v); err == nil {
			return formatTime(l, loc, at), true
		}
	}
	return "", false
}

// langKeys name the languages a desk speaks, by code.
var langKeys = map[string]string{"es": "kb.lang.es", "en": "kb.lang.en"}

// auditCategory is the name of the category with id v, "Ninguna" for none.
func auditCategory(w ruleWords, v string) string {
	id, _ := strconv.ParseInt(v, 10, 64)
	if id == 0 {
		return w.l.T("admin.audit.none_category")
	}
	for _, c := range w.refs.Categories {
		if int64(c.ID) == id {
			return c.Name
		}
	}
	return w.l.T("automation.removed")
}

// auditList says each item of a comma-separated list and joins them.
func auditList(l i18n.Lang, v string, say func(string) string) string {
	var parts []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, say(p))
		}
	}
	return joinWords(l, parts, "i18n.list_and")
}

// auditTargets says "high 60/240/480; …" (minutes to first reply, next
// reply and resolution per priority) as "Alta: 1 h · 4 h · 8 h; …".
func auditTargets(l i18n.Lang, v string) string {
	var out []string
	for _, t := range strings.Split(v, ";") {
		prio, mins, ok := strings.Cut(strings.TrimSpace(t), " ")
		if !ok {
			out = append(out, t)
			continue
		}
		var ds []string
		for _, m := range strings.Split(mins, "/") {
			if n, err := strconv.Atoi(m); err == nil && n > 0 {
				ds = append(ds, l.Duration(n))
			} else {
				ds = append(ds, "—")
			}
		}
		out = append(out, auditValue(l, prio)+": "+strings.Join(ds, " · "))
	}
	return strings.Join(out, "; ")
}

// dayKeys name the days of the week, by time.Weekday.
var dayKeys = [7]string{"sla.day.0", "sla.day.1", "sla.day.2", "sla.day.3", "sla.day.4", "sla.day.5", "sla.day.6"}

// auditWeek says "Sun ; Mon 09:00-17:00; …" with the reader's day names,
// leaving out the closed days.
func auditWeek(l i18n.Lang, v string) string {
	var out []string
	for _, d := range strings.Split(v, ";") {
		day, hours, _ := strings.Cut(strings.TrimSpace(d), " ")
		if strings.TrimSpace(hours) == "" {
			continue
		}
		for i := time.Sunday; i <= time.Saturday; i++ {
			if i.String()[:3] == day {
				day = l.T(dayKeys[i])
			}
		}
		out = append(out, day+" "+strings.TrimSpace(hours))
	}
	return strings.Join(out, "; ")
}

// auditHolidays says "2026-04-02 Jueves Santo; 12-25 Navidad" with the
// reader's dates; a yearly holiday has no year.
func auditHolidays(l i18n.Lang, v string) string {
	var out []string
	for _, h := range strings.Split(v, ";") {
		date, name, _ := strings.Cut(strings.TrimSpace(h), " ")
		if t, err := time.Parse("2006-01-02", date); err == nil {
			date = l.Date(time.UTC, t)
		} else if t, err := time.Parse("01-02", date); err == nil {
			date = strings.TrimSuffix(l.Date(time.UTC, t.AddDate(2000, 0, 0)), " 2000")
		}
		out = append(out, strings.TrimSpace(date+" "+name))
	}
	return strings.Join(out, "; ")
}

// auditLadder says "80% any: notify_assignee assign_to=7; …" (a policy's
// escalation steps) as "80 % de cualquier objetivo: aviso al agente
// asignado y reasignado a Ana; …".
func auditLadder(w ruleWords, v string) string {
	l := w.l
	var out []string
	for _, step := range strings.Split(v, ";") {
		head, acts, _ := strings.Cut(strings.TrimSpace(step), ": ")
		pct, metric, _ := strings.Cut(head, " ")
		metricWords := l.T("admin.audit.sla_any_target")
		if metric != "any" {
			metricWords = translated(l, "sla.metric."+metric, metric)
		}
		var said []string
		for _, a := range strings.Fields(acts) {
			if id, ok := strings.CutPrefix(a, "assign_to="); ok {
				said = append(said, l.T("sla.action.reassign")+" → "+w.agent(id, "admin.audit.none_group"))
				continue
			}
			said = append(said, translated(l, "sla.action."+a, a))
		}
		out = append(out, l.T("admin.audit.sla_step", strings.TrimSuffix(pct, "%"), metricWords, joinWords(l, said, "i18n.list_and")))
	}
	return strings.Join(out, "; ")
}
