package helpdesk

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// SLAPolicyID identifies an SLA policy inside a tenant.
type SLAPolicyID int64

// SLAMetric is one of the three SLA clocks of a ticket.
type SLAMetric string

// The metrics (see docs/sla.md).
const (
	MetricFirstReply SLAMetric = "first_reply" // creation → first public agent reply
	MetricNextReply  SLAMetric = "next_reply"  // a requester message → the next public agent reply
	MetricResolution SLAMetric = "resolution"  // creation → Resuelto, paused while waiting
)

// SLAMetrics lists the metrics in display order.
func SLAMetrics() []SLAMetric {
	return []SLAMetric{MetricFirstReply, MetricNextReply, MetricResolution}
}

// ParseSLAMetric turns a stored value into a metric.
func ParseSLAMetric(s string) (SLAMetric, error) {
	if m := SLAMetric(s); slices.Contains(SLAMetrics(), m) {
		return m, nil
	}
	return "", fmt.Errorf("helpdesk: unknown SLA metric %q", s)
}

func (m SLAMetric) String() string { return string(m) }

// SLATargets are a priority's targets in minutes; zero means none.
type SLATargets struct {
	FirstReply, NextReply, Resolution int
}

// Of returns the target of metric m.
func (t SLATargets) Of(m SLAMetric) int {
	switch m {
	case MetricFirstReply:
		return t.FirstReply
	case MetricNextReply:
		return t.NextReply
	case MetricResolution:
		return t.Resolution
	}
	return 0
}

// MaxSLATargetMinutes bounds a target: a year of minutes.
const MaxSLATargetMinutes = 525600

// EscalationLevel is one rung of a policy's ladder: when a clock (of Metric,
// or any when empty) has used Percent of its target (100 = the breach), it
// fires its actions once.
type EscalationLevel struct {
	Level          int // 1, 2, … in the policy
	Metric         SLAMetric
	Percent        int
	NotifyAssignee bool
	NotifyLeads    bool // the leads of the ticket's group
	NotifyAdmins   bool
	RaisePriority  bool   // one step up, up to urgent
	AssignTo       UserID // reassign to this agent; zero leaves it
	NextTier       bool   // move to the group of the next tier
}

// Applies reports whether the level watches metric m.
func (l EscalationLevel) Applies(m SLAMetric) bool { return l.Metric == "" || l.Metric == m }

// SLAPolicy matches tickets by its conditions (each empty list matching
// anything) and sets per-priority targets, counted in business hours of
// Calendar (zero: calendar hours). The tenant's policies form an ordered
// list and the first that matches applies.
type SLAPolicy struct {
	ID            SLAPolicyID
	Name          string
	Position      int
	Priorities    []Priority
	Categories    []CategoryID
	Channels      []Channel
	Organisations []OrganisationID
	Groups        []GroupID
	Targets       map[Priority]SLATargets
	Calendar      CalendarID // zero counts calendar hours
	// PauseOnHold pauses the resolution clock in En espera as well as in
	// Pendiente.
	PauseOnHold bool
	Escalations []EscalationLevel
}

// Matches reports whether the policy's conditions hold for t.
func (p *SLAPolicy) Matches(t *Ticket) bool {
	return anyOr(p.Priorities, t.Priority) && anyOr(p.Categories, t.Category) &&
		anyOr(p.Channels, t.Channel) && anyOr(p.Organisations, t.Organisation) && anyOr(p.Groups, t.Group)
}

func anyOr[T comparable](set []T, v T) bool { return len(set) == 0 || slices.Contains(set, v) }

// Target is the policy's target for metric m at priority pr, zero for none.
func (p *SLAPolicy) Target(pr Priority, m SLAMetric) time.Duration {
	return time.Duration(p.Targets[pr].Of(m)) * time.Minute
}

// MatchPolicy returns the first of the ordered policies that matches t.
func MatchPolicy(policies []SLAPolicy, t *Ticket) (*SLAPolicy, bool) {
	for i := range policies {
		if policies[i].Matches(t) {
			return &policies[i], true
		}
	}
	return nil, false
}

// SLASetup is a tenant's SLA configuration as the clocks need it: the
// ordered policies and the calendars they name, prepared.
type SLASetup struct {
	Policies  []SLAPolicy
	Calendars map[CalendarID]*Calendar
	// SoonWindow is the tenant's "Por vencer" horizon.
	SoonWindow time.Duration
}

// Calendar returns the calendar policy p counts in.
func (s *SLASetup) Calendar(p *SLAPolicy) *Calendar {
	if p != nil && p.Calendar != 0 {
		if c, ok := s.Calendars[p.Calendar]; ok {
			return c
		}
	}
	c := CalendarHours()
	return &c
}

// DefaultSoonWindow is how close a deadline must be for "Por vencer".
const DefaultSoonWindow = time.Hour

// SLAPolicyInput is a policy as submitted on the admin form.
type SLAPolicyInput struct {
	Name          string
	Priorities    []string
	Categories    []CategoryID
	Channels      []string
	Organisations []OrganisationID
	Groups        []GroupID
	// Targets in minutes per priority ("" or 0: none).
	Targets     map[Priority]SLATargets
	Calendar    CalendarID
	PauseOnHold bool
	Escalations []EscalationLevel
}

// policy checks in and builds the policy; referenced rows are checked by
// the service against the tenant's.
func (in SLAPolicyInput) policy() (SLAPolicy, error) {
	var v ValidationError
	p := SLAPolicy{Name: CleanLine(in.Name), Categories: in.Categories, Organisations: in.Organisations,
		Groups: in.Groups, Calendar: in.Calendar, PauseOnHold: in.PauseOnHold, Targets: map[Priority]SLATargets{}}
	checkName(&v, "name", p.Name)
	for _, s := range in.Priorities {
		pr, err := ParsePriority(s)
		if err != nil {
			v.Add("priorities", "error.invalid")
			continue
		}
		p.Priorities = append(p.Priorities, pr)
	}
	for _, s := range in.Channels {
		ch := Channel(s)
		if !ch.Valid() {
			v.Add("channels", "error.invalid")
			continue
		}
		p.Channels = append(p.Channels, ch)
	}
	hasTarget := false
	for pr, t := range in.Targets {
		if !pr.Valid() {
			v.Add("targets", "error.invalid")
			continue
		}
		for _, m := range SLAMetrics() {
			if n := t.Of(m); n < 0 || n > MaxSLATargetMinutes {
				v.Add("target_"+string(pr)+"_"+string(m), "sla.error.target")
			} else if n > 0 {
				hasTarget = true
			}
		}
		if t != (SLATargets{}) {
			p.Targets[pr] = t
		}
	}
	if !hasTarget {
		v.Add("targets", "sla.error.no_targets")
	}
	seen := map[[2]any]bool{}
	for i, l := range in.Escalations {
		l.Level = i + 1
		field := fmt.Sprintf("escalation_%d", l.Level)
		if l.Metric != "" {
			if _, err := ParseSLAMetric(string(l.Metric)); err != nil {
				v.Add(field, "error.invalid")
			}
		}
		if l.Percent < 1 || l.Percent > 100 {
			v.Add(field, "sla.error.percent")
		}
		if !l.NotifyAssignee && !l.NotifyLeads && !l.NotifyAdmins && !l.RaisePriority && l.AssignTo == 0 && !l.NextTier {
			v.Add(field, "sla.error.no_action")
		}
		key := [2]any{l.Metric, l.Percent}
		if seen[key] {
			v.Add(field, "sla.error.duplicate_level")
		}
		seen[key] = true
		p.Escalations = append(p.Escalations, l)
	}
	if len(p.Escalations) > 20 {
		v.Add("escalations", "error.too_long")
	}
	return p, v.Err()
}

// CalendarInput is a calendar as submitted: each weekday's hours as typed
// ("09:00-14:00, 15:00-18:00"), Sunday first, and holidays one per line.
type CalendarInput struct {
	Name     string
	TimeZone string
	Hours    [7]string
	Holidays []string
}

func (in CalendarInput) calendar() (Calendar, error) {
	var v ValidationError
	var week [7][]Interval
	for d, s := range in.Hours {
		iv, err := ParseIntervals(s)
		if err != nil {
			v.Add(fmt.Sprintf("day%d", d), "sla.error.interval")
		}
		week[d] = iv
	}
	var holidays []Holiday
	for _, s := range in.Holidays {
		if CleanLine(s) == "" {
			continue
		}
		h, err := ParseHoliday(CleanLine(s))
		if err != nil {
			v.Add("holidays", "sla.error.holiday")
			continue
		}
		holidays = append(holidays, h)
	}
	c, err := NewCalendar(in.Name, in.TimeZone, week, holidays)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			for f, k := range ve.Fields {
				v.Add(f, k)
			}
		}
	}
	return c, v.Err()
}

// SLAView selects tickets by their next SLA deadline, for the console's
// "Por vencer" and "Vencidos" views. Both are unsolved tickets only in
// practice: solved and closed tickets have no running clock.
type SLAView string

// The SLA views.
const (
	SLAViewNone SLAView = ""
	// SLADueSoon: the next deadline is after now and within the tenant's
	// window (one hour unless the tenant chose another).
	SLADueSoon SLAView = "due_soon"
	// SLAOverdue: a running clock is past its deadline.
	SLAOverdue SLAView = "overdue"
)

func (v SLAView) valid() bool { return v == SLAViewNone || v == SLADueSoon || v == SLAOverdue }
