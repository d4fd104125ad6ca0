package server

import (
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// workspaceForm fills the workspace form's pickers: each shows the
// submitted choice after a refusal (st.fields), else the ticket's value.
func workspaceForm(l i18n.Lang, ws helpdesk.Workspace, st wsState, vm *console.Workspace) {
	tk := ws.Ticket
	d := ticketFieldsDraft(tk)
	if st.fields != nil {
		d = mergeDraft(d, *st.fields)
	}
	vm.PriorityOptions = priorityOptions(l, d.Priority, false)
	vm.GroupOptions = []console.Option{{Value: "", Label: l.T("console.none"), Selected: d.Group == ""}}
	for _, g := range ws.Groups {
		id := idText(int64(g.ID))
		vm.GroupOptions = append(vm.GroupOptions, console.Option{Value: id, Label: l.T("console.group_tier", g.Name, g.Tier), Selected: id == d.Group})
	}
	vm.AgentOptions = []console.Option{{Value: "", Label: l.T("console.none"), Selected: d.Agent == ""}}
	for _, a := range ws.Agents {
		id := idText(int64(a.ID))
		vm.AgentOptions = append(vm.AgentOptions, console.Option{Value: id, Label: a.Name, Selected: id == d.Agent})
	}
	f := console.WorkspaceFields{Draft: d, TimeTotal: minutesText(l, ws.Choices.Minutes), RequireTime: ws.Choices.RequireTime}
	f.CategoryOptions = []console.Option{{Value: "", Label: l.T("console.none"), Selected: d.Category == ""}}
	for _, c := range ws.Choices.Categories {
		id := idText(int64(c.ID))
		f.CategoryOptions = append(f.CategoryOptions, console.Option{Value: id, Label: c.Name, Selected: id == d.Category})
	}
	for _, u := range helpdesk.Urgencies() {
		f.UrgencyOptions = append(f.UrgencyOptions, console.Option{Value: string(u), Label: levelLabel(l, string(u)), Selected: string(u) == d.Urgency})
	}
	for _, i := range helpdesk.Impacts() {
		f.ImpactOptions = append(f.ImpactOptions, console.Option{Value: string(i), Label: levelLabel(l, string(i)), Selected: string(i) == d.Impact})
	}
	ids := make([]string, 0, len(ws.Choices.Fields))
	for _, def := range ws.Choices.Fields {
		ff := console.FormField{Name: fieldName(def.ID), Label: def.Label, Type: string(def.Type), Required: def.AgentRequired}
		for _, o := range def.Options {
			ff.Options = append(ff.Options, console.Option{Value: o.Value, Label: o.Label})
		}
		f.Custom = append(f.Custom, ff)
		ids = append(ids, idText(int64(def.ID)))
	}
	f.CustomIDs = strings.Join(ids, " ")
	vm.Form = f
}

// ticketFieldsDraft is the form's choices as the ticket stands.
func ticketFieldsDraft(tk helpdesk.Ticket) console.FieldsDraft {
	d := console.FieldsDraft{
		Priority: tk.Priority.String(), Group: optionalIDString(int64(tk.Group)), Agent: optionalIDString(int64(tk.Assignee)),
		Category: optionalIDString(int64(tk.Category)), Urgency: string(tk.Urgency), Impact: string(tk.Impact),
		Tags: strings.Join(tk.Tags, " "), Fields: map[string]string{},
	}
	for _, v := range tk.Fields {
		d.Fields[fieldName(v.Field)] = v.String()
	}
	return d
}

// mergeDraft lays the submitted choices over the ticket's, field by field
// as the form sent them.
func mergeDraft(d, sent console.FieldsDraft) console.FieldsDraft {
	pick := func(name string, cur *string, v string) {
		if sent.Sent[name] {
			*cur = v
		}
	}
	pick("priority", &d.Priority, sent.Priority)
	pick("group", &d.Group, sent.Group)
	pick("agent", &d.Agent, sent.Agent)
	pick("category", &d.Category, sent.Category)
	pick("urgency", &d.Urgency, sent.Urgency)
	pick("impact", &d.Impact, sent.Impact)
	pick("tags", &d.Tags, sent.Tags)
	if sent.Sent[fieldsMarker] {
		d.Fields = sent.Fields
	}
	d.Minutes, d.TimeNote, d.Billable = sent.Minutes, sent.TimeNote, sent.Billable
	return d
}

// minutesText is a duration for people: "45 min", "1 h 15 min"; "" for none.
func minutesText(l i18n.Lang, m int) string {
	switch {
	case m <= 0:
		return ""
	case m < 60:
		return l.T("time.minutes_only", m)
	case m%60 == 0:
		return l.T("time.hours_only", m/60)
	}
	return l.T("time.hours_minutes", m/60, m%60)
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }
