package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

// auditWords is what the audit log needs to say rules in words: the
// reader's language and the names of the groups, agents and categories
// rules point at.
func (s *Server) auditWords(r *http.Request, l i18n.Lang) (ruleWords, error) {
	refs, err := s.svc.RuleChoices(r.Context(), agent(r).Actor())
	if err != nil {
		return ruleWords{}, err
	}
	return ruleWords{l: l, refs: refs}, nil
}

// auditRow shows an entry: translated action, kind and field names where
// the catalogue has them, the raw keys otherwise (areas may add actions
// before they add words for them). Dates are the desk's, in the product's
// format.
func auditRow(w ruleWords, loc *time.Location, e helpdesk.AuditEntry) admin.AuditRow {
	l := w.l
	row := admin.AuditRow{
		When:    formatTime(l, loc, e.At),
		WhenISO: isoTime(e.At),
		Actor:   e.ActorName,
		Action:  auditActionLabel(l, e.Action),
		Object:  auditKindLabel(l, e.ObjectKind),
	}
	switch {
	case e.ObjectLabel == "":
	case strings.HasSuffix(e.ObjectKind, "settings"):
		// A setting's label is its stored key: say its name instead.
		row.Object += ": " + translated(l, "admin.audit.field."+e.ObjectLabel, e.ObjectLabel)
	default:
		row.Object += ": " + e.ObjectLabel
	}
	for _, c := range e.Changes() {
		row.Changes = append(row.Changes, admin.AuditChange{Field: translated(l, "admin.audit.field."+c.Field, c.Field),
			Before: auditFieldValue(w, loc, e.ObjectKind, c.Field, c.Before), After: auditFieldValue(w, loc, e.ObjectKind, c.Field, c.After)})
	}
	return row
}

// auditFieldValue says a logged value in words where its field says what
// it is: a rule's conditions and actions as sentences, hours as a
// duration, an instant in the desk's format; the rest as auditValue does.
func auditFieldValue(w ruleWords, loc *time.Location, kind, field, v string) string {
	l := w.l
	if v == "" {
		return ""
	}
	if said, ok := auditAreaValue(w, loc, kind, field, v); ok {
		return said
	}
	switch {
	case kind == "automation_rule" && field == "conditions":
		if cs, err := helpdesk.ParseAuditConditions(v); err == nil {
			return w.conditions(cs)
		}
	case kind == "automation_rule" && field == "actions":
		if as, err := helpdesk.ParseAuditActions(v); err == nil {
			parts := make([]string, 0, len(as))
			for _, a := range as {
				parts = append(parts, w.action(a))
			}
			return joinWords(l, parts, "i18n.list_and")
		}
	case kind == "automation_rule" && field == "match_any":
		if v == "true" {
			return l.T("automation.match.any")
		}
		return l.T("automation.match.all")
	case kind == "automation_rule" && field == "event":
		return translated(l, "automation.when."+v, v)
	case kind == "automation_rule" && field == "anchor":
		return translated(l, "routing.anchor."+v, v)
	case kind == "automation_rule" && field == "kind":
		return translated(l, "admin.audit.value.kind."+v, v)
	case kind == "automation_rule" && field == "minutes":
		if m, err := strconv.Atoi(v); err == nil {
			return l.Duration(m)
		}
	case kind == "automation_rule" && field == "calendar":
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			if id == 0 {
				return l.T("automation.calendar_time")
			}
			return l.T("automation.business_time", w.calendar(helpdesk.CalendarID(id)))
		}
	case field == "hours" || field == "pending_reminder_hours":
		if h, err := strconv.Atoi(v); err == nil {
			if h == 0 {
				return l.T("admin.audit.reminder_off")
			}
			return l.Duration(h * 60)
		}
	case field == "expires":
		if at, err := time.Parse(time.RFC3339, v); err == nil {
			return formatTime(l, loc, at)
		}
	}
	return auditValue(l, strings.TrimSpace(v))
}

// auditValue shows a logged value: yes and no for flags, the words of
// known stored values (priorities, roles, modes, types), the rest as is.
func auditValue(l i18n.Lang, v string) string {
	switch v {
	case "":
		return ""
	case "true":
		return l.T("admin.yes")
	case "false":
		return l.T("admin.no")
	}
	return translated(l, "admin.audit.value."+v, v)
}
