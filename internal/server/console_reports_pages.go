package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// exportURL is the CSV of the table named name under rq.
func (s *Server) exportURL(r *http.Request, rq reportQuery, name string, extra ...string) string {
	return s.reportURL(r, "/export/"+name+".csv", rq, extra...)
}

func (s *Server) reportsOverview(w http.ResponseWriter, r *http.Request) error {
	rq := s.parseReportQuery(r)
	p, _, err := s.reportsFrame(r, rq, "overview", nil)
	if err != nil {
		return err
	}
	l := p.Frame.Chrome.L
	ov, err := s.svc.ReportOverview(r.Context(), agent(r).Actor(), rq.f)
	if err != nil {
		return err
	}
	rq.f = ov.Filter
	p.CardsTitle, p.SLATitle = l.T("reports.figures"), l.T("reports.sla.title")
	p.Compare = l.T("reports.compare", formatDate(l, rq.f.Loc(), ov.Filter.Previous().From),
		formatDate(l, rq.f.Loc(), ov.Filter.From.Add(-time.Second)))
	p.Cards = s.overviewCards(r, l, rq, ov.Current, ov.Previous)
	p.SLACards = s.slaCards(r, l, rq, ov.Current, ov.Previous)
	vol := s.volumeTable(r, l, rq, ov.Series)
	p.Charts = []console.Chart{volumeChart(l, ov.Series, vol.view(l, s.exportURL(r, rq, "volume")))}
	p.Tables = []console.ReportTable{s.summaryTable(l, ov.Current, ov.Previous).view(l, s.exportURL(r, rq, "summary"))}
	return s.renderReports(w, r, rq, p)
}

// overviewCards are the overview's figures with their comparison.
func (s *Server) overviewCards(r *http.Request, l i18n.Lang, rq reportQuery, cur, prev helpdesk.ReportSummary) []console.ReportCard {
	count := func(id, label string, n, was int, up bool, set string) console.ReportCard {
		c := console.ReportCard{ID: id, Label: label, Value: strconv.Itoa(n), URL: s.ticketsURL(r, rq, set)}
		c.Delta, c.Trend = countDelta(l, n, was, up)
		return c
	}
	dur := func(id, label string, st, was helpdesk.Stat, set string) console.ReportCard {
		c := console.ReportCard{ID: id, Label: label, Value: reportDuration(l, st.Median.Calendar, st.N), Sub: statLine(l, st),
			URL: s.ticketsURL(r, rq, set)}
		c.Delta, c.Trend = durationDelta(l, st, was)
		return c
	}
	share := func(id, label string, n, d, pn, pd int, up bool, set string) console.ReportCard {
		c := console.ReportCard{ID: id, Label: label, Value: percent(l, helpdesk.Share(n, d)),
			Sub: l.T("reports.n_of", n, d), URL: s.ticketsURL(r, rq, set)}
		c.Delta, c.Trend = shareDelta(l, helpdesk.Share(n, d), helpdesk.Share(pn, pd), up)
		return c
	}
	cards := []console.ReportCard{
		count("created", l.T("reports.created"), cur.Created, prev.Created, true, "created"),
		count("solved", l.T("reports.solved"), cur.Solved, prev.Solved, true, "solved"),
		count("backlog", l.T("reports.backlog_end"), cur.Backlog, prev.Backlog, false, "backlog"),
		dur("first-reply", l.T("reports.first_reply"), cur.FirstReply, prev.FirstReply, "first_reply"),
		dur("reply", l.T("reports.reply"), cur.Reply, prev.Reply, "solved"),
		dur("resolution", l.T("reports.resolution"), cur.Resolution, prev.Resolution, "solved"),
		dur("wait", l.T("reports.wait"), cur.Wait, prev.Wait, "solved"),
		share("fcr", l.T("reports.fcr"), cur.FCR, cur.Solved, prev.FCR, prev.Solved, true, "fcr"),
		share("reopen", l.T("reports.reopen_rate"), cur.Reopened, cur.Solved, prev.Reopened, prev.Solved, false, "reopened"),
		count("escalated", l.T("reports.escalated"), cur.Escalated, prev.Escalated, false, "escalated"),
		{ID: "touches", Label: l.T("reports.touches"), Value: decimal(l, cur.Touches, 1),
			Sub: l.T("reports.touches_sub", cur.Reopens), URL: s.ticketsURL(r, rq, "solved")},
	}
	csat := console.ReportCard{ID: "csat", Label: l.T("reports.csat"), Value: "—", URL: s.ticketsURL(r, rq, "rated"),
		Sub: l.T("reports.csat_rate", percent(l, helpdesk.Share(cur.Rated, cur.Solved)), cur.Rated)}
	if cur.Rated > 0 {
		csat.Value = decimal(l, cur.CSAT(), 2) + " / 5"
		if prev.Rated > 0 {
			d := int((cur.CSAT()-prev.CSAT())*100 + 0.5)
			csat.Delta, csat.Trend = l.T("reports.delta.csat", decimal(l, prev.CSAT(), 2)), trend(d, true)
		}
	}
	return append(cards, csat)
}

// slaCards give each target's achievement over the created tickets.
func (s *Server) slaCards(r *http.Request, l i18n.Lang, rq reportQuery, cur, prev helpdesk.ReportSummary) []console.ReportCard {
	var out []console.ReportCard
	for _, m := range helpdesk.SLAMetrics() {
		c, p := cur.SLA[m], prev.SLA[m]
		card := console.ReportCard{ID: "sla-" + string(m), Label: l.T(msgKey("sla.metric.", string(m))), Value: percent(l, c.Rate()),
			Sub: l.T("reports.sla.counts", c.Achieved, c.Breached, c.Active), URL: s.ticketsURL(r, rq, "breached:"+string(m))}
		card.Delta, card.Trend = shareDelta(l, c.Rate(), p.Rate(), true)
		out = append(out, card)
	}
	return out
}

// summaryTable is the overview's figures as a table (and CSV): each figure
// in this period and the previous one.
func (s *Server) summaryTable(l i18n.Lang, cur, prev helpdesk.ReportSummary) reportTable {
	t := reportTable{name: "summary", caption: l.T("reports.summary"),
		head: []string{l.T("reports.col.figure"), l.T("reports.col.current"), l.T("reports.col.previous")}}
	n := func(label string, a, b int) {
		t.rows = append(t.rows, []tcell{txt(label), num(a, ""), num(b, "")})
	}
	d := func(label string, a, b helpdesk.Stat) {
		for i, part := range []string{"reports.col.median", "reports.col.p90", "reports.col.median_b", "reports.col.p90_b"} {
			t.rows = append(t.rows, []tcell{txt(label + " · " + l.T(part)), durCells(l, a)[i], durCells(l, b)[i]})
		}
	}
	n(l.T("reports.created"), cur.Created, prev.Created)
	n(l.T("reports.solved"), cur.Solved, prev.Solved)
	n(l.T("reports.backlog_end"), cur.Backlog, prev.Backlog)
	d(l.T("reports.first_reply"), cur.FirstReply, prev.FirstReply)
	d(l.T("reports.reply"), cur.Reply, prev.Reply)
	d(l.T("reports.resolution"), cur.Resolution, prev.Resolution)
	d(l.T("reports.wait"), cur.Wait, prev.Wait)
	t.rows = append(t.rows, []tcell{txt(l.T("reports.fcr")), shareCell(l, cur.FCR, cur.Solved), shareCell(l, prev.FCR, prev.Solved)})
	t.rows = append(t.rows, []tcell{txt(l.T("reports.reopen_rate")), shareCell(l, cur.Reopened, cur.Solved), shareCell(l, prev.Reopened, prev.Solved)})
	n(l.T("reports.escalated"), cur.Escalated, prev.Escalated)
	for _, m := range helpdesk.SLAMetrics() {
		a, b := cur.SLA[m], prev.SLA[m]
		t.rows = append(t.rows, []tcell{txt(l.T("reports.sla.title") + " · " + l.T(msgKey("sla.metric.", string(m)))),
			shareCell(l, a.Achieved, a.Achieved+a.Breached), shareCell(l, b.Achieved, b.Achieved+b.Breached)})
	}
	t.rows = append(t.rows, []tcell{txt(l.T("reports.csat")), csatCell(cur), csatCell(prev)})
	t.rows = append(t.rows, []tcell{txt(l.T("reports.csat_response")), shareCell(l, cur.Rated, cur.Solved), shareCell(l, prev.Rated, prev.Solved)})
	return t
}

func csatCell(s helpdesk.ReportSummary) tcell {
	if s.Rated == 0 {
		return tcell{text: "—"}
	}
	v := strconv.FormatFloat(s.CSAT(), 'f', 2, 64)
	return tcell{text: v, raw: v}
}

// breakdownDims are the breakdown page's views: the dimensions, then the
// arrivals grid.
const arrivalsView = "arrivals"

func (s *Server) reportsBreakdown(w http.ResponseWriter, r *http.Request) error {
	rq := s.parseReportQuery(r)
	by := r.URL.Query().Get("by")
	dim, err := helpdesk.ParseDimension(by)
	if by != arrivalsView && err != nil {
		by, dim = string(helpdesk.ByGroup), helpdesk.ByGroup
	}
	p, _, err := s.reportsFrame(r, rq, "breakdown", map[string]string{"by": by})
	if err != nil {
		return err
	}
	l := p.Frame.Chrome.L
	for _, d := range helpdesk.Dimensions() {
		p.SubTabs = append(p.SubTabs, console.ReportTab{ID: "by-" + string(d), Label: l.T(msgKey("reports.by.", string(d))),
			URL: s.reportURL(r, "/breakdown", rq, "by", string(d)), Current: by == string(d)})
	}
	p.SubTabs = append(p.SubTabs, console.ReportTab{ID: "by-arrivals", Label: l.T("reports.by.arrivals"),
		URL: s.reportURL(r, "/breakdown", rq, "by", arrivalsView), Current: by == arrivalsView})
	if by == arrivalsView {
		a, err := s.svc.ReportArrivals(r.Context(), agent(r).Actor(), rq.f)
		if err != nil {
			return err
		}
		t := arrivalsTable(l, a)
		p.Charts = []console.Chart{arrivalsChart(l, a, t.view(l, s.exportURL(r, rq, "arrivals")))}
		return s.renderReports(w, r, rq, p)
	}
	rows, err := s.svc.ReportBreakdown(r.Context(), agent(r).Actor(), rq.f, dim)
	if err != nil {
		return err
	}
	t := s.breakdownTable(r, l, rq, dim, rows)
	p.Tables = []console.ReportTable{t.view(l, s.exportURL(r, rq, t.name))}
	return s.renderReports(w, r, rq, p)
}

func (s *Server) reportsCSAT(w http.ResponseWriter, r *http.Request) error {
	rq := s.parseReportQuery(r)
	p, _, err := s.reportsFrame(r, rq, "csat", nil)
	if err != nil {
		return err
	}
	l := p.Frame.Chrome.L
	p.Filter.Ratings = []console.Option{{Value: "", Label: l.T("reports.filter.any"), Selected: rq.f.Rating == 0}}
	for n := helpdesk.MaxRating; n >= helpdesk.MinRating; n-- {
		p.Filter.Ratings = append(p.Filter.Ratings, console.Option{Value: strconv.Itoa(n), Label: l.T("reports.stars", n), Selected: n == rq.f.Rating})
	}
	rows, err := s.svc.ReportRatings(r.Context(), agent(r).Actor(), rq.f)
	if err != nil {
		return err
	}
	t := s.ratingsTable(r, l, rq.f.Loc(), rows)
	extra := []string{}
	if rq.f.Rating > 0 {
		extra = []string{"rating", strconv.Itoa(rq.f.Rating)}
	}
	p.Tables = []console.ReportTable{t.view(l, s.exportURL(r, rq, "csat", extra...))}
	return s.renderReports(w, r, rq, p)
}

func (s *Server) reportsSLA(w http.ResponseWriter, r *http.Request) error {
	rq := s.parseReportQuery(r)
	p, _, err := s.reportsFrame(r, rq, "sla", nil)
	if err != nil {
		return err
	}
	l := p.Frame.Chrome.L
	rows, breached, err := s.svc.ReportSLA(r.Context(), agent(r).Actor(), rq.f)
	if err != nil {
		return err
	}
	t := s.slaTable(r, l, rq, rows)
	b := s.ticketsTable(r, l, rq.f.Loc(), "sla-breached", l.T("reports.sla.breached"), breached)
	p.Tables = []console.ReportTable{t.view(l, s.exportURL(r, rq, "sla")), b.view(l, s.exportURL(r, rq, "sla-breached"))}
	return s.renderReports(w, r, rq, p)
}

func (s *Server) reportsTickets(w http.ResponseWriter, r *http.Request) error {
	rq := s.parseReportQuery(r)
	setParam := r.URL.Query().Get("set")
	set, metric, err := helpdesk.ParseTicketSet(setParam)
	if err != nil {
		return err // a forged parameter: 422
	}
	p, _, err := s.reportsFrame(r, rq, "", map[string]string{"set": setParam})
	if err != nil {
		return err
	}
	l := p.Frame.Chrome.L
	rows, err := s.svc.ReportTickets(r.Context(), agent(r).Actor(), rq.f, set, metric)
	if err != nil {
		return err
	}
	caption := l.T(msgKey("reports.set.", string(set)))
	if metric != "" {
		caption += " · " + l.T(msgKey("sla.metric.", string(metric)))
	}
	p.Heading = caption
	t := s.ticketsTable(r, l, rq.f.Loc(), "tickets", l.T("reports.tickets.caption", len(rows)), rows)
	p.Tables = []console.ReportTable{t.view(l, s.exportURL(r, rq, "tickets", "set", setParam))}
	return s.renderReports(w, r, rq, p)
}
