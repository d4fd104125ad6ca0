package server

import (
	"net/url"
	"slices"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// consolePageSize is how many tickets a queue page shows.
const consolePageSize = helpdesk.DefaultPageSize

// queueParams are a queue's list parameters as submitted. Each narrows the
// view's own filter; none can widen it.
type queueParams struct {
	status, priority, q, sort, after string
	category, group, assignee        string
	channel, tag, from, to           string
}

// queueParamNames are the names of queueParams in URLs and forms.
var queueParamNames = []string{"status", "priority", "q", "sort", "after", "category", "group", "assignee", "channel", "tag", "from", "to"}

func readQueueParams(v url.Values) queueParams {
	return queueParams{
		status: v.Get("status"), priority: v.Get("priority"), q: helpdesk.CleanLine(v.Get("q")), sort: v.Get("sort"),
		after: v.Get("after"), category: v.Get("category"), group: v.Get("group"), assignee: v.Get("assignee"),
		channel: v.Get("channel"), tag: helpdesk.CleanLine(v.Get("tag")), from: v.Get("from"), to: v.Get("to"),
	}
}

func (p queueParams) fields() []string {
	return []string{p.status, p.priority, p.q, p.sort, p.after, p.category, p.group, p.assignee, p.channel, p.tag, p.from, p.to}
}

// values encodes p with the page cursor after.
func (p queueParams) values(after string) url.Values {
	v := url.Values{}
	p.after = after
	for i, val := range p.fields() {
		if val != "" {
			v.Set(queueParamNames[i], val)
		}
	}
	return v
}

// narrowed reports whether p narrows the view (the order and page aside).
func (p queueParams) narrowed() bool {
	p.sort, p.after = "", ""
	return slices.ContainsFunc(p.fields(), func(s string) bool { return s != "" })
}

func withQuery(base string, v url.Values) string {
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// dateLayout is how date filters are written (an <input type="date">).
const dateLayout = "2006-01-02"

// parseQueue builds the query of view v narrowed by p. A parameter that
// does not parse is named in bad (translated) and dropped from p, so the
// page shows the view without it and the agent can carry on. empty is set
// when a parameter asks for something outside the view: nothing matches.
// A sort equal to the view's own is dropped from p, as the page's links
// drop it.
func parseQueue(l i18n.Lang, loc *time.Location, v queueView, p *queueParams) (q helpdesk.TicketQuery, bad []string, empty bool) {
	f := v.viewFilter()
	if st, ok := parsed(l, &bad, &p.status, "console.queue.bad_status", helpdesk.ParseStatus); ok {
		empty = narrowList(&f.Statuses, st) || empty
	}
	if pr, ok := parsed(l, &bad, &p.priority, "console.queue.bad_priority", helpdesk.ParsePriority); ok {
		empty = narrowList(&f.Priorities, pr) || empty
	}
	if c, ok := parsed(l, &bad, &p.category, "console.queue.bad_filter", parseID[helpdesk.CategoryID]); ok {
		empty = narrowOne(&f.Category, c) || empty
	}
	if p.group == "mine" {
		f.MyGroups = true
	} else if g, ok := parsed(l, &bad, &p.group, "console.queue.bad_filter", parseID[helpdesk.GroupID]); ok {
		empty = narrowList(&f.Groups, g) || empty
	}
	empty = queueAssignee(l, &bad, &f, p) || empty
	if ch, ok := parsed(l, &bad, &p.channel, "console.queue.bad_filter", helpdesk.ParseChannel); ok {
		empty = narrowOne(&f.Channel, ch) || empty
	}
	if tag, ok := parsed(l, &bad, &p.tag, "console.queue.bad_tag", oneTag); ok {
		empty = narrowOne(&f.Tag, tag) || empty
	}
	queueCreated(l, loc, &bad, &f, v, p)
	if len([]rune(p.q)) > helpdesk.MaxQueryLen {
		bad, p.q = append(bad, l.T("console.queue.bad_query", helpdesk.MaxQueryLen)), ""
	}
	if p.q != "" {
		f.Text = p.q
	}
	sort, cur := queueOrder(l, &bad, v, p)
	return helpdesk.TicketQuery{Filter: f, Sort: sort, Cursor: cur, Limit: consolePageSize}, bad, empty
}

// queueAssignee narrows f to p's assignee; empty reports an assignee
// outside the view's own.
func queueAssignee(l i18n.Lang, bad *[]string, f *helpdesk.TicketFilter, p *queueParams) (empty bool) {
	if p.assignee == "" {
		return false
	}
	var a helpdesk.AssigneeFilter
	switch p.assignee {
	case "me":
		a.Mode = helpdesk.AssigneeMe
	case "nobody":
		a.Mode = helpdesk.AssigneeNobody
	case "anyone":
		a.Mode = helpdesk.AssigneeAnyone
	default:
		id, err := formID(p.assignee)
		if err != nil {
			*bad, p.assignee = append(*bad, l.T("console.queue.bad_filter")), ""
			return false
		}
		a = helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: helpdesk.UserID(id)}
	}
	switch {
	case f.Assignee.Mode == helpdesk.AssigneeAny:
		f.Assignee = a
	case f.Assignee != a && !(f.Assignee.Mode == helpdesk.AssigneeAnyone && a.Mode != helpdesk.AssigneeNobody):
		return true
	default:
		f.Assignee = a
	}
	return false
}

// queueCreated narrows f to the days p names (from and to inclusive, in
// the desk's time zone); a range that ends before it starts is dropped.
func queueCreated(l i18n.Lang, loc *time.Location, bad *[]string, f *helpdesk.TicketFilter, v queueView, p *queueParams) {
	for _, d := range []struct {
		val *string
		end bool
	}{{&p.from, false}, {&p.to, true}} {
		if *d.val == "" {
			continue
		}
		day, err := time.ParseInLocation(dateLayout, *d.val, loc)
		if err != nil {
			*bad, *d.val = append(*bad, l.T("console.queue.bad_date")), ""
			continue
		}
		if d.end {
			f.Created.To = day.AddDate(0, 0, 1) // the whole day named
		} else {
			f.Created.From = day
		}
	}
	if !f.Created.From.IsZero() && !f.Created.To.IsZero() && !f.Created.From.Before(f.Created.To) {
		*bad, p.from, p.to = append(*bad, l.T("console.queue.bad_range")), "", ""
		f.Created = v.filter.Created
	}
}

// queueOrder is the sort p asks for (or the view's own, which is then
// dropped from p as the page's links drop it) and the page's cursor in it.
func queueOrder(l i18n.Lang, bad *[]string, v queueView, p *queueParams) (helpdesk.Sort, helpdesk.Cursor) {
	sort := v.sort
	if p.sort != "" {
		s, err := helpdesk.ParseSort(p.sort)
		if err != nil {
			*bad, p.sort = append(*bad, l.T("console.queue.bad_sort")), ""
		} else {
			sort = s
		}
	}
	if sort == v.sort {
		p.sort = ""
	}
	cur, err := helpdesk.ParseCursor(p.after, sort)
	if err != nil {
		*bad, p.after, cur = append(*bad, l.T("console.queue.bad_cursor")), "", helpdesk.Cursor{}
	}
	return sort, cur
}

// parsed reads the parameter *raw with parse. An empty parameter is not
// set; one that does not parse is named in bad (message key) and dropped.
func parsed[T any](l i18n.Lang, bad *[]string, raw *string, key string, parse func(string) (T, error)) (T, bool) {
	var zero T
	if *raw == "" {
		return zero, false
	}
	v, err := parse(*raw)
	if err != nil {
		*bad, *raw = append(*bad, l.T(key)), ""
		return zero, false
	}
	return v, true
}

// narrowList narrows a view's set to v, and reports whether v lies outside
// the view's own set (then nothing matches).
func narrowList[T comparable](set *[]T, v T) (outside bool) {
	if len(*set) > 0 && !slices.Contains(*set, v) {
		return true
	}
	*set = []T{v}
	return false
}

// narrowOne sets a view's single-valued condition to v, and reports whether
// the view already asks for another value (then nothing matches).
func narrowOne[T comparable](cur *T, v T) (outside bool) {
	var zero T
	if *cur != zero && *cur != v {
		return true
	}
	*cur = v
	return false
}

// parseID reads a positive id of any id type.
func parseID[T ~int64](s string) (T, error) {
	id, err := formID(s)
	if err == nil && id == 0 {
		err = errNotFound
	}
	return T(id), err
}

// oneTag reads one tag as the domain normalises it.
func oneTag(s string) (string, error) {
	tags, err := helpdesk.NormaliseTags([]string{s})
	if err == nil && len(tags) != 1 {
		err = errNotFound
	}
	if err != nil {
		return "", err
	}
	return tags[0], nil
}
