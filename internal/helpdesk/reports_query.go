package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// None in a report filter's id fields selects the tickets with no value
// (no group, unassigned, no category, no organisation); 0 selects any.
const None = -1

// ReportFilter selects the tickets a report covers: a period [From, To)
// and optional dimensions. Day buckets are local days in Location, the
// desk's time zone.
type ReportFilter struct {
	From, To     time.Time
	Location     *time.Location
	Group        GroupID
	Agent        UserID
	Category     CategoryID
	Organisation OrganisationID
	Channel      Channel  // "" any
	Priority     Priority // "" any
	Rating       int      // CSAT list only: 1–5, 0 any
}

// Loc returns the filter's time zone (UTC when unset).
func (f ReportFilter) Loc() *time.Location {
	if f.Location == nil {
		return time.UTC
	}
	return f.Location
}

// Previous is the same filter over the period of equal length just before.
func (f ReportFilter) Previous() ReportFilter {
	p := f
	p.From, p.To = f.From.Add(-f.To.Sub(f.From)), f.From
	return p
}

// Period presets of the reports' date filter.
const (
	PeriodToday     = "today"
	Period7Days     = "7d"
	Period30Days    = "30d"
	PeriodThisMonth = "month"
	PeriodCustom    = "custom"
)

// PeriodPresets lists the presets in the order the filter offers them.
func PeriodPresets() []string {
	return []string{PeriodToday, Period7Days, Period30Days, PeriodThisMonth, PeriodCustom}
}

// MaxReportDays bounds a custom period.
const MaxReportDays = 731

// ResolvePeriod turns a preset (or custom local dates "2006-01-02", both
// inclusive) into [from, to) instants at local midnights in loc, as of now.
// A bad custom range is a ValidationError on "from" or "to".
func ResolvePeriod(preset, from, to string, loc *time.Location, now time.Time) (time.Time, time.Time, error) {
	l := now.In(loc)
	today := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	tomorrow := today.AddDate(0, 0, 1)
	switch preset {
	case PeriodToday:
		return today, tomorrow, nil
	case Period7Days:
		return today.AddDate(0, 0, -6), tomorrow, nil
	case PeriodThisMonth:
		return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc), tomorrow, nil
	case PeriodCustom:
		var v ValidationError
		a, err1 := time.ParseInLocation("2006-01-02", from, loc)
		b, err2 := time.ParseInLocation("2006-01-02", to, loc)
		if err1 != nil {
			v.Add("from", "reports.error.date")
		}
		if err2 != nil {
			v.Add("to", "reports.error.date")
		}
		if err1 == nil && err2 == nil && (b.Before(a) || b.Sub(a) > MaxReportDays*24*time.Hour) {
			v.Add("to", "reports.error.range")
		}
		if err := v.Err(); err != nil {
			return time.Time{}, time.Time{}, err
		}
		return a, b.AddDate(0, 0, 1), nil
	}
	return today.AddDate(0, 0, -29), tomorrow, nil
}

// Stat is a distribution of durations: how many, median and 90th
// percentile, each in calendar and business time.
type Stat struct {
	N      int
	Median Durations
	P90    Durations
}

// SLACount counts one target's outcomes.
type SLACount struct{ Achieved, Breached, Active int }

// Rate is Achieved over the decided outcomes, or -1 without any.
func (c SLACount) Rate() float64 {
	if c.Achieved+c.Breached == 0 {
		return -1
	}
	return float64(c.Achieved) / float64(c.Achieved+c.Breached)
}

// ReportSummary is the overview's figures over one period (docs/metrics.md
// says which tickets each one covers).
type ReportSummary struct {
	Created, Solved, Backlog int
	FirstReply, Reply        Stat
	Resolution, Wait         Stat
	FCR                      int // solved in one touch (of Solved)
	Reopened, Reopens        int // solved tickets reopened at least once; their reopens
	Escalated                int // created tickets escalated at least once
	Touches                  float64
	SLA                      map[SLAMetric]SLACount // over created tickets
	Rated, CSATSum           int                    // solved tickets rated; sum of their ratings
}

// Share returns n over d, or -1 when d is zero.
func Share(n, d int) float64 {
	if d == 0 {
		return -1
	}
	return float64(n) / float64(d)
}

// CSAT is the average rating, or -1 without ratings.
func (s ReportSummary) CSAT() float64 {
	if s.Rated == 0 {
		return -1
	}
	return float64(s.CSATSum) / float64(s.Rated)
}

// DayPoint is one local day of the volume chart.
type DayPoint struct {
	Day             time.Time // local midnight
	Created, Solved int
	Backlog         int // unsolved at the end of the day
}

// Dimension is what a breakdown groups by.
type Dimension string

// The breakdown dimensions.
const (
	ByGroup        Dimension = "group"
	ByAgent        Dimension = "agent"
	ByCategory     Dimension = "category"
	ByChannel      Dimension = "channel"
	ByPriority     Dimension = "priority"
	ByOrganisation Dimension = "organisation"
)

// Dimensions lists the breakdowns in display order.
func Dimensions() []Dimension {
	return []Dimension{ByGroup, ByAgent, ByCategory, ByChannel, ByPriority, ByOrganisation}
}

// ParseDimension reads a breakdown's name.
func ParseDimension(s string) (Dimension, error) {
	for _, d := range Dimensions() {
		if string(d) == s {
			return d, nil
		}
	}
	return "", invalid("by", "error.invalid")
}

// BreakdownRow is one value of a dimension: its key (an id, None for
// "none", or a channel or priority name) and its figures.
type BreakdownRow struct {
	ID         int64
	Key        string // channel or priority; "" for id dimensions
	Name       string
	Created    int
	Solved     int
	FirstReply Stat
	Resolution Stat
	FCR        int
	Reopened   int
	Breached   int // created tickets with a breached target
	Rated      int
	CSATSum    int
}

// Arrivals counts created tickets by local weekday (time.Weekday) and hour.
type Arrivals [7][24]int

// RatingRow is one rating in the CSAT list.
type RatingRow struct {
	Number    TicketNumber
	Subject   string
	Score     int
	Comment   string
	RatedBy   string
	Assignee  string
	SolvedAt  time.Time
	UpdatedAt time.Time
}

// SLARow is one policy's outcomes of one target over the created tickets.
type SLARow struct {
	Policy     SLAPolicyID
	PolicyName string // "" when the policy was deleted
	Metric     SLAMetric
	SLACount
}

// TicketSet names the tickets behind a number of the reports.
type TicketSet string

// The drill-down sets.
const (
	SetCreated    TicketSet = "created"
	SetSolved     TicketSet = "solved"
	SetBacklog    TicketSet = "backlog"
	SetFirstReply TicketSet = "first_reply"
	SetFCR        TicketSet = "fcr"
	SetReopened   TicketSet = "reopened"
	SetEscalated  TicketSet = "escalated"
	SetRated      TicketSet = "rated"
	SetBreached   TicketSet = "breached" // any target; with a metric suffix ":first_reply" one
	SetAchieved   TicketSet = "achieved" // with a metric suffix
)

// ParseTicketSet reads a drill-down set: a name, or "breached:<metric>" /
// "achieved:<metric>".
func ParseTicketSet(s string) (TicketSet, SLAMetric, error) {
	name, metric, hasMetric := cut(s, ':')
	switch set := TicketSet(name); set {
	case SetCreated, SetSolved, SetBacklog, SetFirstReply, SetFCR, SetReopened, SetEscalated, SetRated:
		if !hasMetric {
			return set, "", nil
		}
	case SetBreached, SetAchieved:
		if !hasMetric {
			if set == SetBreached {
				return set, "", nil
			}
			break
		}
		m, err := ParseSLAMetric(metric)
		if err == nil {
			return set, m, nil
		}
	}
	return "", "", invalid("set", "error.invalid")
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// ReportTicket is one ticket of a drill-down list.
type ReportTicket struct {
	Number    TicketNumber
	Subject   string
	Status    Status
	Priority  Priority
	CreatedAt time.Time
	SolvedAt  time.Time
	Assignee  string
}

// MetricExportRow is a metric row as the CSV export writes it, with the
// display names of its dimensions.
type MetricExportRow struct {
	TicketMetrics
	Subject, Group, Assignee, Category, Organisation string
}

// ReportScope says how much of the desk a reader sees.
type ReportScope struct {
	All bool   // admins and group leads
	Own UserID // an agent: only the tickets assigned to them
}

// ReportScopeOf returns what by may read in the reports: everything for
// admins and group leads, their own tickets for other agents; customers
// and everyone else get ErrNotFound.
func (s *Service) ReportScopeOf(ctx context.Context, by Actor) (ReportScope, error) {
	if !by.IsStaff() {
		return ReportScope{}, fmt.Errorf("helpdesk: reports: %w", ErrNotFound)
	}
	if by.IsAdmin() {
		return ReportScope{All: true}, nil
	}
	lead, err := s.store.IsGroupLead(ctx, by.Tenant, by.User)
	if err != nil {
		return ReportScope{}, fmt.Errorf("helpdesk: reports: %w", err)
	}
	if lead {
		return ReportScope{All: true}, nil
	}
	return ReportScope{Own: by.User}, nil
}

// scoped checks by's access and narrows f to what by may read: an agent's
// filter always selects their own tickets, whatever agent was asked for.
func (s *Service) scoped(ctx context.Context, by Actor, f ReportFilter) (ReportFilter, error) {
	sc, err := s.ReportScopeOf(ctx, by)
	if err != nil {
		return f, err
	}
	if !sc.All {
		f.Agent = sc.Own
	}
	if !f.To.After(f.From) {
		return f, invalid("to", "reports.error.range")
	}
	return f, nil
}
