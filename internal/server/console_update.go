package server

import (
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// The workspace form's field names beyond the reply's (body, visibility,
// status, attachments). fieldsMarker says the form showed the custom
// fields: an unticked checkbox sends nothing, so without it "untick" and
// "not on this form" would look alike.
const (
	fieldsMarker = "custom_fields"
	minutesField = "minutes"
)

// readFieldsDraft keeps every field choice of a submission as typed, to
// show again when it is refused (a stale version, a bad value).
func readFieldsDraft(up *upload) console.FieldsDraft {
	d := console.FieldsDraft{Sent: map[string]bool{}, Fields: map[string]string{}}
	for _, name := range []string{"priority", "group", "agent", "category", "urgency", "impact", "tags", minutesField, "time_note"} {
		if _, ok := up.fields[name]; ok {
			d.Sent[name] = true
		}
	}
	d.Priority, d.Group, d.Agent, d.Category = up.get("priority"), up.get("group"), up.get("agent"), up.get("category")
	d.Urgency, d.Impact, d.Tags = up.get("urgency"), up.get("impact"), up.get("tags")
	d.Minutes, d.TimeNote, d.Billable = up.get(minutesField), up.get("time_note"), up.get("billable") != ""
	if up.get(fieldsMarker) != "" {
		d.Sent[fieldsMarker] = true
		for name, vs := range up.multi {
			if strings.HasPrefix(name, "field_") {
				d.Fields[name] = strings.Join(vs, helpdesk.MultiSelectSeparator)
			}
		}
	}
	return d
}

// workspaceChanges turns the form's field choices into the domain's
// update. Values are parsed here only as far as their type goes; every
// rule (transitions, membership, archived groups) is the domain's.
func workspaceChanges(up *upload, d console.FieldsDraft, onlyFields bool) (helpdesk.TicketChanges, error) {
	in := helpdesk.TicketChanges{Workspace: true}
	var v helpdesk.ValidationError
	if s := up.get("status"); s != "" {
		st, err := helpdesk.ParseStatus(s)
		if err != nil {
			v.Add("status", "error.invalid")
		}
		in.Status = &st
	}
	if !onlyFields {
		if vis := up.get("visibility"); vis != "public" && vis != "internal" {
			v.Add("visibility", "error.invalid")
		}
	}
	if d.Sent["priority"] {
		p, err := helpdesk.ParsePriority(d.Priority)
		if err != nil {
			v.Add("priority", "error.invalid")
		}
		in.Priority = &p
	}
	if d.Sent["urgency"] {
		u, err := helpdesk.ParseUrgency(d.Urgency)
		if err != nil {
			v.Add("urgency", "error.invalid")
		}
		in.Urgency = &u
	}
	if d.Sent["impact"] {
		i, err := helpdesk.ParseImpact(d.Impact)
		if err != nil {
			v.Add("impact", "error.invalid")
		}
		in.Impact = &i
	}
	if d.Sent["category"] {
		id, err := formID(d.Category)
		if err != nil {
			v.Add("category", "error.invalid")
		}
		c := helpdesk.CategoryID(id)
		in.Category = &c
	}
	if d.Sent["group"] {
		id, err := formID(d.Group)
		if err != nil {
			v.Add("group", "error.invalid")
		}
		g := helpdesk.GroupID(id)
		in.Group = &g
	}
	if d.Sent["agent"] {
		id, err := formID(d.Agent)
		if err != nil {
			v.Add("assignee", "error.invalid")
		}
		a := helpdesk.UserID(id)
		in.Assignee = &a
	}
	if d.Sent["tags"] {
		tags := []string{d.Tags}
		in.Tags = &tags
	}
	if d.Sent[fieldsMarker] {
		in.Fields = workspaceFieldValues(up)
	}
	if m := strings.TrimSpace(d.Minutes); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			v.Add(minutesField, "time.error.minutes")
		}
		in.Time = helpdesk.TimeInput{Minutes: n, Note: d.TimeNote, Billable: d.Billable}
	}
	return in, v.Err()
}

// workspaceFieldValues reads every custom field the form showed; the
// names carry the field's id, and the domain refuses unknown ones and
// keeps only what changed. An unticked checkbox is "false".
func workspaceFieldValues(up *upload) map[helpdesk.CustomFieldID]string {
	out := map[helpdesk.CustomFieldID]string{}
	for _, idText := range strings.Fields(up.get(fieldsMarker)) {
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		name := fieldName(helpdesk.CustomFieldID(id))
		v := strings.Join(up.all(name), helpdesk.MultiSelectSeparator)
		out[helpdesk.CustomFieldID(id)] = v
	}
	return out
}
