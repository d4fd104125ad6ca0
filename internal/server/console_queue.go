package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// renderQueue lists one page of view v, narrowed by the request's filters.
// A parameter that does not parse (an unknown status or sort, a forged or
// stale cursor) is a 400 naming it; the list then shows the view from its
// first page without that parameter. save is the "save as view" form as
// submitted when it was refused (with its problems in errs).
func (s *Server) renderQueue(w http.ResponseWriter, r *http.Request, v queueView, save viewForm, errs map[string]string) error {
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	loc := tenantLocation(t)
	qs := r.URL.Query()
	if r.Method == http.MethodPost {
		qs = r.PostForm
	}
	p := readQueueParams(qs)
	q, bad, empty := parseQueue(l, loc, v, &p)
	since := s.changes.token(t.ID) // before the list: see consoleQueueLive

	var list *helpdesk.TicketQuery
	if !empty {
		list = &q
	}
	// The list and the sidebar in one round trip, the filters' choices and
	// saved views from the desk cache when it holds them.
	data, err := s.queuePage(r, list)
	if err != nil {
		return err
	}
	if data.ListErr != nil {
		// Every parameter was checked above; the domain's own limits may
		// still refuse one (a text the cleaning made invalid).
		bad = append(bad, l.T("console.queue.bad_filter"))
	}
	page, groups, agents, cats := data.Tickets, data.Groups, data.Agents, data.Categories
	frame, err := s.consoleFrameCapped(r, v.title(l), v.id, since, data.Saved, data.Counts, data.Capped)
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
	s.densityView(r, &vm)
	bulkKeepView(r, &vm)
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
	dueShown := false
	w := newQueueWords(l)
	w.created = vm.Columns[string(helpdesk.ColumnCreated)]
	if len(page.Tickets) > 0 {
		vm.Rows = make([]console.Row, 0, len(page.Tickets))
	}
	for _, ts := range page.Tickets {
		row := queueRow(w, loc, now, t, ts)
		dueShown = dueShown || row.SLA.Text != ""
		vm.Rows = append(vm.Rows, row)
	}
	if !dueShown {
		// No row runs an SLA clock (a desk without policies never does):
		// an empty column would only take width from the subject.
		delete(vm.Columns, string(helpdesk.ColumnDue))
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
