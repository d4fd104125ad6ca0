package server

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// CSV exports: UTF-8 with a byte-order mark (spreadsheet programs then read
// accents right), local times of the desk, durations in seconds, and every
// cell that a spreadsheet would run as a formula neutralised.

// csvSafe neutralises formula injection: a cell that starts with = + - @,
// a tab or a carriage return gets a leading apostrophe, which spreadsheet
// programs show as text. Plain negative numbers never occur in our exports
// (counts, seconds and shares are never negative).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvWriter writes the BOM and then safe records.
type csvWriter struct{ w *csv.Writer }

func newCSV(w http.ResponseWriter, name string) (*csvWriter, error) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	return &csvWriter{w: csv.NewWriter(w)}, nil
}

func (c *csvWriter) write(rec []string) error {
	for i := range rec {
		rec[i] = csvSafe(rec[i])
	}
	return c.w.Write(rec)
}

func (c *csvWriter) flush() error {
	c.w.Flush()
	return c.w.Error()
}

// writeTable writes a report table: its head, then its raw values.
func writeTable(w http.ResponseWriter, t reportTable, name string) error {
	c, err := newCSV(w, name)
	if err != nil {
		return err
	}
	if err := c.write(append([]string(nil), t.head...)); err != nil {
		return err
	}
	for _, row := range t.rows {
		rec := make([]string, len(row))
		for i, cell := range row {
			rec[i] = cell.raw
		}
		if err := c.write(rec); err != nil {
			return err
		}
	}
	return c.flush()
}

// reportsExport serves /reports/export/{table}.csv: a report table (the
// same builder as its page) or the per-ticket metric rows, streamed.
func (s *Server) reportsExport(w http.ResponseWriter, r *http.Request) error {
	name, ok := strings.CutSuffix(chi.URLParam(r, "table"), ".csv")
	if !ok {
		return fmt.Errorf("server: export %q: %w", name, helpdesk.ErrNotFound)
	}
	rq := s.parseReportQuery(r)
	if len(rq.errs) > 0 {
		return &helpdesk.ValidationError{Fields: rq.errs}
	}
	l, by := s.lang(r), agent(r).Actor()
	file := "atiende-" + name + "-" + rq.values().Get("from") + "-" + rq.values().Get("to") + ".csv"
	if name == "metrics" {
		return s.exportMetrics(w, r, l, rq, file)
	}
	var t reportTable
	switch dimName, isDim := strings.CutPrefix(name, "breakdown-"); {
	case name == "volume" || name == "summary":
		ov, err := s.svc.ReportOverview(r.Context(), by, rq.f)
		if err != nil {
			return err
		}
		t = s.volumeTable(r, l, rq, ov.Series)
		if name == "summary" {
			t = s.summaryTable(l, ov.Current, ov.Previous)
		}
	case isDim:
		dim, err := helpdesk.ParseDimension(dimName)
		if err != nil {
			return fmt.Errorf("server: export %q: %w", name, helpdesk.ErrNotFound)
		}
		rows, err := s.svc.ReportBreakdown(r.Context(), by, rq.f, dim)
		if err != nil {
			return err
		}
		t = s.breakdownTable(r, l, rq, dim, rows)
	case name == "arrivals":
		a, err := s.svc.ReportArrivals(r.Context(), by, rq.f)
		if err != nil {
			return err
		}
		t = arrivalsTable(l, a)
	case name == "csat":
		rows, err := s.svc.ReportRatings(r.Context(), by, rq.f)
		if err != nil {
			return err
		}
		t = s.ratingsTable(r, l, rq.f.Loc(), rows)
	case name == "sla" || name == "sla-breached":
		rows, breached, err := s.svc.ReportSLA(r.Context(), by, rq.f)
		if err != nil {
			return err
		}
		t = s.slaTable(r, l, rq, rows)
		if name == "sla-breached" {
			t = s.ticketsTable(r, l, rq.f.Loc(), name, "", breached)
		}
	case name == "tickets":
		set, metric, err := helpdesk.ParseTicketSet(r.URL.Query().Get("set"))
		if err != nil {
			return err
		}
		rows, err := s.svc.ReportTickets(r.Context(), by, rq.f, set, metric)
		if err != nil {
			return err
		}
		t = s.ticketsTable(r, l, rq.f.Loc(), name, "", rows)
	default:
		return fmt.Errorf("server: export %q: %w", name, helpdesk.ErrNotFound)
	}
	return writeTable(w, t, file)
}

// metricHead is the header of the per-ticket export; docs/metrics.md
// defines each column.
var metricHead = []string{"ticket", "subject", "created_at", "status", "channel", "priority", "category", "group",
	"assignee", "organisation", "first_reply_at", "first_reply_s", "first_reply_bs", "replies", "mean_reply_s",
	"mean_reply_bs", "solved_at", "resolution_s", "resolution_bs", "requester_wait_s", "requester_wait_bs",
	"touches", "public_replies", "reopens", "escalations", "fcr", "sla_first_reply", "sla_next_reply",
	"sla_resolution", "csat"}

// exportMetrics streams the metric rows: each row is written as the
// database returns it, and nothing but the current row is held.
func (s *Server) exportMetrics(w http.ResponseWriter, r *http.Request, l i18n.Lang, rq reportQuery, file string) error {
	loc := rq.f.Loc()
	var c *csvWriter
	err := s.svc.ExportTicketMetrics(r.Context(), agent(r).Actor(), rq.f, func(m helpdesk.MetricExportRow) error {
		if c == nil {
			var err error
			if c, err = newCSV(w, file); err != nil {
				return err
			}
			if err := c.write(append([]string(nil), metricHead...)); err != nil {
				return err
			}
		}
		return c.write(metricRecord(l, loc, m))
	})
	if err != nil {
		if c != nil {
			// Headers are gone: the download ends short, and the log says why.
			s.log.ErrorContext(r.Context(), "metrics export failed", "err", err)
			return nil
		}
		return err
	}
	if c == nil { // no rows: still a file with its header
		if c, err = newCSV(w, file); err != nil {
			return err
		}
		if err := c.write(append([]string(nil), metricHead...)); err != nil {
			return err
		}
	}
	return c.flush()
}

func metricRecord(l i18n.Lang, loc *time.Location, m helpdesk.MetricExportRow) []string {
	d := func(x *helpdesk.Durations) (string, string) {
		if x == nil {
			return "", ""
		}
		return rawSecs(x.Calendar), rawSecs(x.Business)
	}
	fr, frb := d(m.FirstReply)
	mr, mrb := d(m.MeanReply())
	res, resb := d(m.Resolution)
	wt, wtb := d(m.RequesterWait)
	fcr := ""
	if m.FCR != nil {
		fcr = strconv.FormatBool(*m.FCR)
	}
	csat := ""
	if m.CSAT > 0 {
		csat = strconv.Itoa(m.CSAT)
	}
	return []string{strconv.FormatInt(int64(m.Number), 10), m.Subject, csvTime(loc, m.CreatedAt),
		statusLabel(l, m.Status), channelLabel(l, m.Channel), priorityLabel(l, m.Priority), m.Category, m.Group,
		m.Assignee, m.Organisation, csvTime(loc, m.FirstReplyAt), fr, frb, strconv.Itoa(len(m.Replies)), mr, mrb,
		csvTime(loc, m.SolvedAt), res, resb, wt, wtb, strconv.Itoa(m.Touches), strconv.Itoa(m.PublicReplies),
		strconv.Itoa(m.Reopens), strconv.Itoa(m.Escalations), fcr, string(m.SLA[helpdesk.MetricFirstReply]),
		string(m.SLA[helpdesk.MetricNextReply]), string(m.SLA[helpdesk.MetricResolution]), csat}
}
