package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

// levelForm is one rung of the ladder as submitted.
type levelForm struct {
	percent, metric, assign                   string
	notifyAssignee, notifyLeads, notifyAdmins bool
	raise, nextTier                           bool
}

func (f levelForm) empty() bool {
	return strings.TrimSpace(f.percent) == "" && f.assign == "" && !f.notifyAssignee && !f.notifyLeads &&
		!f.notifyAdmins && !f.raise && !f.nextTier
}

// policyForm is the policy form as submitted: every value as typed, so a
// refused form comes back exactly as it was.
type policyForm struct {
	name                                           string
	priorities, channels, categories, groups, orgs []string
	calendar                                       string
	pauseOnHold                                    bool
	targets                                        map[string]string // target_<priority>_<metric>
	levels                                         []levelForm
}

// maxLevelRows bounds the ladder rows a form may submit.
const maxLevelRows = 20

func readPolicyForm(v url.Values) policyForm {
	f := policyForm{name: v.Get("name"), priorities: v["priorities"], channels: v["channels"], categories: v["categories"],
		groups: v["groups"], orgs: v["organisations"], calendar: v.Get("calendar"), pauseOnHold: v.Get("pause_on_hold") != "",
		targets: map[string]string{}}
	for _, p := range helpdesk.Priorities() {
		for _, m := range helpdesk.SLAMetrics() {
			k := "target_" + string(p) + "_" + string(m)
			f.targets[k] = strings.TrimSpace(v.Get(k))
		}
	}
	for i := 1; i <= maxLevelRows; i++ {
		pre := "esc" + strconv.Itoa(i) + "_"
		lf := levelForm{percent: strings.TrimSpace(v.Get(pre + "percent")), metric: v.Get(pre + "metric"), assign: v.Get(pre + "assign"),
			notifyAssignee: v.Get(pre+"notify_assignee") != "", notifyLeads: v.Get(pre+"notify_leads") != "",
			notifyAdmins: v.Get(pre+"notify_admins") != "", raise: v.Get(pre+"raise") != "", nextTier: v.Get(pre+"next_tier") != ""}
		if !lf.empty() {
			f.levels = append(f.levels, lf) // compacted: row i of the re-rendered form is level i
		}
	}
	return f
}

// input turns the form into the domain's input; numbers and ids that do
// not parse are field errors here, the rest is the domain's to check.
func (f policyForm) input() (helpdesk.SLAPolicyInput, *helpdesk.ValidationError) {
	var v helpdesk.ValidationError
	in := helpdesk.SLAPolicyInput{Name: f.name, Priorities: f.priorities, Channels: f.channels, PauseOnHold: f.pauseOnHold,
		Targets: map[helpdesk.Priority]helpdesk.SLATargets{}}
	ids := func(field string, vals []string, add func(int64)) {
		for _, s := range vals {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				v.Add(field, "error.invalid")
				continue
			}
			add(id)
		}
	}
	ids("categories", f.categories, func(id int64) { in.Categories = append(in.Categories, helpdesk.CategoryID(id)) })
	ids("groups", f.groups, func(id int64) { in.Groups = append(in.Groups, helpdesk.GroupID(id)) })
	ids("organisations", f.orgs, func(id int64) { in.Organisations = append(in.Organisations, helpdesk.OrganisationID(id)) })
	if f.calendar != "" {
		ids("calendar", []string{f.calendar}, func(id int64) { in.Calendar = helpdesk.CalendarID(id) })
	}
	for _, p := range helpdesk.Priorities() {
		var t helpdesk.SLATargets
		for _, m := range helpdesk.SLAMetrics() {
			k := "target_" + string(p) + "_" + string(m)
			s := f.targets[k]
			if s == "" {
				continue
			}
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				v.Add(k, "sla.error.target")
				continue
			}
			switch m {
			case helpdesk.MetricFirstReply:
				t.FirstReply = n
			case helpdesk.MetricNextReply:
				t.NextReply = n
			case helpdesk.MetricResolution:
				t.Resolution = n
			}
		}
		in.Targets[p] = t
	}
	for i, lf := range f.levels {
		field := "escalation_" + strconv.Itoa(i+1)
		l := helpdesk.EscalationLevel{Metric: helpdesk.SLAMetric(lf.metric), NotifyAssignee: lf.notifyAssignee,
			NotifyLeads: lf.notifyLeads, NotifyAdmins: lf.notifyAdmins, RaisePriority: lf.raise, NextTier: lf.nextTier}
		pct, err := strconv.Atoi(lf.percent)
		if err != nil {
			v.Add(field, "sla.error.percent")
		}
		l.Percent = pct
		if lf.assign != "" {
			ids(field, []string{lf.assign}, func(id int64) { l.AssignTo = helpdesk.UserID(id) })
		}
		in.Escalations = append(in.Escalations, l)
	}
	return in, &v
}

func (s *Server) slaPolicyForm(w http.ResponseWriter, r *http.Request) error {
	id, err := urlID(r)
	if err != nil {
		return err
	}
	cfg, ch, err := s.svc.SLAAdmin(r.Context(), agent(r).Actor())
	if err != nil {
		return err
	}
	f := policyForm{targets: map[string]string{}}
	if id != 0 {
		p, ok := cfg.Policy(helpdesk.SLAPolicyID(id))
		if !ok {
			return errNotFound
		}
		f = policyFormOf(p)
	}
	return s.renderSLAPolicy(w, r, http.StatusOK, id, f, cfg, ch, nil)
}

// policyFormOf fills the form from a saved policy.
func policyFormOf(p helpdesk.SLAPolicy) policyForm {
	f := policyForm{name: p.Name, pauseOnHold: p.PauseOnHold, targets: map[string]string{}}
	for _, v := range p.Priorities {
		f.priorities = append(f.priorities, string(v))
	}
	for _, v := range p.Channels {
		f.channels = append(f.channels, string(v))
	}
	for _, v := range p.Categories {
		f.categories = append(f.categories, strconv.FormatInt(int64(v), 10))
	}
	for _, v := range p.Groups {
		f.groups = append(f.groups, strconv.FormatInt(int64(v), 10))
	}
	for _, v := range p.Organisations {
		f.orgs = append(f.orgs, strconv.FormatInt(int64(v), 10))
	}
	if p.Calendar != 0 {
		f.calendar = strconv.FormatInt(int64(p.Calendar), 10)
	}
	for pr, t := range p.Targets {
		for _, m := range helpdesk.SLAMetrics() {
			if n := t.Of(m); n > 0 {
				f.targets["target_"+string(pr)+"_"+string(m)] = strconv.Itoa(n)
			}
		}
	}
	for _, l := range p.Escalations {
		lf := levelForm{percent: strconv.Itoa(l.Percent), metric: string(l.Metric), notifyAssignee: l.NotifyAssignee,
			notifyLeads: l.NotifyLeads, notifyAdmins: l.NotifyAdmins, raise: l.RaisePriority, nextTier: l.NextTier}
		if l.AssignTo != 0 {
			lf.assign = strconv.FormatInt(int64(l.AssignTo), 10)
		}
		f.levels = append(f.levels, lf)
	}
	return f
}

func (s *Server) slaPolicySave(w http.ResponseWriter, r *http.Request) error {
	id, err := urlID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	f := readPolicyForm(r.PostForm)
	in, verr := f.input()
	var p helpdesk.SLAPolicy
	if err = verr.Err(); err == nil {
		p, err = s.svc.SavePolicy(ctx, u.Actor(), helpdesk.SLAPolicyID(id), in)
	}
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		cfg, ch, err := s.svc.SLAAdmin(ctx, u.Actor())
		if err != nil {
			return err
		}
		return s.renderSLAPolicy(w, r, http.StatusUnprocessableEntity, id, f, cfg, ch, errs)
	}
	s.flash(ctx, "success", l.T("sla.admin.policy_saved", p.Name))
	http.Redirect(w, r, slaPath(t, ""), http.StatusSeeOther)
	return nil
}

func checks[T any](vals []T, value func(T) string, label func(T) string, selected []string) []admin.Option {
	out := make([]admin.Option, 0, len(vals))
	for _, v := range vals {
		out = append(out, admin.Option{Value: value(v), Label: label(v), Selected: slices.Contains(selected, value(v))})
	}
	return out
}

func (s *Server) renderSLAPolicy(w http.ResponseWriter, r *http.Request, status int, id int64, f policyForm,
	cfg helpdesk.SLAConfig, ch helpdesk.SLAChoices, errs map[string]string,
) error {
	t, l := tenantFrom(r), s.lang(r)
	title, action := l.T("sla.admin.new_policy"), slaPath(t, "/policies")
	if id != 0 {
		title, action = l.T("sla.admin.edit_policy", f.name), slaPath(t, "/policies/"+strconv.FormatInt(id, 10))
	}
	frame := s.adminFrame(r, title, "sla")
	vm := admin.SLAPolicyEdit{Frame: frame, Title: title, ActionURL: action, BackURL: slaPath(t, ""), Name: f.name,
		PauseOnHold: f.pauseOnHold, Errors: errs}
	ps := helpdesk.Priorities()
	slices.Reverse(ps)
	vm.Priorities = checks(ps, func(p helpdesk.Priority) string { return string(p) }, func(p helpdesk.Priority) string { return priorityLabel(l, p) }, f.priorities)
	vm.Channels = checks(helpdesk.Channels(), func(c helpdesk.Channel) string { return string(c) },
		func(c helpdesk.Channel) string { return l.T(msgKey("console.channel.", string(c))) }, f.channels)
	vm.Categories = checks(ch.Categories, func(c helpdesk.Category) string { return strconv.FormatInt(int64(c.ID), 10) },
		func(c helpdesk.Category) string { return c.Name }, f.categories)
	vm.Groups = checks(ch.Groups, func(g helpdesk.Group) string { return strconv.FormatInt(int64(g.ID), 10) },
		func(g helpdesk.Group) string { return g.Name }, f.groups)
	vm.Organisations = checks(ch.Organisations, func(o helpdesk.SLAOrganisation) string { return strconv.FormatInt(int64(o.ID), 10) },
		func(o helpdesk.SLAOrganisation) string { return o.Name }, f.orgs)
	vm.Calendars = []admin.Option{{Value: "", Label: l.T("sla.admin.calendar_hours"), Selected: f.calendar == ""}}
	for _, c := range cfg.Calendars {
		v := strconv.FormatInt(int64(c.ID), 10)
		vm.Calendars = append(vm.Calendars, admin.Option{Value: v, Label: c.Name + " (" + c.TimeZone + ")", Selected: f.calendar == v})
	}
	for _, p := range ps {
		row := admin.SLATargetRow{Priority: string(p), PriorityLabel: priorityLabel(l, p)}
		for _, m := range helpdesk.SLAMetrics() {
			k := "target_" + string(p) + "_" + string(m)
			row.Cells = append(row.Cells, admin.SLATargetCell{Name: k, Value: f.targets[k],
				Label: l.T("sla.admin.target_label", l.T(msgKey("sla.metric.", string(m))), priorityLabel(l, p))})
		}
		vm.Targets = append(vm.Targets, row)
	}
	rows := max(len(f.levels)+2, 3)
	for i := 0; i < rows && i < maxLevelRows; i++ {
		var lf levelForm
		if i < len(f.levels) {
			lf = f.levels[i]
		}
		vm.Levels = append(vm.Levels, levelRow(l, i+1, lf, ch, errs))
	}
	return s.render(w, r, status, admin.SLAPolicyPage(vm))
}

func levelRow(l i18n.Lang, i int, lf levelForm, ch helpdesk.SLAChoices, errs map[string]string) admin.SLALevelRow {
	row := admin.SLALevelRow{Index: i, Percent: lf.percent, NotifyAssignee: lf.notifyAssignee, NotifyLeads: lf.notifyLeads,
		NotifyAdmins: lf.notifyAdmins, RaisePriority: lf.raise, NextTier: lf.nextTier, Error: errs["escalation_"+strconv.Itoa(i)]}
	row.Metrics = []admin.Option{{Value: "", Label: l.T("sla.admin.any_metric"), Selected: lf.metric == ""}}
	for _, m := range helpdesk.SLAMetrics() {
		row.Metrics = append(row.Metrics, admin.Option{Value: string(m), Label: l.T(msgKey("sla.metric.", string(m))), Selected: lf.metric == string(m)})
	}
	row.Agents = []admin.Option{{Value: "", Label: l.T("sla.admin.no_reassign"), Selected: lf.assign == ""}}
	for _, a := range ch.Agents {
		v := strconv.FormatInt(int64(a.ID), 10)
		row.Agents = append(row.Agents, admin.Option{Value: v, Label: a.Name, Selected: lf.assign == v})
	}
	return row
}
