package server

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
	"github.com/atiende/atiende/web/layout"
)

// consolePageSize is how many tickets a queue page shows.
const consolePageSize = helpdesk.DefaultPageSize

// queueView is one of the console's built-in views: a stable id for its
// URL, a message key for its name and the filter that defines it.
type queueView struct {
	id     string
	name   string
	filter helpdesk.TicketFilter
}

// unsolved are the statuses of the working queues.
var unsolved = []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}

// queueViews are the built-in views, in sidebar order. "Resueltos
// recientes" is every Resuelto ticket: the auto-close timer closes them
// after a few days, so Resuelto tickets are the recent ones.
var queueViews = []queueView{
	{"mine", "view.mine", helpdesk.TicketFilter{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}}},
	{"unassigned", "view.unassigned", helpdesk.TicketFilter{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}}},
	{"pending", "view.pending", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusPending}}},
	{"on-hold", "view.on_hold", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusOnHold}}},
	{"solved", "view.solved", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusSolved}}},
	{"due-soon", "sla.view.due_soon", helpdesk.TicketFilter{Statuses: unsolved, SLA: helpdesk.SLADueSoon}},
	{"overdue", "sla.view.overdue", helpdesk.TicketFilter{Statuses: unsolved, SLA: helpdesk.SLAOverdue}},
	{"all", "view.all", helpdesk.TicketFilter{}},
}

// viewSorts are the views whose own order is not the default: the SLA
// views list the nearest deadline first.
var viewSorts = map[string]string{"due-soon": "due", "overdue": "due"}

// defaultView is what /{tenant}/agent/ shows.
const defaultView = "mine"

func findView(id string) (queueView, bool) {
	for _, v := range queueViews {
		if v.id == id {
			return v, true
		}
	}
	return queueView{}, false
}

// viewFilter returns a copy of v's filter that a request may narrow.
func (v queueView) viewFilter() helpdesk.TicketFilter {
	f := v.filter
	f.Statuses = slices.Clone(v.filter.Statuses)
	return f
}

// viewPath is the URL of view id.
func viewPath(t helpdesk.Tenant, id string) string {
	return tenantPath(t, "/agent/views/"+id)
}

// agent returns the signed-in staff user; requireStaff guarantees one.
func agent(r *http.Request) helpdesk.User {
	u, _ := userFrom(r)
	return u
}

// consoleFrame builds the shell of a console page: the chrome and the views
// with their counts, all counted in one call.
func (s *Server) consoleFrame(r *http.Request, title, current string) (console.Frame, error) {
	c := s.chrome(r, title)
	c.Area = layout.AreaConsole
	sb, err := s.sidebar(r, c.L, current)
	if err != nil {
		return console.Frame{}, err
	}
	flash := c.Flash
	c.Flash = nil
	return console.Frame{Chrome: c, Sidebar: sb, Flash: flash}, nil
}

func (s *Server) sidebar(r *http.Request, l i18n.Lang, current string) (console.Sidebar, error) {
	t := tenantFrom(r)
	filters := make([]helpdesk.TicketFilter, len(queueViews))
	for i, v := range queueViews {
		filters[i] = v.viewFilter()
	}
	counts, err := s.svc.CountTickets(r.Context(), agent(r).Actor(), filters)
	if err != nil {
		return console.Sidebar{}, err
	}
	if len(counts) != len(queueViews) {
		return console.Sidebar{}, errors.New("server: count tickets: wrong number of counts")
	}
	sb := console.Sidebar{L: l, CountsURL: tenantPath(t, "/agent/counts")}
	if current != "" {
		sb.CountsURL += "?view=" + url.QueryEscape(current)
	}
	for i, v := range queueViews {
		sb.Views = append(sb.Views, console.View{
			ID: v.id, Name: l.T(v.name), URL: viewPath(t, v.id), Count: counts[i], Current: v.id == current,
		})
	}
	return sb, nil
}

// consoleCounts is the sidebar alone, for the htmx poll.
func (s *Server) consoleCounts(w http.ResponseWriter, r *http.Request) error {
	current := r.URL.Query().Get("view")
	if _, ok := findView(current); !ok {
		current = ""
	}
	sb, err := s.sidebar(r, s.lang(r), current)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, console.SidebarNav(sb))
}

func (s *Server) consoleView(w http.ResponseWriter, r *http.Request) error {
	v, ok := findView(chi.URLParam(r, "view"))
	if !ok {
		return errNotFound
	}
	return s.renderQueue(w, r, v)
}

// queueParams are a queue's list parameters as submitted.
type queueParams struct {
	status, priority, q, sort, after string
}

func (p queueParams) values(after string) url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"status": p.status, "priority": p.priority, "q": p.q, "sort": p.sort, "after": after} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

func withQuery(base string, v url.Values) string {
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// renderQueue lists one page of view v, narrowed by the request's filters.
// A parameter that does not parse (an unknown status or sort, a forged or
// stale cursor) is a 400 naming it; the list then shows the view from its
// first page without that parameter, so the agent can carry on.
func (s *Server) renderQueue(w http.ResponseWriter, r *http.Request, v queueView) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	qs := r.URL.Query()
	p := queueParams{status: qs.Get("status"), priority: qs.Get("priority"), q: helpdesk.CleanLine(qs.Get("q")), sort: qs.Get("sort"), after: qs.Get("after")}
	base := viewPath(t, v.id)

	var bad []string
	f := v.viewFilter()
	empty := false // the status asked for is outside the view: nothing matches
	if p.status != "" {
		st, err := helpdesk.ParseStatus(p.status)
		switch {
		case err != nil:
			bad = append(bad, l.T("console.queue.bad_status"))
			p.status = ""
		case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, st):
			empty = true
		default:
			f.Statuses = []helpdesk.Status{st}
		}
	}
	if p.priority != "" {
		pr, err := helpdesk.ParsePriority(p.priority)
		if err != nil {
			bad = append(bad, l.T("console.queue.bad_priority"))
			p.priority = ""
		} else {
			f.Priorities = []helpdesk.Priority{pr}
		}
	}
	if len([]rune(p.q)) > helpdesk.MaxQueryLen {
		bad = append(bad, l.T("console.queue.bad_query", helpdesk.MaxQueryLen))
		p.q = ""
	}
	f.Text = p.q
	if p.sort == "" {
		p.sort = viewSorts[v.id]
	}
	sort, err := helpdesk.ParseSort(p.sort)
	if err != nil {
		bad = append(bad, l.T("console.queue.bad_sort"))
		p.sort, sort = "", helpdesk.DefaultSort
	}
	if sort == helpdesk.DefaultSort {
		p.sort = ""
	}
	cur, err := helpdesk.ParseCursor(p.after, sort)
	if err != nil {
		bad = append(bad, l.T("console.queue.bad_cursor"))
		p.after, cur = "", helpdesk.Cursor{}
	}

	var page helpdesk.TicketPage
	if !empty {
		page, err = s.svc.Tickets(ctx, u.Actor(), helpdesk.TicketQuery{Filter: f, Sort: sort, Cursor: cur, Limit: consolePageSize})
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

	frame, err := s.consoleFrame(r, l.T(v.name), v.id)
	if err != nil {
		return err
	}
	loc, now := tenantLocation(t), s.now()
	self := withQuery(base, p.values(p.after))
	vm := console.Queue{
		Frame:   frame,
		ViewID:  v.id,
		Title:   l.T(v.name),
		Errors:  bad,
		Return:  self,
		BulkURL: tenantPath(t, "/agent/bulk"),
		Bulk:    bulkOptions(l),
		Filters: console.QueueFilters{
			Status:     statusOptions(l, v, p.status),
			Priority:   priorityOptions(l, p.priority, true),
			Sort:       sortOptions(l, p.sort),
			Query:      p.q,
			Active:     p.status != "" || p.priority != "" || p.q != "",
			ClearURL:   base,
			FormAction: base,
		},
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
	status := http.StatusOK
	if len(bad) > 0 {
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, console.QueuePage(vm))
}

func queueRow(l i18n.Lang, loc *time.Location, now time.Time, t helpdesk.Tenant, ts helpdesk.TicketSummary) console.Row {
	row := console.Row{
		Number:        ts.Number.String(),
		URL:           consoleTicketPath(t, ts.Number, ""),
		Subject:       ts.Subject,
		Requester:     ts.Requester.Name,
		Status:        ts.Status.String(),
		StatusLabel:   statusLabel(l, ts.Status),
		Priority:      ts.Priority.String(),
		PriorityLabel: priorityLabel(l, ts.Priority),
		Assignee:      ts.AssigneeName,
		Updated:       relativeTime(l, loc, now, ts.UpdatedAt),
		UpdatedFull:   formatTime(l, loc, ts.UpdatedAt),
		UpdatedISO:    isoTime(ts.UpdatedAt),
		Version:       ts.Version,
		Select:        strconv.FormatInt(int64(ts.Number), 10) + ":" + strconv.Itoa(ts.Version),
	}
	if row.Requester == "" {
		row.Requester = ts.Requester.Email
	}
	if ts.Assignee == 0 && ts.Status.Unsolved() {
		row.TakeURL = consoleTicketPath(t, ts.Number, "/take")
	}
	if ts.Status.Unsolved() {
		row.SLA = slaBadge(l, loc, now, ts.NextDueAt)
	}
	return row
}

// statusOptions offers the statuses a view can be narrowed to.
func statusOptions(l i18n.Lang, v queueView, selected string) []console.Option {
	opts := []console.Option{{Value: "", Label: l.T("console.queue.any_status")}}
	for _, st := range helpdesk.Statuses() {
		if len(v.filter.Statuses) > 0 && !slices.Contains(v.filter.Statuses, st) {
			continue
		}
		opts = append(opts, console.Option{Value: st.String(), Label: statusLabel(l, st), Selected: st.String() == selected})
	}
	return opts
}

// priorityOptions lists the priorities, highest first; withAny adds "any".
func priorityOptions(l i18n.Lang, selected string, withAny bool) []console.Option {
	var opts []console.Option
	if withAny {
		opts = append(opts, console.Option{Value: "", Label: l.T("console.queue.any_priority")})
	}
	ps := helpdesk.Priorities()
	for i := len(ps) - 1; i >= 0; i-- {
		opts = append(opts, console.Option{Value: ps[i].String(), Label: priorityLabel(l, ps[i]), Selected: ps[i].String() == selected})
	}
	return opts
}

// sortChoices are the orders the queue offers; ParseSort accepts exactly
// these keys (and "due", for when SLA lands).
var sortChoices = []struct{ value, key string }{
	{"", "console.sort.updated_desc"},
	{"updated", "console.sort.updated_asc"},
	{"-created", "console.sort.created_desc"},
	{"created", "console.sort.created_asc"},
	{"-priority", "console.sort.priority_desc"},
	{"priority", "console.sort.priority_asc"},
	{"due", "sla.sort.due_asc"},
}

func sortOptions(l i18n.Lang, selected string) []console.Option {
	opts := make([]console.Option, 0, len(sortChoices))
	for _, c := range sortChoices {
		opts = append(opts, console.Option{Value: c.value, Label: l.T(c.key), Selected: c.value == selected})
	}
	return opts
}

// msgKey joins a message key prefix and a value (a status, a priority):
// the catalogue has one message per value.
func msgKey(prefix, value string) string { return prefix + value }

func statusLabel(l i18n.Lang, st helpdesk.Status) string {
	return l.T(msgKey("console.status.", st.String()))
}

func priorityLabel(l i18n.Lang, p helpdesk.Priority) string {
	return l.T(msgKey("console.priority.", p.String()))
}

// relativeTime says how long ago t was, for lists: "hace 5 min", "hace 3 h",
// then the date in the desk's time zone.
func relativeTime(l i18n.Lang, loc *time.Location, now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return l.T("console.time.now")
	case d < time.Hour:
		return l.T("console.time.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return l.T("console.time.hours", int(d/time.Hour))
	}
	return formatTime(l, loc, t)
}
