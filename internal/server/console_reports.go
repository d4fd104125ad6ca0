package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// The reports pages (/{tenant}/agent/reports…): the overview, the
// breakdowns, the CSAT list, the SLA page, the drill-down ticket lists and
// the CSV exports. Every page reads its filter from the query string, so a
// filtered report is a URL that can be shared; the domain narrows an
// agent's reports to their own tickets whatever the URL says.

func (s *Server) consoleReportRoutes(r chi.Router) {
	r.Get("/reports", s.h(s.reportsOverview))
	r.Get("/reports/breakdown", s.h(s.reportsBreakdown))
	r.Get("/reports/csat", s.h(s.reportsCSAT))
	r.Get("/reports/sla", s.h(s.reportsSLA))
	r.Get("/reports/tickets", s.h(s.reportsTickets))
	r.Get("/reports/export/{table}", s.h(s.reportsExport))
}

// reportQuery is the filter as read from the query string, with what the
// form shows back.
type reportQuery struct {
	f        helpdesk.ReportFilter
	period   string
	from, to string // the form's dates (local), always filled
	errs     map[string]string
}

// reportID reads an id filter: "" or junk is any (0), "none" is helpdesk.None.
func reportID(s string) int64 {
	if s == "none" {
		return helpdesk.None
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// parseReportQuery reads the filter of r in the desk's time zone. A bad
// custom date comes back in errs (and the default period is used).
func (s *Server) parseReportQuery(r *http.Request) reportQuery {
	q := r.URL.Query()
	loc := tenantLocation(tenantFrom(r))
	rq := reportQuery{period: q.Get("period"), errs: map[string]string{}}
	if rq.period == "" && (q.Get("from") != "" || q.Get("to") != "") {
		rq.period = helpdesk.PeriodCustom
	}
	valid := false
	for _, p := range helpdesk.PeriodPresets() {
		valid = valid || p == rq.period
	}
	if !valid {
		rq.period = helpdesk.Period30Days
	}
	from, to, err := helpdesk.ResolvePeriod(rq.period, q.Get("from"), q.Get("to"), loc, s.now())
	var v *helpdesk.ValidationError
	if errors.As(err, &v) {
		for field, key := range v.Fields {
			rq.errs[field] = key
		}
		from, to, _ = helpdesk.ResolvePeriod(helpdesk.Period30Days, "", "", loc, s.now())
	}
	rq.f = helpdesk.ReportFilter{From: from, To: to, Location: loc,
		Group: helpdesk.GroupID(reportID(q.Get("group"))), Agent: helpdesk.UserID(reportID(q.Get("agent"))),
		Category: helpdesk.CategoryID(reportID(q.Get("category"))), Organisation: helpdesk.OrganisationID(reportID(q.Get("organisation")))}
	if c, err := helpdesk.ParseChannel(q.Get("channel")); err == nil {
		rq.f.Channel = c
	}
	if p, err := helpdesk.ParsePriority(q.Get("priority")); err == nil {
		rq.f.Priority = p
	}
	if n, err := strconv.Atoi(q.Get("rating")); err == nil && n >= helpdesk.MinRating && n <= helpdesk.MaxRating {
		rq.f.Rating = n
	}
	rq.from, rq.to = q.Get("from"), q.Get("to")
	if len(rq.errs) == 0 || rq.from == "" {
		rq.from = from.In(loc).Format("2006-01-02")
	}
	if len(rq.errs) == 0 || rq.to == "" {
		rq.to = to.In(loc).AddDate(0, 0, -1).Format("2006-01-02")
	}
	return rq
}

func idParam(id int64) string {
	if id == helpdesk.None {
		return "none"
	}
	return strconv.FormatInt(id, 10)
}

// values is the filter as query parameters, for links that keep it: the
// period as explicit dates, so a link means the same tomorrow.
func (rq reportQuery) values() url.Values {
	v := url.Values{}
	f := rq.f
	v.Set("from", f.From.In(f.Loc()).Format("2006-01-02"))
	v.Set("to", f.To.In(f.Loc()).AddDate(0, 0, -1).Format("2006-01-02"))
	for name, id := range map[string]int64{"group": int64(f.Group), "agent": int64(f.Agent),
		"category": int64(f.Category), "organisation": int64(f.Organisation)} {
		if id != 0 {
			v.Set(name, idParam(id))
		}
	}
	if f.Channel != "" {
		v.Set("channel", string(f.Channel))
	}
	if f.Priority != "" {
		v.Set("priority", string(f.Priority))
	}
	return v
}

// reportURL is a reports path with rq's filter and extra parameters
// (name, value pairs) on top.
func (s *Server) reportURL(r *http.Request, path string, rq reportQuery, extra ...string) string {
	v := rq.values()
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return tenantPath(tenantFrom(r), "/agent/reports"+path) + "?" + v.Encode()
}

// reportsFrame builds the shell, the tabs and the filter of a reports page.
func (s *Server) reportsFrame(r *http.Request, rq reportQuery, tab string, hidden map[string]string) (console.ReportsPage, helpdesk.ReportScope, error) {
	l := s.lang(r)
	by := agent(r).Actor()
	scope, err := s.svc.ReportScopeOf(r.Context(), by)
	if err != nil {
		return console.ReportsPage{}, scope, err
	}
	frame, err := s.consoleFrame(r, l.T("reports.title"), "")
	if err != nil {
		return console.ReportsPage{}, scope, err
	}
	p := console.ReportsPage{Frame: frame, Heading: l.T("reports.title"), Labels: reportLabels(l)}
	loc := rq.f.Loc()
	p.Period = l.T("reports.period", formatDate(l, loc, rq.f.From), formatDate(l, loc, rq.f.To.Add(-time.Second)))
	if !scope.All {
		p.Scope = l.T("reports.scope.own")
	}
	for _, t := range []struct{ id, path string }{{"overview", ""}, {"breakdown", "/breakdown"}, {"csat", "/csat"}, {"sla", "/sla"}, {"time", "/time"}} {
		p.Tabs = append(p.Tabs, console.ReportTab{ID: t.id, Label: l.T(msgKey("reports.tab.", t.id)),
			URL: s.reportURL(r, t.path, rq), Current: t.id == tab})
	}
	p.Filter, err = s.reportFilterForm(r, l, rq, scope, hidden)
	return p, scope, err
}

func reportLabels(l i18n.Lang) console.ReportLabels {
	return console.ReportLabels{Filter: l.T("reports.filter"), Period: l.T("reports.filter.period"),
		From: l.T("reports.filter.from"), To: l.T("reports.filter.to"), Group: l.T("reports.filter.group"),
		Agent: l.T("reports.filter.agent"), Category: l.T("reports.filter.category"),
		Channel: l.T("reports.filter.channel"), Priority: l.T("reports.filter.priority"),
		Rating: l.T("reports.filter.rating"), Apply: l.T("reports.filter.apply"), Tabs: l.T("reports.tabs"),
		Views: l.T("reports.views"), TableOf: l.T("reports.chart.table")}
}

// formatDate is a local date for people: "25 mar 2025".
func formatDate(l i18n.Lang, loc *time.Location, t time.Time) string { return l.Date(loc, t) }

// renderReports writes a reports page: 422 when the filter had a bad date.
func (s *Server) renderReports(w http.ResponseWriter, r *http.Request, rq reportQuery, p console.ReportsPage) error {
	status := http.StatusOK
	if len(rq.errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, r, status, console.ReportsView(p))
}
