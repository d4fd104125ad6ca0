package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

// The SLA settings pages of the admin area (calendars, policies,
// escalation ladders); requireAdmin and the domain let only admins in.
func (s *Server) adminSLARoutes(r chi.Router) {
	r.Get("/sla", s.h(s.slaAdmin))
	r.Post("/sla/settings", s.h(s.slaSettings))
	r.Get("/sla/calendars/new", s.h(s.slaCalendarForm))
	r.Post("/sla/calendars", s.h(s.slaCalendarSave))
	r.Get("/sla/calendars/{id}", s.h(s.slaCalendarForm))
	r.Post("/sla/calendars/{id}", s.h(s.slaCalendarSave))
	r.Get("/sla/policies/new", s.h(s.slaPolicyForm))
	r.Post("/sla/policies", s.h(s.slaPolicySave))
	r.Get("/sla/policies/{id}", s.h(s.slaPolicyForm))
	r.Post("/sla/policies/{id}", s.h(s.slaPolicySave))
	r.Post("/sla/policies/{id}/move", s.h(s.slaPolicyMove))
	r.Post("/sla/policies/{id}/delete", s.h(s.slaPolicyDelete))
}

func slaPath(t helpdesk.Tenant, p string) string { return adminPath(t, "/sla"+p) }

// urlID reads the {id} of the URL: absent is 0 (a new one); anything but a
// positive number is not found.
func urlID(r *http.Request) (int64, error) {
	v := chi.URLParam(r, "id")
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

func (s *Server) slaAdmin(w http.ResponseWriter, r *http.Request) error {
	return s.renderSLAAdmin(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderSLAAdmin(w http.ResponseWriter, r *http.Request, status int, window string, errs map[string]string) error {
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	cfg, ch, err := s.svc.SLAAdmin(r.Context(), u.Actor())
	if err != nil {
		return err
	}
	frame := s.adminFrame(r, l.T("sla.admin.title"), "sla")
	if window == "" && errs == nil {
		window = strconv.Itoa(int(cfg.SoonWindow / time.Minute))
	}
	vm := admin.SLAAdmin{Frame: frame, SoonWindow: window, Errors: errs,
		NewPolicyURL: slaPath(t, "/policies/new"), NewCalendarURL: slaPath(t, "/calendars/new"), SettingsURL: slaPath(t, "/settings")}
	for i, p := range cfg.Policies {
		id := strconv.FormatInt(int64(p.ID), 10)
		vm.Policies = append(vm.Policies, admin.SLAPolicyRow{
			Name: p.Name, Conditions: policyConditions(l, p, ch), Hours: policyHours(l, p, cfg), Targets: policyTargets(l, p),
			Ladder: policyLadder(l, p), EditURL: slaPath(t, "/policies/"+id), MoveURL: slaPath(t, "/policies/"+id+"/move"),
			DeleteURL: slaPath(t, "/policies/"+id+"/delete"), First: i == 0, Last: i == len(cfg.Policies)-1,
		})
	}
	for _, c := range cfg.Calendars {
		vm.Calendars = append(vm.Calendars, admin.SLACalendarRow{Name: c.Name, TimeZone: c.TimeZone, Week: calendarWeek(l, c),
			EditURL: slaPath(t, "/calendars/"+strconv.FormatInt(int64(c.ID), 10))})
	}
	return s.render(w, r, status, admin.SLAAdminPage(vm))
}

func (s *Server) slaSettings(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	typed := strings.TrimSpace(r.PostForm.Get("soon_window"))
	mins, perr := strconv.Atoi(typed)
	err := s.svc.SetSoonWindow(ctx, u.Actor(), time.Duration(mins)*time.Minute)
	if perr != nil {
		err = &helpdesk.ValidationError{Fields: map[string]string{"soon_window": "sla.error.soon_window"}}
	}
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderSLAAdmin(w, r, http.StatusUnprocessableEntity, typed, errs)
	}
	s.flash(ctx, "success", l.T("sla.admin.saved"))
	http.Redirect(w, r, slaPath(t, ""), http.StatusSeeOther)
	return nil
}

// weekOrder is Monday first, as the desk's people read a week.
var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// calendarForm is the calendar form as submitted.
type calendarForm struct {
	name, zone, holidays string
	days                 [7]string
}

func (f calendarForm) input() helpdesk.CalendarInput {
	in := helpdesk.CalendarInput{Name: f.name, TimeZone: strings.TrimSpace(f.zone), Hours: f.days}
	in.Holidays = strings.Split(strings.ReplaceAll(f.holidays, "\r\n", "\n"), "\n")
	return in
}

func (s *Server) slaCalendarForm(w http.ResponseWriter, r *http.Request) error {
	id, err := urlID(r)
	if err != nil {
		return err
	}
	cfg, _, err := s.svc.SLAAdmin(r.Context(), agent(r).Actor())
	if err != nil {
		return err
	}
	f := calendarForm{zone: "Europe/Madrid"}
	if id == 0 {
		for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
			f.days[d] = "09:00-14:00, 15:00-18:00"
		}
	} else {
		c, ok := cfg.Calendar(helpdesk.CalendarID(id))
		if !ok {
			return errNotFound
		}
		f = calendarForm{name: c.Name, zone: c.TimeZone}
		for d := range c.Week {
			f.days[d] = helpdesk.FormatIntervals(c.Week[d])
		}
		var hs []string
		for _, h := range c.Holidays {
			hs = append(hs, strings.TrimSpace(h.String()+" "+h.Name))
		}
		f.holidays = strings.Join(hs, "\n")
	}
	return s.renderSLACalendar(w, r, http.StatusOK, id, f, nil)
}

func (s *Server) slaCalendarSave(w http.ResponseWriter, r *http.Request) error {
	id, err := urlID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	p := r.PostForm
	f := calendarForm{name: p.Get("name"), zone: p.Get("time_zone"), holidays: p.Get("holidays")}
	for d := range f.days {
		f.days[d] = p.Get("day" + strconv.Itoa(d))
	}
	c, err := s.svc.SaveCalendar(ctx, u.Actor(), helpdesk.CalendarID(id), f.input())
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderSLACalendar(w, r, http.StatusUnprocessableEntity, id, f, errs)
	}
	s.flash(ctx, "success", l.T("sla.admin.calendar_saved", c.Name))
	http.Redirect(w, r, slaPath(t, ""), http.StatusSeeOther)
	return nil
}

// slaZones are offered as suggestions; any IANA name is accepted.
var slaZones = []string{"Europe/Madrid", "Atlantic/Canary", "America/Mexico_City", "America/Bogota", "America/Lima",
	"America/Santiago", "America/Argentina/Buenos_Aires", "America/Montevideo", "America/Caracas", "America/Guatemala",
	"America/New_York", "Europe/London", "Europe/Lisbon", "UTC"}

func (s *Server) renderSLACalendar(w http.ResponseWriter, r *http.Request, status int, id int64, f calendarForm, errs map[string]string) error {
	t, l := tenantFrom(r), s.lang(r)
	title := l.T("sla.admin.new_calendar")
	action := slaPath(t, "/calendars")
	if id != 0 {
		title = l.T("sla.admin.edit_calendar", f.name)
		action = slaPath(t, "/calendars/"+strconv.FormatInt(id, 10))
	}
	frame := s.adminFrame(r, title, "sla")
	vm := admin.SLACalendarEdit{Frame: frame, Title: title, ActionURL: action, BackURL: slaPath(t, ""),
		Name: f.name, TimeZone: f.zone, Holidays: f.holidays, Zones: slaZones, Errors: errs}
	for _, d := range weekOrder {
		vm.Days = append(vm.Days, admin.SLADay{Index: int(d), Label: l.T(msgKey("sla.day.", strconv.Itoa(int(d)))), Value: f.days[d]})
	}
	return s.render(w, r, status, admin.SLACalendarPage(vm))
}

func (s *Server) slaPolicyMove(w http.ResponseWriter, r *http.Request) error {
	id, err := urlID(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.svc.MovePolicy(r.Context(), agent(r).Actor(), helpdesk.SLAPolicyID(id), r.PostForm.Get("dir") == "up"); err != nil {
		return err
	}
	s.flash(r.Context(), "success", s.lang(r).T("sla.admin.moved"))
	http.Redirect(w, r, slaPath(tenantFrom(r), ""), http.StatusSeeOther)
	return nil
}

func (s *Server) slaPolicyDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := urlID(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeletePolicy(r.Context(), agent(r).Actor(), helpdesk.SLAPolicyID(id)); err != nil {
		return err
	}
	s.flash(r.Context(), "success", s.lang(r).T("sla.admin.deleted"))
	http.Redirect(w, r, slaPath(tenantFrom(r), ""), http.StatusSeeOther)
	return nil
}

// Summaries of a policy for the list.

func policyConditions(l i18n.Lang, p helpdesk.SLAPolicy, ch helpdesk.SLAChoices) string {
	var parts []string
	if len(p.Priorities) > 0 {
		var ls []string
		for _, pr := range p.Priorities {
			ls = append(ls, priorityLabel(l, pr))
		}
		parts = append(parts, l.T("sla.admin.if_priority", strings.Join(ls, ", ")))
	}
	if len(p.Channels) > 0 {
		var ls []string
		for _, c := range p.Channels {
			ls = append(ls, l.T(msgKey("console.channel.", string(c))))
		}
		parts = append(parts, l.T("sla.admin.if_channel", strings.Join(ls, ", ")))
	}
	names := func(key string, n int, name func(i int) string) {
		if n == 0 {
			return
		}
		ls := make([]string, n)
		for i := range ls {
			ls[i] = name(i)
		}
		parts = append(parts, l.T(key, strings.Join(ls, ", ")))
	}
	names("sla.admin.if_category", len(p.Categories), func(i int) string {
		for _, c := range ch.Categories {
			if c.ID == p.Categories[i] {
				return c.Name
			}
		}
		return "#" + strconv.FormatInt(int64(p.Categories[i]), 10)
	})
	names("sla.admin.if_group", len(p.Groups), func(i int) string {
		for _, g := range ch.Groups {
			if g.ID == p.Groups[i] {
				return g.Name
			}
		}
		return "#" + strconv.FormatInt(int64(p.Groups[i]), 10)
	})
	names("sla.admin.if_organisation", len(p.Organisations), func(i int) string {
		for _, o := range ch.Organisations {
			if o.ID == p.Organisations[i] {
				return o.Name
			}
		}
		return "#" + strconv.FormatInt(int64(p.Organisations[i]), 10)
	})
	if len(parts) == 0 {
		return l.T("sla.admin.if_any")
	}
	return strings.Join(parts, " · ")
}

func policyHours(l i18n.Lang, p helpdesk.SLAPolicy, cfg helpdesk.SLAConfig) string {
	hold := ""
	if p.PauseOnHold {
		hold = " " + l.T("sla.admin.pauses_on_hold")
	}
	if c, ok := cfg.Calendar(p.Calendar); ok && p.Calendar != 0 {
		return l.T("sla.panel.calendar", c.Name, c.TimeZone) + hold
	}
	return l.T("sla.panel.calendar_hours") + hold
}

func policyTargets(l i18n.Lang, p helpdesk.SLAPolicy) string {
	var parts []string
	ps := helpdesk.Priorities()
	for i := len(ps) - 1; i >= 0; i-- {
		t, ok := p.Targets[ps[i]]
		if !ok {
			continue
		}
		var ms []string
		for _, m := range helpdesk.SLAMetrics() {
			if n := t.Of(m); n > 0 {
				ms = append(ms, l.T(msgKey("sla.metric.", string(m)))+" "+slaDuration(l, time.Duration(n)*time.Minute))
			}
		}
		parts = append(parts, priorityLabel(l, ps[i])+": "+strings.Join(ms, ", "))
	}
	return strings.Join(parts, " · ")
}

func policyLadder(l i18n.Lang, p helpdesk.SLAPolicy) string {
	var parts []string
	for _, lv := range p.Escalations {
		parts = append(parts, fmt.Sprintf("%d %%", lv.Percent))
	}
	if len(parts) == 0 {
		return ""
	}
	return l.T("sla.admin.ladder_summary", strings.Join(parts, ", "))
}

func calendarWeek(l i18n.Lang, c helpdesk.Calendar) string {
	var parts []string
	for _, d := range weekOrder {
		if len(c.Week[d]) > 0 {
			parts = append(parts, l.T(msgKey("sla.day.", strconv.Itoa(int(d))))+" "+helpdesk.FormatIntervals(c.Week[d]))
		}
	}
	return strings.Join(parts, " · ")
}
