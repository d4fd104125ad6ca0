package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The reports an integration reads (a BI tool's nightly pull): the
// overview page's figures, from the same report reads and with the same
// scope as the acting staff member has on the page.

func (s *Server) apiReportRoutes(r chi.Router) {
	r.Get("/reports/overview", s.api(helpdesk.ScopeReportsRead, s.apiReportOverview))
}

// apiStat is a duration statistic in seconds, calendar and business time.
type apiStat struct {
	N                  int     `json:"n"`
	MedianSeconds      float64 `json:"median_seconds"`
	P90Seconds         float64 `json:"p90_seconds"`
	MedianBusinessSecs float64 `json:"median_business_seconds"`
	P90BusinessSecs    float64 `json:"p90_business_seconds"`
}

type apiSLACount struct {
	Achieved int `json:"achieved"`
	Breached int `json:"breached"`
	Active   int `json:"active"`
}

type apiReportSummary struct {
	Created    int                    `json:"created"`
	Solved     int                    `json:"solved"`
	Backlog    int                    `json:"backlog"`
	FirstReply apiStat                `json:"first_reply"`
	Reply      apiStat                `json:"reply"`
	Resolution apiStat                `json:"resolution"`
	Wait       apiStat                `json:"wait"`
	FCR        int                    `json:"one_touch"`
	Reopened   int                    `json:"reopened"`
	Reopens    int                    `json:"reopens"`
	Escalated  int                    `json:"escalated"`
	Touches    float64                `json:"touches"`
	SLA        map[string]apiSLACount `json:"sla"`
	Rated      int                    `json:"rated"`
	CSAT       *float64               `json:"csat"` // null without ratings
}

type apiDayPoint struct {
	Day     string `json:"day"` // local date
	Created int    `json:"created"`
	Solved  int    `json:"solved"`
	Backlog int    `json:"backlog"`
}

type apiOverview struct {
	From     time.Time        `json:"from"`
	To       time.Time        `json:"to"` // exclusive
	TimeZone string           `json:"time_zone"`
	Current  apiReportSummary `json:"current"`
	Previous apiReportSummary `json:"previous"`
	Series   []apiDayPoint    `json:"series"`
}

func toAPIStat(st helpdesk.Stat) apiStat {
	return apiStat{N: st.N, MedianSeconds: st.Median.Calendar.Seconds(), P90Seconds: st.P90.Calendar.Seconds(),
		MedianBusinessSecs: st.Median.Business.Seconds(), P90BusinessSecs: st.P90.Business.Seconds()}
}

func toAPIReportSummary(sum helpdesk.ReportSummary) apiReportSummary {
	out := apiReportSummary{Created: sum.Created, Solved: sum.Solved, Backlog: sum.Backlog,
		FirstReply: toAPIStat(sum.FirstReply), Reply: toAPIStat(sum.Reply), Resolution: toAPIStat(sum.Resolution),
		Wait: toAPIStat(sum.Wait), FCR: sum.FCR, Reopened: sum.Reopened, Reopens: sum.Reopens,
		Escalated: sum.Escalated, Touches: sum.Touches, SLA: map[string]apiSLACount{}, Rated: sum.Rated}
	for m, c := range sum.SLA {
		out.SLA[string(m)] = apiSLACount{Achieved: c.Achieved, Breached: c.Breached, Active: c.Active}
	}
	if avg := sum.CSAT(); avg >= 0 {
		out.CSAT = &avg
	}
	return out
}

// apiReportOverview answers the overview of from..to (local dates of the
// desk, both included; default the last 30 days), filtered by group,
// category, channel and priority as the page's filter is.
func (s *Server) apiReportOverview(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	q := r.URL.Query()
	loc := tenantLocation(c.tenant)
	period := helpdesk.Period30Days
	if q.Get("from") != "" || q.Get("to") != "" {
		period = helpdesk.PeriodCustom
	}
	from, to, err := helpdesk.ResolvePeriod(period, q.Get("from"), q.Get("to"), loc, s.now())
	if err != nil {
		return err
	}
	f := helpdesk.ReportFilter{From: from, To: to, Location: loc}
	var v helpdesk.ValidationError
	for name, dst := range map[string]*int64{"group": (*int64)(&f.Group), "category": (*int64)(&f.Category)} {
		if raw := q.Get(name); raw != "" {
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || n <= 0 {
				v.Add(name, "error.invalid")
			}
			*dst = n
		}
	}
	if raw := q.Get("channel"); raw != "" {
		if f.Channel, err = helpdesk.ParseChannel(raw); err != nil {
			v.Add("channel", "error.invalid")
		}
	}
	if raw := q.Get("priority"); raw != "" {
		if f.Priority, err = helpdesk.ParsePriority(raw); err != nil {
			v.Add("priority", "error.invalid")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	ov, err := s.svc.ReportOverview(r.Context(), c.by, f)
	if err != nil {
		return err
	}
	out := apiOverview{From: from.UTC(), To: to.UTC(), TimeZone: loc.String(), Current: toAPIReportSummary(ov.Current),
		Previous: toAPIReportSummary(ov.Previous), Series: []apiDayPoint{}}
	for _, p := range ov.Series {
		out.Series = append(out.Series, apiDayPoint{Day: p.Day.In(loc).Format("2006-01-02"),
			Created: p.Created, Solved: p.Solved, Backlog: p.Backlog})
	}
	return apiJSON(w, http.StatusOK, out)
}
