package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
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
	if p.assignee != "" {
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
				bad, p.assignee = append(bad, l.T("console.queue.bad_filter")), ""
				break
			}
			a = helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeUser, User: helpdesk.UserID(id)}
		}
		switch {
		case p.assignee == "":
		case f.Assignee.Mode == helpdesk.AssigneeAny:
			f.Assignee = a
		case f.Assignee != a && !(f.Assignee.Mode == helpdesk.AssigneeAnyone && a.Mode != helpdesk.AssigneeNobody):
			empty = true
		default:
			f.Assignee = a
		}
	}
	if ch, ok := parsed(l, &bad, &p.channel, "console.queue.bad_filter", helpdesk.ParseChannel); ok {
		empty = narrowOne(&f.Channel, ch) || empty
	}
	if tag, ok := parsed(l, &bad, &p.tag, "console.queue.bad_tag", oneTag); ok {
		empty = narrowOne(&f.Tag, tag) || empty
	}
	for _, d := range []struct {
		val *string
		end bool
	}{{&p.from, false}, {&p.to, true}} {
		if *d.val == "" {
			continue
		}
		day, err := time.ParseInLocation(dateLayout, *d.val, loc)
		if err != nil {
			bad, *d.val = append(bad, l.T("console.queue.bad_date")), ""
			continue
		}
		if d.end {
			f.Created.To = day.AddDate(0, 0, 1) // the whole day named
		} else {
			f.Created.From = day
		}
	}
	if !f.Created.From.IsZero() && !f.Created.To.IsZero() && !f.Created.From.Before(f.Created.To) {
		bad, p.from, p.to = append(bad, l.T("console.queue.bad_range")), "", ""
		f.Created = v.filter.Created
	}
	if len([]rune(p.q)) > helpdesk.MaxQueryLen {
		bad, p.q = append(bad, l.T("console.queue.bad_query", helpdesk.MaxQueryLen)), ""
	}
	if p.q != "" {
		f.Text = p.q
	}
	sort := v.sort
	if p.sort != "" {
		s, err := helpdesk.ParseSort(p.sort)
		if err != nil {
			bad, p.sort = append(bad, l.T("console.queue.bad_sort")), ""
		} else {
			sort = s
		}
	}
	if sort == v.sort {
		p.sort = ""
	}
	cur, err := helpdesk.ParseCursor(p.after, sort)
	if err != nil {
		bad, p.after, cur = append(bad, l.T("console.queue.bad_cursor")), "", helpdesk.Cursor{}
	}
	return helpdesk.TicketQuery{Filter: f, Sort: sort, Cursor: cur, Limit: consolePageSize}, bad, empty
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

// renderQueue lists one page of view v, narrowed by the request's filters.
// A parameter that does not parse (an unknown status or sort, a forged or
// stale cursor) is a 400 naming it; the list then shows the view from its
// first page without that parameter. save is the "save as view" form as
// submitted when it was refused (with its problems in errs).
func (s *Server) renderQueue(w http.ResponseWriter, r *http.Request, v queueView, save viewForm, errs map[string]string) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	loc := tenantLocation(t)
	qs := r.URL.Query()
	if r.Method == http.MethodPost {
		qs = r.PostForm
	}
	p := readQueueParams(qs)
	q, bad, empty := parseQueue(l, loc, v, &p)
	since := s.changes.token(t.ID) // before the list: see consoleQueueLive

	var page helpdesk.TicketPage
	if !empty {
		var err error
		page, err = s.svc.Tickets(ctx, u.Actor(), q)
		if err != nil {
			if _, ok := fieldErrors(l, err); !ok {
				return err
			}
			// Every parameter was checked above; the domain's own limits
			// may still refuse one (a text the cleaning made invalid).
			bad = append(bad, l.T("console.queue.bad_filter"))
			page = helpdesk.TicketPage{}
		}
	}
	groups, agents, cats, err := s.svc.FilterChoices(ctx, u.Actor())
	if err != nil {
		return err
	}
	frame, err := s.consoleFrame(r, v.title(l), v.id)
	if err != nil {
		return err
	}
	base := viewPath(t, v.id)
	vm := queueModel(l, loc, s.now(), t, v, p, page)
	vm.Frame = frame
	vm.Bulk = bulkOptions(l, agents, groups)
	vm.Since = since
	vm.Errors = bad
	vm.Filters = console.QueueFilters{
		Status:     statusOptions(l, v, p.status),
		Priority:   priorityOptions(l, p.priority, true),
		Sort:       sortOptions(l, q.Sort.String()),
		Category:   queueCategoryOptions(l, cats, p.category),
		Group:      queueGroupOptions(l, groups, p.group),
		Assignee:   assigneeOptions(l, agents, p.assignee),
		Channel:    channelOptions(l, p.channel),
		Tag:        p.tag,
		From:       p.from,
		To:         p.to,
		Query:      p.q,
		Active:     p.narrowed(),
		More:       p.category != "" || p.group != "" || p.assignee != "" || p.channel != "" || p.tag != "" || p.from != "" || p.to != "",
		ClearURL:   base,
		FormAction: base,
	}
	vm.Save = saveViewModel(l, t, u, v, p, save, errs)
	if v.saved != nil {
		vm.EditURL = viewPath(t, v.id) + "/edit"
		vm.CanEdit = helpdesk.CanEditView(u.Actor(), *v.saved)
	}
	status := http.StatusOK
	switch {
	case len(errs) > 0:
		status = http.StatusUnprocessableEntity
	case len(bad) > 0:
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, console.QueuePage(vm))
}

// queueModel is the list part of a queue page, as the page and its live
// poll both build it.
func queueModel(l i18n.Lang, loc *time.Location, now time.Time, t helpdesk.Tenant, v queueView, p queueParams, page helpdesk.TicketPage) console.Queue {
	base := viewPath(t, v.id)
	vm := console.Queue{
		ViewID:  v.id,
		Title:   v.title(l),
		Return:  withQuery(base, p.values(p.after)),
		BulkURL: tenantPath(t, "/agent/bulk"),
		Columns: columnSet(v.columns),
		Filters: console.QueueFilters{Active: p.narrowed(), ClearURL: base},
	}
	for _, ts := range page.Tickets {
		vm.Rows = append(vm.Rows, queueRow(l, loc, now, t, ts))
	}
	if p.after != "" {
		vm.FirstURL = withQuery(base, p.values(""))
	}
	if !page.Next.IsZero() {
		vm.NextURL = withQuery(base, p.values(page.Next.String()))
	}
	return vm
}

func columnSet(cols []helpdesk.ViewColumn) map[string]bool {
	m := make(map[string]bool, len(cols))
	for _, c := range cols {
		m[string(c)] = true
	}
	return m
}

// sortChoices are the orders the queue offers; ParseSort accepts exactly
// these keys.
var sortChoices = []struct{ value, key string }{
	{"-updated", "console.sort.updated_desc"},
	{"updated", "console.sort.updated_asc"},
	{"-created", "console.sort.created_desc"},
	{"created", "console.sort.created_asc"},
	{"-priority", "console.sort.priority_desc"},
	{"priority", "console.sort.priority_asc"},
	{"due", "console.sort.due_asc"},
}

func sortOptions(l i18n.Lang, selected string) []console.Option {
	opts := make([]console.Option, 0, len(sortChoices))
	for _, c := range sortChoices {
		opts = append(opts, console.Option{Value: c.value, Label: l.T(c.key), Selected: c.value == selected})
	}
	return opts
}

func queueCategoryOptions(l i18n.Lang, cats []helpdesk.Category, selected string) []console.Option {
	opts := []console.Option{{Value: "", Label: l.T("console.queue.any_category")}}
	for _, c := range cats {
		id := strconv.FormatInt(int64(c.ID), 10)
		opts = append(opts, console.Option{Value: id, Label: c.Name, Selected: id == selected})
	}
	return opts
}

func queueGroupOptions(l i18n.Lang, groups []helpdesk.Group, selected string) []console.Option {
	opts := []console.Option{
		{Value: "", Label: l.T("console.queue.any_group")},
		{Value: "mine", Label: l.T("console.queue.my_groups"), Selected: selected == "mine"},
	}
	for _, g := range groups {
		id := strconv.FormatInt(int64(g.ID), 10)
		opts = append(opts, console.Option{Value: id, Label: g.Name, Selected: id == selected})
	}
	return opts
}

func assigneeOptions(l i18n.Lang, agents []helpdesk.User, selected string) []console.Option {
	opts := []console.Option{
		{Value: "", Label: l.T("console.queue.any_assignee")},
		{Value: "me", Label: l.T("console.queue.assignee_me"), Selected: selected == "me"},
		{Value: "nobody", Label: l.T("console.unassigned"), Selected: selected == "nobody"},
		{Value: "anyone", Label: l.T("console.queue.assignee_anyone"), Selected: selected == "anyone"},
	}
	for _, a := range agents {
		id := strconv.FormatInt(int64(a.ID), 10)
		opts = append(opts, console.Option{Value: id, Label: a.Name, Selected: id == selected})
	}
	return opts
}

func channelOptions(l i18n.Lang, selected string) []console.Option {
	opts := []console.Option{{Value: "", Label: l.T("console.queue.any_channel")}}
	for _, c := range helpdesk.Channels() {
		opts = append(opts, console.Option{Value: string(c), Label: l.T(msgKey("console.channel.", string(c))), Selected: string(c) == selected})
	}
	return opts
}
