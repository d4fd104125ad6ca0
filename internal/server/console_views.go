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

// queueView is a queue of the console: a built-in view (a stable id for
// its URL, a message key for its name) or a saved one (its number, its
// own name), with the filter, order and columns that define it.
type queueView struct {
	id      string
	name    string // a message key for built-in views, the name for saved ones
	filter  helpdesk.TicketFilter
	sort    helpdesk.Sort
	columns []helpdesk.ViewColumn
	saved   *helpdesk.SavedView
}

// title is the view's name in language l.
func (v queueView) title(l i18n.Lang) string {
	if v.saved != nil {
		return v.name
	}
	return l.T(v.name)
}

// unsolved are the statuses of the working queues.
var unsolved = []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold}

func builtin(id, name string, f helpdesk.TicketFilter) queueView {
	return queueView{id: id, name: name, filter: f, sort: helpdesk.DefaultSort, columns: helpdesk.DefaultViewColumns()}
}

// queueViews are the built-in views, in sidebar order. "Resueltos
// recientes" is every Resuelto ticket: the auto-close timer closes them
// after a few days, so Resuelto tickets are the recent ones.
var queueViews = []queueView{
	builtin("mine", "view.mine", helpdesk.TicketFilter{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}}),
	builtin("unassigned", "view.unassigned", helpdesk.TicketFilter{Statuses: unsolved, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}}),
	builtin("my-groups", "view.my_groups", helpdesk.TicketFilter{Statuses: unsolved, MyGroups: true}),
	builtin("pending", "view.pending", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusPending}}),
	builtin("on-hold", "view.on_hold", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusOnHold}}),
	builtin("solved", "view.solved", helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusSolved}}),
	slaView("due-soon", "sla.view.due_soon", helpdesk.SLADueSoon),
	slaView("overdue", "sla.view.overdue", helpdesk.SLAOverdue),
	builtin("all", "view.all", helpdesk.TicketFilter{}),
}

// slaView is a built-in view of unsolved tickets by their next SLA
// deadline, nearest first.
func slaView(id, name string, sla helpdesk.SLAView) queueView {
	v := builtin(id, name, helpdesk.TicketFilter{Statuses: unsolved, SLA: sla})
	v.sort = helpdesk.Sort{Key: helpdesk.SortDue}
	return v
}

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

// savedQueue is the queue of saved view sv.
func savedQueue(sv helpdesk.SavedView) queueView {
	return queueView{
		id: strconv.FormatInt(int64(sv.ID), 10), name: sv.Name, filter: sv.Filter,
		sort: sv.Sort, columns: sv.Columns, saved: &sv,
	}
}

// resolveView finds view id: a built-in one by its name, a saved one by its
// number (a view the agent may not open is not found).
func (s *Server) resolveView(r *http.Request, id string) (queueView, error) {
	if v, ok := findView(id); ok {
		return v, nil
	}
	n, err := formID(id)
	if err != nil || n == 0 {
		return queueView{}, errNotFound
	}
	sv, err := s.svc.SavedView(r.Context(), agent(r).Actor(), helpdesk.ViewID(n))
	if err != nil {
		return queueView{}, err
	}
	return savedQueue(sv), nil
}

// viewFilter returns a copy of v's filter that a request may narrow.
func (v queueView) viewFilter() helpdesk.TicketFilter {
	f := v.filter
	f.Statuses = slices.Clone(v.filter.Statuses)
	f.Priorities = slices.Clone(v.filter.Priorities)
	f.Groups = slices.Clone(v.filter.Groups)
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
// with their counts, all counted in one round trip (see queuePage).
func (s *Server) consoleFrame(r *http.Request, title, current string) (console.Frame, error) {
	since := s.changes.token(tenantFrom(r).ID) // before the counts
	data, err := s.queuePage(r, nil)
	if err != nil {
		return console.Frame{}, err
	}
	return s.consoleFrameCapped(r, title, current, since, data.Saved, data.Counts, data.Capped)
}

// consoleFrameCapped is consoleFrame over a sidebar already read (the
// queue and ticket pages read it with their own reads); since is the
// change token taken before it was read, and capped marks the counts that
// stopped at their limit (nil: none did).
func (s *Server) consoleFrameCapped(r *http.Request, title, current, since string, saved []helpdesk.SavedView, counts []int, capped []bool) (console.Frame, error) {
	c := s.chrome(r, title)
	c.Area = layout.AreaConsole
	sb, err := s.sidebarOf(r, c.L, current, since, saved, counts, capped)
	if err != nil {
		return console.Frame{}, err
	}
	flash := c.Flash
	c.Flash = nil
	return console.Frame{Chrome: c, Sidebar: sb, Flash: flash}, nil
}

// builtinFilters are the built-in views' filters, in sidebar order.
func builtinFilters() []helpdesk.TicketFilter {
	out := make([]helpdesk.TicketFilter, len(queueViews))
	for i, v := range queueViews {
		out[i] = v.viewFilter()
	}
	return out
}

// sidebar lists the built-in views, then the saved ones the agent may open
// (shared, then their own), each with its count: one batch with the saved
// views from the desk cache (see queuePage).
func (s *Server) sidebar(r *http.Request, l i18n.Lang, current string) (console.Sidebar, error) {
	since := s.changes.token(tenantFrom(r).ID)
	data, err := s.queuePage(r, nil)
	if err != nil {
		return console.Sidebar{}, err
	}
	return s.sidebarOf(r, l, current, since, data.Saved, data.Counts, data.Capped)
}

// sidebarOf builds the sidebar from the saved views and the counts of the
// built-in views followed by theirs; capped (nil: none) marks the counts
// that stopped at their limit.
func (s *Server) sidebarOf(r *http.Request, l i18n.Lang, current, since string, saved []helpdesk.SavedView, counts []int, capped []bool) (console.Sidebar, error) {
	t := tenantFrom(r)
	views := slices.Clone(queueViews)
	for _, sv := range saved {
		views = append(views, savedQueue(sv))
	}
	if len(counts) != len(views) {
		return console.Sidebar{}, errors.New("server: count tickets: wrong number of counts")
	}
	sb := console.Sidebar{L: l, CountsURL: tenantPath(t, "/agent/counts"), ManageURL: tenantPath(t, "/agent/views"),
		ProfileURL: tenantPath(t, "/agent/profile"), KBURL: tenantPath(t, "/agent/kb")}
	q := url.Values{}
	if current != "" {
		q.Set("view", current)
	}
	if since != "" {
		q.Set("since", since)
	}
	sb.CountsURL = withQuery(sb.CountsURL, q)
	for i, v := range views {
		entry := console.View{ID: v.id, Name: v.title(l), URL: viewPath(t, v.id), Count: counts[i], Current: v.id == current}
		entry.More = i < len(capped) && capped[i]
		switch {
		case v.saved == nil:
			sb.Views = append(sb.Views, entry)
		case v.saved.Shared():
			sb.Shared = append(sb.Shared, entry)
		default:
			sb.Own = append(sb.Own, entry)
		}
	}
	return sb, nil
}

// consoleCounts is the sidebar alone, for the htmx poll.
func (s *Server) consoleCounts(w http.ResponseWriter, r *http.Request) error {
	current := r.URL.Query().Get("view")
	if len(current) > 20 {
		current = ""
	}
	if s.changes.unchanged(tenantFrom(r).ID, r.URL.Query().Get("since")) {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	sb, err := s.sidebar(r, s.lang(r), current)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, console.SidebarNav(sb))
}

func (s *Server) consoleView(w http.ResponseWriter, r *http.Request) error {
	v, err := s.resolveView(r, chi.URLParam(r, "view"))
	if err != nil {
		return err
	}
	return s.renderQueue(w, r, v, viewForm{}, nil)
}

// queueRow is one ticket of a queue page, in the page's words w.
func queueRow(w *queueWords, loc *time.Location, now time.Time, t helpdesk.Tenant, ts helpdesk.TicketSummary) console.Row {
	take := ts.Assignee == 0 && ts.Status.Unsolved()
	k := w.keys(w.ticketPrefix(t), ts, take)
	row := console.Row{
		Number:        k.number,
		URL:           k.url,
		Subject:       ts.Subject,
		Requester:     ts.Requester.Name,
		Status:        ts.Status.String(),
		StatusLabel:   w.statusName(ts.Status),
		Priority:      ts.Priority.String(),
		PriorityLabel: w.priorityName(ts.Priority),
		Group:         ts.GroupName,
		Assignee:      ts.AssigneeName,
		Channel:       w.channelName(ts.Channel),
		Updated:       w.relativeTime(loc, now, ts.UpdatedAt),
		UpdatedFull:   w.DateTime(loc, ts.UpdatedAt),
		UpdatedISO:    k.updatedISO,
		Version:       ts.Version,
		Select:        k.selectKey,
		TakeURL:       k.takeURL,
	}
	if w.created {
		row.Created, row.CreatedFull, row.CreatedISO = w.relativeTime(loc, now, ts.CreatedAt), w.DateTime(loc, ts.CreatedAt), isoTime(ts.CreatedAt)
	}
	if row.Requester == "" {
		row.Requester = ts.Requester.Email
	}
	if ts.Status.Unsolved() {
		row.SLA = w.slaBadge(loc, now, ts.NextDueAt)
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
	switch key, n := relativeWords(now, t); key {
	case "":
		return formatTime(l, loc, t)
	case relativeNow:
		return l.T(key)
	default:
		return l.T(key, n)
	}
}

const relativeNow = "console.time.now"

// relativeWords picks relativeTime's message and its number of minutes or
// hours; "" when t is a day or more ago and the date is said instead.
func relativeWords(now, t time.Time) (string, int) {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return relativeNow, 0
	case d < time.Hour:
		return "console.time.minutes", int(d / time.Minute)
	case d < 24*time.Hour:
		return "console.time.hours", int(d / time.Hour)
	}
	return "", 0
}
