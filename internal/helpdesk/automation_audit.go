package helpdesk

import (
	"errors"
	"strconv"
	"strings"
)

// ruleAudit is a rule as the audit log stores it. Conditions and actions
// are kept in a compact text form that ParseAuditConditions and
// ParseAuditActions read back, so the log can say them in words in any
// language later: `priority is "high"; tag not_contains "vip"` and
// `add_tag "seguimiento"; notify "requester" "Hola"`.
func ruleAudit(r Rule) AuditValues {
	v := AuditValues{"name": r.Name, "kind": string(r.Kind), "active": strconv.FormatBool(r.Active),
		"position": strconv.Itoa(r.Position), "match_any": strconv.FormatBool(r.MatchAny)}
	if r.Kind == RuleTimed {
		v["anchor"], v["minutes"] = string(r.Anchor), strconv.Itoa(r.Minutes)
		v["calendar"] = strconv.FormatInt(int64(r.Calendar), 10)
	} else {
		v["event"] = string(r.Event)
	}
	conds := make([]string, 0, len(r.Conditions))
	for _, c := range r.Conditions {
		conds = append(conds, string(c.Field)+" "+string(c.Op)+" "+strconv.Quote(c.Value))
	}
	acts := make([]string, 0, len(r.Actions))
	for _, a := range r.Actions {
		s := string(a.Type)
		if a.Value != "" {
			s += " " + strconv.Quote(a.Value)
		}
		if a.Text != "" {
			s += " " + strconv.Quote(a.Text)
		}
		acts = append(acts, s)
	}
	v["conditions"], v["actions"] = strings.Join(conds, "; "), strings.Join(acts, "; ")
	return v
}

var errAuditFormat = errors.New("helpdesk: not a rule as the audit log stores it")

// ParseAuditConditions reads the conditions of a rule's audit entry.
func ParseAuditConditions(s string) ([]Condition, error) {
	var out []Condition
	for rest := s; rest != ""; {
		var words []string
		var err error
		words, rest, err = auditItem(rest, 2)
		if err != nil || len(words) != 3 {
			return nil, errAuditFormat
		}
		out = append(out, Condition{Field: CondField(words[0]), Op: Operator(words[1]), Value: words[2]})
	}
	return out, nil
}

// ParseAuditActions reads the actions of a rule's audit entry. A note's
// only quoted string is its text; every other action's first is its value.
func ParseAuditActions(s string) ([]Action, error) {
	var out []Action
	for rest := s; rest != ""; {
		var words []string
		var err error
		words, rest, err = auditItem(rest, 1)
		if err != nil || len(words) < 1 || len(words) > 3 {
			return nil, errAuditFormat
		}
		a := Action{Type: ActionType(words[0])}
		quoted := words[1:]
		if a.Type == ActAddNote && len(quoted) == 1 {
			quoted = []string{"", quoted[0]}
		}
		if len(quoted) > 0 {
			a.Value = quoted[0]
		}
		if len(quoted) > 1 {
			a.Text = quoted[1]
		}
		out = append(out, a)
	}
	return out, nil
}

// auditItem reads one "; "-separated item: bare words first (up to bare of
// them), then Go-quoted strings.
func auditItem(s string, bare int) (words []string, rest string, err error) {
	for i := 0; ; i++ {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return words, "", nil
		}
		if strings.HasPrefix(s, ";") {
			return words, strings.TrimLeft(s[1:], " "), nil
		}
		if i < bare {
			end := strings.IndexAny(s, " ;")
			if end < 0 {
				end = len(s)
			}
			words, s = append(words, s[:end]), s[end:]
			continue
		}
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, "", errAuditFormat
		}
		v, _ := strconv.Unquote(q) // QuotedPrefix vouched for it
		words, s = append(words, v), s[len(q):]
	}
}
