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
	if p.status != "" {
		st, err := helpdesk.ParseStatus(p.status)
		switch {
		case err != nil:
			bad, p.status = append(bad, l.T("console.queue.bad_status")), ""
		case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, st):
			empty = true
		default:
			f.Statuses = []helpdesk.Status{st}
		}
	}
	if p.priority != "" {
		pr, err := helpdesk.ParsePriority(p.priority)
		switch {
		case err != nil:
			bad, p.priority = append(bad, l.T("console.queue.bad_priority")), ""
		case len(f.Priorities) > 0 && !slices.Contains(f.Priorities, pr):
			empty = true
		default:
			f.Priorities = []helpdesk.Priority{pr}
		}
	}
	if p.category != "" {
		id, err := formID(p.category)
		switch {
		case err != nil:
			bad, p.category = append(bad, l.T("console.queue.bad_filter")), ""
		case f.Category != 0 && f.Category != helpdesk.CategoryID(id):
			empty = true
		default:
			f.Category = helpdesk.CategoryID(id)
		}
	}
	switch p.group {
	case "":
	case "mine":
		f.MyGroups = true
	default:
		id, err := formID(p.group)
		switch {
		case err != nil:
			bad, p.group = append(bad, l.T("console.queue.bad_filter")), ""
		case len(f.Groups) > 0 && !slices.Contains(f.Groups, helpdesk.GroupID(id)):
			empty = true
		default:
			f.Groups = []helpdesk.GroupID{helpdesk.GroupID(id)}
		}
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
	if p.channel != "" {
		ch, err := helpdesk.ParseChannel(p.channel)
		switch {
		case err != nil:
			bad, p.channel = append(bad, l.T("console.queue.bad_filter")), ""
		case f.Channel != "" && f.Channel != ch:
			empty = true
		default:
			f.Channel = ch
		}
	}
	if p.tag != "" {
		if tags, err := helpdesk.NormaliseTags([]string{p.tag}); err != nil || len(tags) != 1 {
			bad, p.tag = append(bad, l.T("console.queue.bad_tag")), ""
		} else if f.Tag != "" && f.Tag != tags[0] {
			empty = true
		} else {
			f.Tag = tags[0]
		}
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
