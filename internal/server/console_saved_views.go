package server

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// Saved views: an agent saves the queue they are looking at (its filters
// and order) with a name and the columns to show, from the queue page;
// /agent/views lists the views they may open and edits or deletes those
// they own (admins: the shared ones too).
func (s *Server) consoleSavedViewRoutes(r chi.Router) {
	r.Get("/views", s.h(s.consoleViews))
	r.Post("/views", s.h(s.consoleCreateView))
	r.Get("/views/{view}/edit", s.h(s.consoleEditView))
	r.Post("/views/{view}", s.h(s.consoleUpdateView))
	r.Post("/views/{view}/delete", s.h(s.consoleDeleteView))
}

// viewForm is a view's own settings as submitted: its name, whether it is
// shared and its columns (the filter comes as queue parameters).
type viewForm struct {
	Name    string
	Shared  bool
	Columns []string
	// Statuses and Priorities are the edit form's checkboxes (the queue
	// page narrows by one of each).
	Statuses, Priorities []string
}

func readViewForm(r *http.Request) viewForm {
	f := r.PostForm
	return viewForm{Name: f.Get("name"), Shared: f.Get("shared") != "", Columns: f["columns"],
		Statuses: f["statuses"], Priorities: f["priorities"]}
}

func (f viewForm) columns() []helpdesk.ViewColumn {
	out := make([]helpdesk.ViewColumn, 0, len(f.Columns))
	for _, c := range f.Columns {
		out = append(out, helpdesk.ViewColumn(c))
	}
	return out
}

// columnOptions are the column checkboxes, checked as in chosen.
func columnOptions(l i18n.Lang, chosen []string) []console.Option {
	var opts []console.Option
	for _, c := range helpdesk.ViewColumns() {
		opts = append(opts, console.Option{Value: string(c), Label: l.T(msgKey("console.col.", string(c))), Selected: slices.Contains(chosen, string(c))})
	}
	return opts
}

func columnNames(cols []helpdesk.ViewColumn) []string {
	out := make([]string, 0, len(cols))
	for _, c := range cols {
		out = append(out, string(c))
	}
	return out
}

// saveViewModel is the "save as view" form under a queue: the view's
// current columns checked until the agent submits other ones.
func saveViewModel(l i18n.Lang, t helpdesk.Tenant, u helpdesk.User, v queueView, p queueParams, form viewForm, errs map[string]string) console.SaveView {
	chosen := form.Columns
	if chosen == nil && errs == nil {
		chosen = columnNames(v.columns)
	}
	sv := console.SaveView{
		ActionURL: tenantPath(t, "/agent/views"), From: v.id, Name: form.Name, Shared: form.Shared,
		CanShare: u.Actor().IsAdmin(), Columns: columnOptions(l, chosen), Errors: errs, Open: errs != nil,
	}
	vals := p.values("")
	for _, name := range queueParamNames {
		if val := vals.Get(name); val != "" {
			sv.Hidden = append(sv.Hidden, console.Option{Value: val, Label: name})
		}
	}
	return sv
}

// consoleCreateView saves the queue the agent is looking at: the view it
// was on (field view) narrowed by the page's filters. A refusal shows the
// queue again with the form as typed and its problems.
func (s *Server) consoleCreateView(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	from, err := s.resolveView(r, r.PostForm.Get("view"))
	if err != nil {
		return err
	}
	form := readViewForm(r)
	p := readQueueParams(r.PostForm)
	q, bad, _ := parseQueue(l, tenantLocation(t), from, &p)
	if len(bad) > 0 {
		return s.renderQueue(w, r, from, form, map[string]string{"filter": bad[0]})
	}
	v, err := s.svc.CreateView(ctx, u.Actor(), helpdesk.ViewInput{
		Name: form.Name, Shared: form.Shared, Filter: q.Filter, Sort: q.Sort, Columns: form.columns(),
	})
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderQueue(w, r, from, form, errs)
	}
	s.flash(ctx, "success", l.T("console.views.created", v.Name))
	http.Redirect(w, r, viewPath(t, strconv.FormatInt(int64(v.ID), 10)), http.StatusSeeOther)
	return nil
}

// consoleViews lists the saved views the agent may open.
func (s *Server) consoleViews(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	views, err := s.svc.SavedViews(ctx, u.Actor())
	if err != nil {
		return err
	}
	frame, err := s.consoleFrame(r, l.T("console.views.title"), "")
	if err != nil {
		return err
	}
	vm := console.ViewsPage{Frame: frame}
	for _, v := range views {
		id := strconv.FormatInt(int64(v.ID), 10)
		scope := l.T("console.views.own")
		if v.Shared() {
			scope = l.T("console.views.shared")
		}
		row := console.ViewRow{ID: id, Name: v.Name, Scope: scope, URL: viewPath(t, id)}
		if helpdesk.CanEditView(u.Actor(), v) {
			row.EditURL, row.DeleteURL = viewPath(t, id)+"/edit", viewPath(t, id)+"/delete"
		}
		vm.Rows = append(vm.Rows, row)
	}
	return s.render(w, r, http.StatusOK, console.ViewsList(vm))
}

// savedViewParam loads the saved view of the URL for a change.
func (s *Server) savedViewParam(r *http.Request) (helpdesk.SavedView, error) {
	n, err := formID(chi.URLParam(r, "view"))
	if err != nil || n == 0 {
		return helpdesk.SavedView{}, errNotFound
	}
	v, err := s.svc.SavedView(r.Context(), agent(r).Actor(), helpdesk.ViewID(n))
	if err != nil {
		return helpdesk.SavedView{}, err
	}
	if !helpdesk.CanEditView(agent(r).Actor(), v) {
		return helpdesk.SavedView{}, helpdesk.ErrForbidden
	}
	return v, nil
}

// viewParams writes a saved filter back as the edit form's fields.
func viewParams(loc *time.Location, v helpdesk.SavedView) (queueParams, viewForm) {
	f := v.Filter
	p := queueParams{q: f.Text, tag: f.Tag, channel: string(f.Channel)}
	if v.Sort != helpdesk.DefaultSort {
		p.sort = v.Sort.String()
	}
	if f.Category != 0 {
		p.category = strconv.FormatInt(int64(f.Category), 10)
	}
	switch {
	case f.MyGroups:
		p.group = "mine"
	case len(f.Groups) > 0:
		p.group = strconv.FormatInt(int64(f.Groups[0]), 10)
	}
	switch f.Assignee.Mode {
	case helpdesk.AssigneeMe:
		p.assignee = "me"
	case helpdesk.AssigneeNobody:
		p.assignee = "nobody"
	case helpdesk.AssigneeAnyone:
		p.assignee = "anyone"
	case helpdesk.AssigneeUser:
		p.assignee = strconv.FormatInt(int64(f.Assignee.User), 10)
	}
	if !f.Created.From.IsZero() {
		p.from = f.Created.From.In(loc).Format(dateLayout)
	}
	if !f.Created.To.IsZero() {
		p.to = f.Created.To.In(loc).AddDate(0, 0, -1).Format(dateLayout)
	}
	form := viewForm{Name: v.Name, Shared: v.Shared(), Columns: columnNames(v.Columns)}
	for _, st := range f.Statuses {
		form.Statuses = append(form.Statuses, st.String())
	}
	for _, pr := range f.Priorities {
		form.Priorities = append(form.Priorities, pr.String())
	}
	return p, form
}

func (s *Server) consoleEditView(w http.ResponseWriter, r *http.Request) error {
	v, err := s.savedViewParam(r)
	if err != nil {
		return err
	}
	p, form := viewParams(tenantLocation(tenantFrom(r)), v)
	return s.renderEditView(w, r, http.StatusOK, v, p, form, nil)
}

// consoleUpdateView saves the edit form; a refusal shows it again as typed.
func (s *Server) consoleUpdateView(w http.ResponseWriter, r *http.Request) error {
	v, err := s.savedViewParam(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	form := readViewForm(r)
	p := readQueueParams(r.PostForm)
	p.status, p.priority, p.after = "", "", ""
	typed := p // parseQueue drops what it refuses; the form shows it as typed
	q, bad, _ := parseQueue(l, tenantLocation(t), queueView{sort: helpdesk.DefaultSort}, &p)
	errs := map[string]string{}
	if len(bad) > 0 {
		errs["filter"] = bad[0]
	}
	for _, st := range form.Statuses {
		if x, err := helpdesk.ParseStatus(st); err == nil {
			q.Filter.Statuses = append(q.Filter.Statuses, x)
		} else {
			errs["statuses"] = l.T("error.invalid")
		}
	}
	for _, pr := range form.Priorities {
		if x, err := helpdesk.ParsePriority(pr); err == nil {
			q.Filter.Priorities = append(q.Filter.Priorities, x)
		} else {
			errs["priorities"] = l.T("error.invalid")
		}
	}
	if len(errs) > 0 {
		return s.renderEditView(w, r, http.StatusUnprocessableEntity, v, typed, form, errs)
	}
	updated, err := s.svc.UpdateView(ctx, u.Actor(), v.ID, helpdesk.ViewInput{
		Name: form.Name, Shared: form.Shared, Filter: q.Filter, Sort: q.Sort, Columns: form.columns(),
	})
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderEditView(w, r, http.StatusUnprocessableEntity, v, typed, form, errs)
	}
	s.flash(ctx, "success", l.T("console.views.updated", updated.Name))
	http.Redirect(w, r, viewPath(t, strconv.FormatInt(int64(v.ID), 10)), http.StatusSeeOther)
	return nil
}

func (s *Server) consoleDeleteView(w http.ResponseWriter, r *http.Request) error {
	v, err := s.savedViewParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	if err := s.svc.DeleteView(ctx, u.Actor(), v.ID); err != nil {
		return err
	}
	s.flash(ctx, "success", l.T("console.views.deleted", v.Name))
	http.Redirect(w, r, tenantPath(t, "/agent/views"), http.StatusSeeOther)
	return nil
}

func (s *Server) renderEditView(w http.ResponseWriter, r *http.Request, status int, v helpdesk.SavedView, p queueParams, form viewForm, errs map[string]string) error {
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	groups, agents, cats, err := s.svc.FilterChoices(ctx, u.Actor())
	if err != nil {
		return err
	}
	id := strconv.FormatInt(int64(v.ID), 10)
	frame, err := s.consoleFrame(r, l.T("console.views.edit_title", v.Name), id)
	if err != nil {
		return err
	}
	vm := console.EditView{
		Frame: frame, Name: form.Name, Shared: form.Shared, CanShare: u.Actor().IsAdmin(), Errors: errs,
		ActionURL: viewPath(t, id), DeleteURL: viewPath(t, id) + "/delete", BackURL: tenantPath(t, "/agent/views"),
		Columns: columnOptions(l, form.Columns),
		Filters: console.QueueFilters{
			Sort:     sortOptions(l, orDefault(p.sort, helpdesk.DefaultSort.String())),
			Category: queueCategoryOptions(l, cats, p.category),
			Group:    queueGroupOptions(l, groups, p.group),
			Assignee: assigneeOptions(l, agents, p.assignee),
			Channel:  channelOptions(l, p.channel),
			Tag:      p.tag, From: p.from, To: p.to, Query: p.q,
		},
	}
	for _, st := range helpdesk.Statuses() {
		vm.Statuses = append(vm.Statuses, console.Option{Value: st.String(), Label: statusLabel(l, st), Selected: slices.Contains(form.Statuses, st.String())})
	}
	ps := helpdesk.Priorities()
	for i := len(ps) - 1; i >= 0; i-- {
		vm.Priorities = append(vm.Priorities, console.Option{Value: ps[i].String(), Label: priorityLabel(l, ps[i]), Selected: slices.Contains(form.Priorities, ps[i].String())})
	}
	return s.render(w, r, status, console.EditViewPage(vm))
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
