package helpdesk

import (
	"sort"
	"time"
)

// ClockEventKind is what happened to an SLA clock.
type ClockEventKind string

// Clock event kinds. activate starts a cycle (the resolution and first
// reply clocks have one; next reply starts one per unanswered requester
// message); apply records the policy that applies from then on.
const (
	ClockActivate ClockEventKind = "activate"
	ClockPause    ClockEventKind = "pause"
	ClockResume   ClockEventKind = "resume"
	ClockFulfil   ClockEventKind = "fulfil"
	ClockStop     ClockEventKind = "stop" // ended without being met or missed: solved before a reply, closed
	ClockBreach   ClockEventKind = "breach"
	ClockEscalate ClockEventKind = "escalate"
	ClockApply    ClockEventKind = "apply"
)

// ClockEvent is one append-only record of a clock.
type ClockEvent struct {
	Ticket TicketID
	Metric SLAMetric
	Kind   ClockEventKind
	At     time.Time
	Cycle  int
	Policy SLAPolicyID
	Level  int // ClockEscalate only
}

// ClockState is the derived state of a clock.
type ClockState string

// Clock states.
const (
	ClockRunning   ClockState = "running"
	ClockPaused    ClockState = "paused"
	ClockFulfilled ClockState = "fulfilled"
	ClockStopped   ClockState = "stopped"
)

// Interval of time; To is zero while open.
type TimeSpan struct{ From, To time.Time }

// Clock is a metric's clock as derived from its events, the policy that
// applies now and its calendar.
type Clock struct {
	Metric    SLAMetric
	State     ClockState
	Cycle     int
	Policy    SLAPolicyID // zero when no policy matches
	Target    time.Duration
	StartedAt time.Time
	EndedAt   time.Time // fulfilled or stopped
	// Consumed is the counted (business or calendar) time used so far.
	Consumed time.Duration
	// DueAt is when the target is (or was) reached while the clock runs as
	// it does; zero without target or while paused or ended.
	DueAt time.Time
	// ReachedAt is when the counted time reached the target, if it did
	// before now or the clock's end: the breach instant.
	ReachedAt time.Time
	// BreachedAt is the recorded breach of this cycle, zero if none.
	BreachedAt time.Time
	Paused     []TimeSpan
	// Fired lists the ladder levels already fired in this cycle.
	Fired map[int]bool
	// NextCheckAt is when the scan must look again: the next unfired
	// level's instant or the breach; zero when nothing is pending.
	NextCheckAt time.Time
}

// Breached reports whether this cycle missed its target, recorded or not.
func (c *Clock) Breached() bool { return !c.BreachedAt.IsZero() || !c.ReachedAt.IsZero() }

// clockState folds a metric's events up to the current cycle: its state,
// cycle and running segments.
type clockFold struct {
	state    ClockState
	cycle    int
	started  time.Time
	ended    time.Time
	segments []TimeSpan // running; the last may be open
	paused   []TimeSpan
	breach   time.Time
	fired    map[int]bool
	policy   SLAPolicyID
}

func fold(evs []ClockEvent) clockFold {
	var f clockFold
	for _, e := range evs {
		if e.Kind == ClockActivate && e.Cycle > f.cycle {
			f = clockFold{cycle: e.Cycle, fired: map[int]bool{}, policy: f.policy}
		}
		if e.Cycle != f.cycle && e.Kind != ClockApply {
			continue
		}
		switch e.Kind {
		case ClockActivate:
			f.state, f.started = ClockRunning, e.At
			f.segments = append(f.segments, TimeSpan{From: e.At})
		case ClockPause:
			if f.state == ClockRunning {
				f.close(e.At)
				f.state = ClockPaused
				f.paused = append(f.paused, TimeSpan{From: e.At})
			}
		case ClockResume:
			if f.state == ClockPaused {
				f.paused[len(f.paused)-1].To = e.At
			}
			if f.state == ClockPaused || f.state == ClockFulfilled {
				f.state, f.ended = ClockRunning, time.Time{}
				f.segments = append(f.segments, TimeSpan{From: e.At})
			}
		case ClockFulfil, ClockStop:
			if f.state == ClockRunning || f.state == ClockPaused {
				f.close(e.At)
				if f.state == ClockPaused {
					f.paused[len(f.paused)-1].To = e.At
				}
				f.state, f.ended = ClockFulfilled, e.At
				if e.Kind == ClockStop {
					f.state = ClockStopped
				}
			}
		case ClockBreach:
			f.breach = e.At
		case ClockEscalate:
			f.fired[e.Level] = true
		case ClockApply:
			f.policy = e.Policy
		}
	}
	return f
}

func (f *clockFold) close(at time.Time) {
	if n := len(f.segments); n > 0 && f.segments[n-1].To.IsZero() {
		f.segments[n-1].To = at
	}
}

// reach returns the instant at which the running segments had counted
// limit, and whether it was before now; or, if the last segment is still
// open, the instant it will be reached.
func reach(segs []TimeSpan, cal *Calendar, limit time.Duration, now time.Time) (at time.Time, used time.Duration) {
	var sum time.Duration
	for _, s := range segs {
		to := s.To
		if to.IsZero() || to.After(now) {
			to = now
		}
		d := cal.BusinessBetween(s.From, to)
		if limit > 0 && at.IsZero() && sum+d >= limit {
			at = cal.AddBusiness(s.From, limit-sum)
		}
		sum += d
	}
	if limit > 0 && at.IsZero() && len(segs) > 0 && segs[len(segs)-1].To.IsZero() {
		last := segs[len(segs)-1]
		from := last.From
		if now.After(from) {
			from = now
		}
		at = cal.AddBusiness(from, limit-sum)
	}
	return at, sum
}

// DeriveClock computes a clock from its events (in order), the policy that
// applies now (nil: none) at priority pr and that policy's calendar.
func DeriveClock(m SLAMetric, evs []ClockEvent, p *SLAPolicy, pr Priority, cal *Calendar, now time.Time) Clock {
	f := fold(evs)
	c := Clock{Metric: m, State: f.state, Cycle: f.cycle, StartedAt: f.started, EndedAt: f.ended,
		Paused: f.paused, BreachedAt: f.breach, Fired: f.fired}
	if f.cycle == 0 {
		return c
	}
	if p != nil {
		c.Policy, c.Target = p.ID, p.Target(pr, m)
	}
	at, used := reach(f.segments, cal, c.Target, now)
	c.Consumed = used
	if c.Target <= 0 {
		return c
	}
	if !at.IsZero() && !at.After(now) {
		c.ReachedAt = at
	}
	if c.State == ClockRunning {
		c.DueAt = at
		c.NextCheckAt = c.nextCheck(f.segments, cal, p, now)
	}
	return c
}

// nextCheck is the earliest instant the ladder or the breach still waits
// for; one already past is now (the scan picks it up at once).
func (c *Clock) nextCheck(segs []TimeSpan, cal *Calendar, p *SLAPolicy, now time.Time) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if t.Before(now) {
			t = now
		}
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	if c.BreachedAt.IsZero() {
		consider(c.DueAt)
	}
	for _, l := range p.Escalations {
		if !l.Applies(c.Metric) || c.Fired[l.Level] {
			continue
		}
		at, _ := reach(segs, cal, c.Target*time.Duration(l.Percent)/100, now)
		consider(at)
	}
	return next
}

// DueLevels returns the ladder levels of p whose instant has come for c
// and that have not fired in this cycle, lowest percent first.
func DueLevels(c *Clock, evs []ClockEvent, p *SLAPolicy, cal *Calendar, now time.Time) []EscalationLevel {
	if p == nil || c.State != ClockRunning || c.Target <= 0 {
		return nil
	}
	f := fold(evs)
	var out []EscalationLevel
	for _, l := range p.Escalations {
		if !l.Applies(c.Metric) || c.Fired[l.Level] {
			continue
		}
		at, _ := reach(f.segments, cal, c.Target*time.Duration(l.Percent)/100, now)
		if !at.IsZero() && !at.After(now) {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Percent < out[j].Percent })
	return out
}

// SLAClocks are a ticket's clocks by metric, with their events.
type SLAClocks struct {
	Events []ClockEvent
	Clocks map[SLAMetric]Clock
	Policy *SLAPolicy
	Cal    *Calendar
}

// NextDue is the earliest due instant of the running clocks with a target.
func (s *SLAClocks) NextDue() time.Time {
	var due time.Time
	for _, c := range s.Clocks {
		if c.State == ClockRunning && !c.DueAt.IsZero() && (due.IsZero() || c.DueAt.Before(due)) {
			due = c.DueAt
		}
	}
	return due
}

func eventsOf(evs []ClockEvent, m SLAMetric) []ClockEvent {
	var out []ClockEvent
	for _, e := range evs {
		if e.Metric == m {
			out = append(out, e)
		}
	}
	return out
}
