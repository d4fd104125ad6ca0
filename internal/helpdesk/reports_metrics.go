package helpdesk

import (
	"time"
)

// The metric engine: pure functions from a ticket's history (its events and
// its SLA clock events) to the figures the reports add up. docs/metrics.md
// defines each figure with an example; the definitions there and the code
// here are one thing, and tests pin them to hand-computed values.

// SLAOutcome is how one SLA target of a ticket ended, or stands.
type SLAOutcome string

// SLA outcomes. None means the ticket had no target for the metric (no
// policy, no target at its priority) or the clock ended without being met
// or missed (solved before the first reply, for instance).
const (
	SLANone     SLAOutcome = ""
	SLAAchieved SLAOutcome = "achieved"
	SLABreached SLAOutcome = "breached"
	SLAActive   SLAOutcome = "active" // still running or paused, not breached yet
)

// Durations is a span measured twice: elapsed (calendar) time and the
// opening time of the ticket's business calendar.
type Durations struct {
	Calendar time.Duration
	Business time.Duration
}

// TicketMetrics is one ticket's metric row: its dimensions as they stand
// now (for filters and breakdowns) and every figure computed from its
// history. Pointers and zero times mean "does not apply (yet)".
type TicketMetrics struct {
	Ticket       TicketID
	Number       TicketNumber
	CreatedAt    time.Time
	Status       Status
	Channel      Channel
	Priority     Priority
	Category     CategoryID
	Group        GroupID
	Assignee     UserID
	Organisation OrganisationID
	Policy       SLAPolicyID // the SLA policy that applies now; 0 none

	FirstReplyAt time.Time
	FirstReply   *Durations // creation → first public agent reply
	// Replies are the reply times: each requester message still waiting
	// → the next public agent reply, in order. The first is the first
	// reply time.
	Replies []Durations
	// SolvedAt is the last time the ticket became Resuelto, while it is
	// Resuelto or Cerrado; zero otherwise.
	SolvedAt time.Time
	// DoneAt is when the ticket left the backlog for good: SolvedAt, or
	// the closing of a ticket closed without being solved (a merge).
	DoneAt        time.Time
	Resolution    *Durations // creation → SolvedAt
	RequesterWait *Durations // time in Nuevo, Abierto, En espera until SolvedAt

	Touches       int // agent updates: an agent's save, whatever it changed
	PublicReplies int // public agent replies
	Reopens       int
	Escalations   int
	// FCR is first contact resolution, decided once the ticket is solved:
	// exactly one public agent reply and no reopen. Nil while unsolved.
	FCR *bool

	SLA map[SLAMetric]SLAOutcome // every metric has an entry

	CSAT    int // latest rating 1–5; 0 none
	RatedAt time.Time
}

// MetricInput is everything the engine reads about one ticket.
type MetricInput struct {
	Ticket Ticket
	Events []Event      // the ticket's history, in order
	Clocks []ClockEvent // its SLA clock events, in order
	Policy *SLAPolicy   // the policy that applies now; nil none
	// Calendar is the business calendar the durations are measured in:
	// the applying policy's, or calendar hours.
	Calendar *Calendar
}

// ComputeMetrics derives t's metric row from its history. It reads no
// clock: the same history always gives the same row, which is what lets a
// stored row be checked against a recomputation.
func ComputeMetrics(in MetricInput) TicketMetrics {
	t := &in.Ticket
	cal := in.Calendar
	if cal == nil {
		c := CalendarHours()
		cal = &c
	}
	m := TicketMetrics{
		Ticket: t.ID, Number: t.Number, CreatedAt: t.CreatedAt, Status: t.Status, Channel: t.Channel,
		Priority: t.Priority, Category: t.Category, Group: t.Group, Assignee: t.Assignee,
		Organisation: t.Organisation,
	}
	if in.Policy != nil {
		m.Policy = in.Policy.ID
	}
	// Whole seconds: what the metric row stores, so that a stored row and
	// a recomputation compare equal.
	measure := func(a, b time.Time) Durations {
		return Durations{Calendar: b.Sub(a).Truncate(time.Second), Business: cal.BusinessBetween(a, b).Truncate(time.Second)}
	}
	h := foldHistory(t.CreatedAt, in.Events)
	m.Replies = make([]Durations, 0, len(h.replies))
	for _, r := range h.replies {
		m.Replies = append(m.Replies, measure(r.From, r.To))
	}
	if !h.firstReply.IsZero() {
		m.FirstReplyAt = h.firstReply
		d := measure(t.CreatedAt, h.firstReply)
		m.FirstReply = &d
	}
	m.Touches, m.PublicReplies, m.Reopens, m.Escalations = h.touches, h.publicReplies, h.reopens, h.escalations
	m.CSAT, m.RatedAt = h.csat, h.ratedAt
	if (h.status == StatusSolved || h.status == StatusClosed) && !h.solvedAt.IsZero() {
		m.SolvedAt, m.DoneAt = h.solvedAt, h.solvedAt
		d := measure(t.CreatedAt, h.solvedAt)
		m.Resolution = &d
		var w Durations
		for _, s := range h.waiting {
			d := measure(s.From, s.To)
			w.Calendar += d.Calendar
			w.Business += d.Business
		}
		m.RequesterWait = &w
		fcr := h.publicReplies == 1 && h.reopens == 0
		m.FCR = &fcr
	} else if h.status == StatusClosed {
		m.DoneAt = h.closedAt
	}
	m.SLA = slaOutcomes(in.Clocks, in.Policy, t.Priority)
	return m
}

// history is the fold of a ticket's events.
type history struct {
	status                                       Status
	solvedAt, closedAt, firstReply, ratedAt      time.Time
	replies, waiting                             []TimeSpan
	touches, publicReplies, reopens, escalations int
	csat                                         int
}

// waits reports whether the requester waits on someone in status s: the
// desk (Nuevo, Abierto) or a third party (En espera); not while Pendiente
// (the desk waits on them) nor once solved.
func waits(s Status) bool { return s == StatusNew || s == StatusOpen || s == StatusOnHold }

func foldHistory(created time.Time, evs []Event) history {
	h := history{status: StatusNew}
	waitFrom := created // start of the current waiting stretch; zero when not waiting
	pending := created  // oldest requester message not answered yet; zero when none
	type touch struct {
		user UserID
		at   time.Time
	}
	var last touch
	for _, e := range evs {
		if e.Kind == EventCreated {
			// What an agent does while creating a ticket is not a touch.
			last = touch{e.Actor.User, e.At}
		} else if e.Actor.Kind == AuthorAgent {
			if t := (touch{e.Actor.User, e.At}); t != last {
				h.touches++
				last = t
			}
		}
		switch {
		case e.Kind == EventCommentAdded && e.Actor.Kind == AuthorAgent:
			h.publicReplies++
			if h.firstReply.IsZero() {
				h.firstReply = e.At
			}
			if !pending.IsZero() {
				h.replies = append(h.replies, TimeSpan{From: pending, To: e.At})
				pending = time.Time{}
			}
		case e.Kind == EventCommentAdded && e.Actor.Kind == AuthorCustomer:
			if pending.IsZero() {
				pending = e.At
			}
		case e.Kind == EventReopened:
			h.reopens++
		case e.Kind == EventEscalated:
			h.escalations++
		case e.Kind == EventRated:
			h.csat, h.ratedAt = int(e.ToID), e.At
		}
		from, to, ok := e.StatusChange()
		if !ok || from == to {
			continue
		}
		if waits(to) && waitFrom.IsZero() {
			waitFrom = e.At
		} else if !waits(to) && !waitFrom.IsZero() {
			h.waiting = append(h.waiting, TimeSpan{From: waitFrom, To: e.At})
			waitFrom = time.Time{}
		}
		switch to {
		case StatusSolved:
			h.solvedAt, pending = e.At, time.Time{}
		case StatusClosed:
			h.closedAt, pending = e.At, time.Time{}
		}
		if from == StatusSolved && to != StatusClosed {
			h.solvedAt = time.Time{}
		}
		h.status = to
	}
	return h
}

// slaOutcomes reads each metric's outcome from the clock events: breached
// if any cycle recorded a breach; otherwise, with a target at the ticket's
// priority under the policy that applies, active while the last cycle
// runs or is paused and achieved once it was fulfilled.
func slaOutcomes(evs []ClockEvent, p *SLAPolicy, pr Priority) map[SLAMetric]SLAOutcome {
	out := make(map[SLAMetric]SLAOutcome, 3)
	for _, m := range SLAMetrics() {
		mine := eventsOf(evs, m)
		out[m] = SLANone
		for _, e := range mine {
			if e.Kind == ClockBreach {
				out[m] = SLABreached
			}
		}
		if out[m] == SLABreached || p == nil || p.Target(pr, m) <= 0 {
			continue
		}
		switch fold(mine).state {
		case ClockRunning, ClockPaused:
			out[m] = SLAActive
		case ClockFulfilled:
			out[m] = SLAAchieved
		}
	}
	return out
}

// MeanReply is the mean of the reply times, or nil without any.
func (m *TicketMetrics) MeanReply() *Durations {
	if len(m.Replies) == 0 {
		return nil
	}
	var s Durations
	for _, r := range m.Replies {
		s.Calendar += r.Calendar
		s.Business += r.Business
	}
	n := time.Duration(len(m.Replies))
	return &Durations{Calendar: s.Calendar / n, Business: s.Business / n}
}
