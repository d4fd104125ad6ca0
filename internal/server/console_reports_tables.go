package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// reportTable is a report table once, for both the page (Text, URL) and
// the CSV export (Raw: seconds, numbers, local dates).
type reportTable struct {
	name    string // its export name: /reports/export/{name}
	caption string
	head    []string
	rows    [][]tcell
	empty   string
}

type tcell struct{ text, raw, url string }

func txt(s string) tcell       { return tcell{text: s, raw: s} }
func link(s, url string) tcell { return tcell{text: s, raw: s, url: url} }
func num(n int, url string) tcell {
	return tcell{text: strconv.Itoa(n), raw: strconv.Itoa(n), url: url}
}
func rawSecs(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// durCells are the median and p90 of st, calendar and business: four cells.
func durCells(l i18n.Lang, st helpdesk.Stat) []tcell {
	cell := func(d time.Duration) tcell {
		if st.N == 0 {
			return tcell{text: "—"}
		}
		return tcell{text: slaDuration(l, d), raw: rawSecs(d)}
	}
	return []tcell{cell(st.Median.Calendar), cell(st.P90.Calendar), cell(st.Median.Business), cell(st.P90.Business)}
}

func shareCell(l i18n.Lang, n, d int) tcell {
	s := helpdesk.Share(n, d)
	if s < 0 {
		return tcell{text: "—"}
	}
	return tcell{text: percent(l, s), raw: strconv.FormatFloat(s*100, 'f', 1, 64)}
}

// view turns the table into the page's component data, with its CSV link.
func (t reportTable) view(l i18n.Lang, csvURL string) console.ReportTable {
	out := console.ReportTable{ID: "table-" + t.name, Caption: t.caption, Head: t.head, Empty: t.empty}
	if csvURL != "" {
		out.CSVURL, out.CSVText = csvURL, l.T("reports.csv")
	}
	for _, row := range t.rows {
		cells := make([]console.ReportCell, len(row))
		for i, c := range row {
			cells[i] = console.ReportCell{Text: c.text, URL: c.url}
		}
		out.Rows = append(out.Rows, cells)
	}
	return out
}

// ticketsURL links to the tickets behind a figure: set under rq, with
// extra filter parameters.
func (s *Server) ticketsURL(r *http.Request, rq reportQuery, set string, extra ...string) string {
	return s.reportURL(r, "/tickets", rq, append([]string{"set", set}, extra...)...)
}

// volumeTable is the daily series.
func (s *Server) volumeTable(r *http.Request, l i18n.Lang, rq reportQuery, series []helpdesk.DayPoint) reportTable {
	t := reportTable{name: "volume", caption: l.T("reports.chart.volume"),
		head: []string{l.T("reports.col.day"), l.T("reports.created"), l.T("reports.solved"), l.T("reports.backlog")}}
	for _, p := range series {
		day := p.Day.Format("2006-01-02")
		one := rq
		one.f.From, one.f.To = p.Day, p.Day.AddDate(0, 0, 1)
		t.rows = append(t.rows, []tcell{{text: formatDate(l, p.Day.Location(), p.Day), raw: day},
			num(p.Created, s.ticketsURL(r, one, "created")), num(p.Solved, s.ticketsURL(r, one, "solved")),
			num(p.Backlog, s.ticketsURL(r, one, "backlog"))})
	}
	return t
}

// breakdownTable is one dimension's table.
func (s *Server) breakdownTable(r *http.Request, l i18n.Lang, rq reportQuery, dim helpdesk.Dimension, rows []helpdesk.BreakdownRow) reportTable {
	t := reportTable{name: "breakdown-" + string(dim), caption: l.T(msgKey("reports.by.", string(dim))), empty: l.T("reports.empty"),
		head: []string{l.T(msgKey("reports.dim.", string(dim))), l.T("reports.created"), l.T("reports.solved"),
			l.T("reports.col.fr_med"), l.T("reports.col.fr_p90"), l.T("reports.col.fr_med_b"), l.T("reports.col.fr_p90_b"),
			l.T("reports.col.res_med"), l.T("reports.col.res_p90"), l.T("reports.col.res_med_b"), l.T("reports.col.res_p90_b"),
			l.T("reports.fcr"), l.T("reports.reopen_rate"), l.T("reports.col.breached"), l.T("reports.csat")}}
	param := map[helpdesk.Dimension]string{helpdesk.ByGroup: "group", helpdesk.ByAgent: "agent", helpdesk.ByCategory: "category",
		helpdesk.ByOrganisation: "organisation", helpdesk.ByChannel: "channel", helpdesk.ByPriority: "priority"}[dim]
	for _, b := range rows {
		name, value := b.Name, b.Key
		switch {
		case dim == helpdesk.ByChannel:
			name = channelLabel(l, helpdesk.Channel(b.Key))
		case dim == helpdesk.ByPriority:
			name = priorityLabel(l, helpdesk.Priority(b.Key))
		case b.ID == helpdesk.None:
			name, value = l.T(msgKey("reports.none.", string(dim))), "none"
		default:
			value = strconv.FormatInt(b.ID, 10)
		}
		row := []tcell{txt(name), num(b.Created, s.ticketsURL(r, rq, "created", param, value)),
			num(b.Solved, s.ticketsURL(r, rq, "solved", param, value))}
		row = append(row, durCells(l, b.FirstReply)...)
		row = append(row, durCells(l, b.Resolution)...)
		csat := tcell{text: "—"}
		if b.Rated > 0 {
			avg := float64(b.CSATSum) / float64(b.Rated)
			csat = tcell{text: decimal(l, avg, 1), raw: strconv.FormatFloat(avg, 'f', 2, 64),
				url: s.ticketsURL(r, rq, "rated", param, value)}
		}
		fcr := shareCell(l, b.FCR, b.Solved)
		fcr.url = s.ticketsURL(r, rq, "fcr", param, value)
		reopen := shareCell(l, b.Reopened, b.Solved)
		reopen.url = s.ticketsURL(r, rq, "reopened", param, value)
		row = append(row, fcr, reopen, num(b.Breached, s.ticketsURL(r, rq, "breached", param, value)), csat)
		t.rows = append(t.rows, row)
	}
	return t
}

// arrivalsTable is the weekday × hour grid as a table, Monday first.
func arrivalsTable(l i18n.Lang, a helpdesk.Arrivals) reportTable {
	t := reportTable{name: "arrivals", caption: l.T("reports.by.arrivals"), head: []string{l.T("reports.col.weekday")}}
	for h := 0; h < 24; h++ {
		t.head = append(t.head, strconv.Itoa(h))
	}
	for _, d := range mondayFirst() {
		row := []tcell{txt(l.T(msgKey("reports.weekday.", strconv.Itoa(d))))}
		for h := 0; h < 24; h++ {
			row = append(row, num(a[d][h], ""))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// ratingsTable lists the ratings with their comments.
func (s *Server) ratingsTable(r *http.Request, l i18n.Lang, loc *time.Location, rows []helpdesk.RatingRow) reportTable {
	t := reportTable{name: "csat", caption: l.T("reports.csat.list"), empty: l.T("reports.csat.empty"),
		head: []string{l.T("reports.col.ticket"), l.T("reports.col.rating"), l.T("reports.col.comment"),
			l.T("reports.col.requester"), l.T("reports.col.assignee"), l.T("reports.col.rated_at")}}
	for _, x := range rows {
		t.rows = append(t.rows, []tcell{
			link("#"+strconv.FormatInt(int64(x.Number), 10)+" "+x.Subject, s.consoleTicketURL(r, x.Number)),
			{text: l.T("reports.stars", x.Score), raw: strconv.Itoa(x.Score)}, txt(x.Comment), txt(x.RatedBy), txt(x.Assignee),
			{text: formatTime(l, loc, x.UpdatedAt), raw: csvTime(loc, x.UpdatedAt)}})
	}
	return t
}

// slaTable gives each policy's outcomes per target.
func (s *Server) slaTable(r *http.Request, l i18n.Lang, rq reportQuery, rows []helpdesk.SLARow) reportTable {
	t := reportTable{name: "sla", caption: l.T("reports.sla.by_policy"), empty: l.T("reports.sla.empty"),
		head: []string{l.T("reports.col.policy"), l.T("reports.col.target"), l.T("reports.col.achieved"),
			l.T("reports.col.breached"), l.T("reports.col.active"), l.T("reports.col.rate")}}
	for _, x := range rows {
		name := x.PolicyName
		if x.Policy == 0 || name == "" {
			name = l.T("reports.sla.no_policy")
		}
		m := string(x.Metric)
		t.rows = append(t.rows, []tcell{txt(name), txt(l.T(msgKey("sla.metric.", m))),
			num(x.Achieved, s.ticketsURL(r, rq, "achieved:"+m)), num(x.Breached, s.ticketsURL(r, rq, "breached:"+m)),
			num(x.Active, ""), shareCell(l, x.Achieved, x.Achieved+x.Breached)})
	}
	return t
}

// ticketsTable lists the tickets behind a figure.
func (s *Server) ticketsTable(r *http.Request, l i18n.Lang, loc *time.Location, name, caption string, rows []helpdesk.ReportTicket) reportTable {
	t := reportTable{name: name, caption: caption, empty: l.T("reports.tickets.empty"),
		head: []string{l.T("reports.col.ticket"), l.T("reports.col.status"), l.T("reports.col.priority"),
			l.T("reports.col.created_at"), l.T("reports.col.solved_at"), l.T("reports.col.assignee")}}
	for _, x := range rows {
		t.rows = append(t.rows, []tcell{
			link("#"+strconv.FormatInt(int64(x.Number), 10)+" "+x.Subject, s.consoleTicketURL(r, x.Number)),
			txt(statusLabel(l, x.Status)), txt(priorityLabel(l, x.Priority)),
			{text: formatTime(l, loc, x.CreatedAt), raw: csvTime(loc, x.CreatedAt)},
			{text: formatTime(l, loc, x.SolvedAt), raw: csvTime(loc, x.SolvedAt)}, txt(x.Assignee)})
	}
	return t
}

func (s *Server) consoleTicketURL(r *http.Request, n helpdesk.TicketNumber) string {
	return tenantPath(tenantFrom(r), "/agent/tickets/"+strconv.FormatInt(int64(n), 10))
}

// csvTime is an instant as CSV writes it: local, "2006-01-02 15:04".
func csvTime(loc *time.Location, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
