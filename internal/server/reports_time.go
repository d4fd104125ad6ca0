package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// The time report (/{tenant}/agent/reports/time): the time agents logged
// from the workspace, by agent and by the requester's organisation, over
// the reports' period, with a CSV export. The period, agent and
// organisation come from the query string, as on the other reports.

func (s *Server) consoleTimeReportRoutes(r chi.Router) {
	r.Get("/reports/time", s.h(s.reportsTime))
	r.Get("/reports/time.csv", s.h(s.reportsTimeCSV))
}

// timeReport runs the report of r's filter.
func (s *Server) timeReport(r *http.Request) (reportQuery, helpdesk.TimeReport, error) {
	rq := s.parseReportQuery(r)
	f := helpdesk.TimeFilter{From: rq.f.From, To: rq.f.To, Organisation: rq.f.Organisation}
	if rq.f.Agent > 0 {
		f.Agent = rq.f.Agent
	}
	if rq.f.Organisation < 0 {
		f.Organisation = 0
	}
	rep, err := s.svc.TimeReport(r.Context(), agent(r).Actor(), f)
	return rq, rep, err
}

func (s *Server) reportsTime(w http.ResponseWriter, r *http.Request) error {
	l := s.lang(r)
	rq, rep, err := s.timeReport(r)
	if err != nil {
		return err
	}
	frame, err := s.consoleFrame(r, l.T("time.report.title"), "")
	if err != nil {
		return err
	}
	loc := rq.f.Loc()
	p := console.TimeReportPage{Frame: frame, Heading: l.T("time.report.title"), Labels: reportLabels(l),
		Period: l.T("reports.period", formatDate(l, loc, rq.f.From), formatDate(l, loc, rq.f.To.Add(-time.Second)))}
	if rep.Own {
		p.Scope = l.T("reports.scope.own")
	}
	for _, t := range []struct{ id, path string }{{"overview", ""}, {"breakdown", "/breakdown"}, {"csat", "/csat"}, {"sla", "/sla"}, {"time", "/time"}} {
		p.Tabs = append(p.Tabs, console.ReportTab{ID: t.id, Label: l.T(msgKey("reports.tab.", t.id)), URL: s.reportURL(r, t.path, rq), Current: t.id == "time"})
	}
	p.Filter = timeReportFilter(r, l, rq, rep)
	caption := l.T("time.report.caption", p.Period)
	head, rows := timeReportTable(l, rep.Rows)
	p.Table = console.ReportTable{ID: "time-table", Caption: caption, Head: head, Empty: l.T("time.report.empty"),
		CSVURL: s.reportURL(r, "/time.csv", rq), CSVText: l.T("time.report.csv")}
	for _, row := range rows {
		cells := make([]console.ReportCell, len(row))
		for i, c := range row {
			cells[i] = console.ReportCell{Text: c}
		}
		p.Table.Rows = append(p.Table.Rows, cells)
	}
	status := http.StatusOK
	if len(rq.errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, r, status, console.TimeReportView(p))
}

// timeReportFilter is the filter form with the current values selected.
func timeReportFilter(r *http.Request, l i18n.Lang, rq reportQuery, rep helpdesk.TimeReport) console.TimeReportFilter {
	f := console.TimeReportFilter{Action: tenantPath(tenantFrom(r), "/agent/reports/time"), From: rq.from, To: rq.to,
		AgentLabel: l.T("time.report.agent"), OrgLabel: l.T("time.report.org")}
	if k, ok := rq.errs["from"]; ok {
		f.FromError = l.T(k)
	}
	if k, ok := rq.errs["to"]; ok {
		f.ToError = l.T(k)
	}
	for _, p := range helpdesk.PeriodPresets() {
		f.Periods = append(f.Periods, console.Option{Value: p, Label: l.T(msgKey("reports.period.", p)), Selected: p == rq.period})
	}
	if !rep.Own {
		f.Agents = []console.Option{{Value: "", Label: l.T("time.report.any_agent"), Selected: rq.f.Agent <= 0}}
		for _, u := range rep.Agents {
			f.Agents = append(f.Agents, console.Option{Value: idText(int64(u.ID)), Label: u.Name, Selected: u.ID == rq.f.Agent})
		}
	}
	f.Organisations = []console.Option{{Value: "", Label: l.T("time.report.any_org"), Selected: rq.f.Organisation <= 0}}
	for _, o := range rep.Organisations {
		f.Organisations = append(f.Organisations, console.Option{Value: idText(int64(o.ID)), Label: o.Name, Selected: o.ID == rq.f.Organisation})
	}
	return f
}

// timeReportTable is the report's head and rows, with a total row; the
// same cells go to the page and to the CSV (minutes as plain numbers).
func timeReportTable(l i18n.Lang, rows []helpdesk.TimeReportRow) ([]string, [][]string) {
	head := []string{l.T("time.report.agent"), l.T("time.report.org"), l.T("time.report.tickets"), l.T("time.report.minutes"), l.T("time.report.billable")}
	var out [][]string
	var tickets, minutes, billable int
	for _, row := range rows {
		org := row.OrganisationName
		if row.Organisation == 0 {
			org = l.T("time.report.no_org")
		}
		out = append(out, []string{row.AgentName, org, strconv.Itoa(row.Tickets), strconv.Itoa(row.Minutes), strconv.Itoa(row.BillableMinutes)})
		tickets, minutes, billable = tickets+row.Tickets, minutes+row.Minutes, billable+row.BillableMinutes
	}
	if len(rows) > 0 {
		out = append(out, []string{l.T("time.report.total"), "", strconv.Itoa(tickets), strconv.Itoa(minutes), strconv.Itoa(billable)})
	}
	return head, out
}

func (s *Server) reportsTimeCSV(w http.ResponseWriter, r *http.Request) error {
	l := s.lang(r)
	_, rep, err := s.timeReport(r)
	if err != nil {
		return err
	}
	head, rows := timeReportTable(l, rep.Rows)
	c, err := newCSV(w, "tiempo.csv")
	if err != nil {
		return err
	}
	if err := c.write(head); err != nil {
		return err
	}
	for _, row := range rows {
		if err := c.write(row); err != nil {
			return err
		}
	}
	return c.flush()
}
