package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// reportFilterForm builds the filter's choices (one round trip for the
// groups, agents and categories) with the current values selected.
func (s *Server) reportFilterForm(r *http.Request, l i18n.Lang, rq reportQuery, scope helpdesk.ReportScope, hidden map[string]string) (console.ReportFilterForm, error) {
	groups, agents, cats, err := s.svc.FilterChoices(r.Context(), agent(r).Actor())
	if err != nil {
		return console.ReportFilterForm{}, err
	}
	f := rq.f
	form := console.ReportFilterForm{Action: tenantPath(tenantFrom(r), r.URL.Path[len("/"+tenantFrom(r).Slug):]),
		Hidden: hidden, From: rq.from, To: rq.to}
	if k, ok := rq.errs["from"]; ok {
		form.FromError = l.T(k)
	}
	if k, ok := rq.errs["to"]; ok {
		form.ToError = l.T(k)
	}
	for _, p := range helpdesk.PeriodPresets() {
		form.Periods = append(form.Periods, console.Option{Value: p, Label: l.T(msgKey("reports.period.", p)), Selected: p == rq.period})
	}
	anyOpt := func(sel bool) []console.Option {
		return []console.Option{{Value: "", Label: l.T("reports.filter.any"), Selected: sel}}
	}
	form.Groups = append(anyOpt(f.Group == 0), console.Option{Value: "none", Label: l.T("reports.none.group"), Selected: f.Group == helpdesk.None})
	for _, g := range groups {
		form.Groups = append(form.Groups, console.Option{Value: strconv.FormatInt(int64(g.ID), 10), Label: g.Name, Selected: g.ID == f.Group})
	}
	if scope.All {
		form.Agents = append(anyOpt(f.Agent == 0), console.Option{Value: "none", Label: l.T("reports.none.agent"), Selected: f.Agent == helpdesk.None})
		for _, u := range agents {
			form.Agents = append(form.Agents, console.Option{Value: strconv.FormatInt(int64(u.ID), 10), Label: u.Name, Selected: u.ID == f.Agent})
		}
	}
	form.Categories = append(anyOpt(f.Category == 0), console.Option{Value: "none", Label: l.T("reports.none.category"), Selected: f.Category == helpdesk.None})
	for _, c := range cats {
		form.Categories = append(form.Categories, console.Option{Value: strconv.FormatInt(int64(c.ID), 10), Label: c.Name, Selected: c.ID == f.Category})
	}
	form.Channels = anyOpt(f.Channel == "")
	for _, c := range helpdesk.Channels() {
		form.Channels = append(form.Channels, console.Option{Value: string(c), Label: channelLabel(l, c), Selected: c == f.Channel})
	}
	form.Priorities = anyOpt(f.Priority == "")
	for _, p := range helpdesk.Priorities() {
		form.Priorities = append(form.Priorities, console.Option{Value: string(p), Label: priorityLabel(l, p), Selected: p == f.Priority})
	}
	return form, nil
}

func channelLabel(l i18n.Lang, c helpdesk.Channel) string {
	return l.T(msgKey("console.channel.", string(c)))
}

// Formatting of figures ------------------------------------------------------

// reportDuration says a duration for a card or table, "—" for none.
func reportDuration(l i18n.Lang, d time.Duration, n int) string {
	if n == 0 {
		return "—"
	}
	return slaDuration(l, d)
}

// percent says a share as "42 %" ("42%" in English), "—" without a base.
func percent(l i18n.Lang, share float64) string {
	if share < 0 {
		return "—"
	}
	return l.T("reports.percent", int(share*100+0.5))
}

// statLine is the second line of a duration card: p90, then business time.
func statLine(l i18n.Lang, st helpdesk.Stat) string {
	if st.N == 0 {
		return l.T("reports.no_data")
	}
	return l.T("reports.stat_line", slaDuration(l, st.P90.Calendar), slaDuration(l, st.Median.Business),
		slaDuration(l, st.P90.Business), st.N)
}

// countDelta compares a count with the previous period's.
func countDelta(l i18n.Lang, cur, prev int, upIsGood bool) (string, string) {
	d := cur - prev
	return l.T("reports.delta.count", signed(d), prev), trend(d, upIsGood)
}

// durationDelta compares two medians; shorter is better.
func durationDelta(l i18n.Lang, cur, prev helpdesk.Stat) (string, string) {
	if cur.N == 0 || prev.N == 0 {
		return "", ""
	}
	d := cur.Median.Calendar - prev.Median.Calendar
	sign := "+"
	if d < 0 {
		sign, d = "−", -d
	}
	return l.T("reports.delta.duration", sign+slaDuration(l, d), slaDuration(l, prev.Median.Calendar)),
		trend(int(cur.Median.Calendar-prev.Median.Calendar), false)
}

// shareDelta compares two shares in percentage points.
func shareDelta(l i18n.Lang, cur, prev float64, upIsGood bool) (string, string) {
	if cur < 0 || prev < 0 {
		return "", ""
	}
	d := int(cur*100+0.5) - int(prev*100+0.5)
	return l.T("reports.delta.points", signed(d), percent(l, prev)), trend(d, upIsGood)
}

func signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	if n < 0 {
		return "−" + strconv.Itoa(-n)
	}
	return "±0"
}

func trend(d int, upIsGood bool) string {
	switch {
	case d == 0:
		return ""
	case (d > 0) == upIsGood:
		return "good"
	}
	return "bad"
}

// decimal writes v with prec decimals as the reader writes numbers: a
// decimal comma in Spanish.
func decimal(l i18n.Lang, v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if l == i18n.ES {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
