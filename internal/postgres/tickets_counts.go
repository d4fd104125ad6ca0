package postgres

import "github.com/atiende/atiende/internal/helpdesk"

// fromCounters reports whether f narrows by status, assignee and group
// only, the columns ticket_counts keeps a count for. Any other condition
// (priority, tag, text, dates, SLA, a customer's scope) needs the tickets
// themselves. SLANow means nothing without SLA (the Service sets it on
// every staff filter). TestFromCountersKnowsEveryField fails when
// TicketFilter gains a field, so that it is added here.
func fromCounters(f *helpdesk.TicketFilter) bool {
	return len(f.Priorities) == 0 && f.Category == 0 && f.Tag == "" && f.Channel == "" &&
		f.Requester == 0 && f.Organisation == 0 && !f.MyGroups &&
		f.Created.IsZero() && f.Updated.IsZero() && f.Text == "" && f.Customer == nil && f.SLA == ""
}
