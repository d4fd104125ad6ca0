package helpdesk

import (
	"slices"
	"time"
)

// planClocks turns one ticket operation's events into clock events, given
// the clocks' events so far and the policy that applies after it. It is
// pure: the rules of docs/sla.md in one place.
func planClocks(t *Ticket, evs []Event, past []ClockEvent, p *SLAPolicy) []ClockEvent {
	c := &clockPlan{t: t, past: past, state: map[SLAMetric]*clockFold{}, pauseOnHold: p != nil && p.PauseOnHold}
	for _, m := range SLAMetrics() {
		f := fold(eventsOf(past, m))
		c.state[m] = &f
	}
	if !slices.ContainsFunc(evs, func(e Event) bool { return e.Kind == EventCreated }) {
		c.backfill()
	}
	for _, e := range evs {
		c.event(e)
		if from, to, ok := e.StatusChange(); ok {
			c.status(e, from, to)
		}
	}
	c.applyPolicy(evs, p)
	return c.out
}

// clockPlan is planClocks at work: each metric's clock as folded so far,
// and the clock events planned.
type clockPlan struct {
	t           *Ticket
	past        []ClockEvent
	state       map[SLAMetric]*clockFold
	out         []ClockEvent
	pauseOnHold bool
}

// add plans one clock event and folds it into the metric's state.
func (c *clockPlan) add(m SLAMetric, k ClockEventKind, at time.Time) {
	f := c.state[m]
	if k == ClockActivate {
		f.cycle++
	}
	c.out = append(c.out, ClockEvent{Ticket: c.t.ID, Metric: m, Kind: k, At: at, Cycle: f.cycle})
	all := append(eventsOf(c.past, m), eventsOf(c.out, m)...)
	*f = fold(all)
}

func (c *clockPlan) running(m SLAMetric) bool { return c.state[m].state == ClockRunning }

// backfill starts the clocks of a ticket from before the SLA engine (no
// clock yet, and this operation is not its creation) from its creation,
// the first time anything syncs it, as they would have run.
func (c *clockPlan) backfill() {
	t := c.t
	if c.state[MetricResolution].cycle != 0 || t.CreatedAt.IsZero() || t.Status == StatusSolved || t.Status == StatusClosed {
		return
	}
	if t.FirstReplyAt.IsZero() {
		c.add(MetricFirstReply, ClockActivate, t.CreatedAt)
	}
	c.add(MetricResolution, ClockActivate, t.CreatedAt)
	if t.Status == StatusPending || (t.Status == StatusOnHold && c.pauseOnHold) {
		c.add(MetricResolution, ClockPause, t.StatusChangedAt)
	}
}

// event plans what creating the ticket and replies do: creation starts
// the first-reply and resolution clocks; an agent's reply fulfils the
// reply clocks; a customer's starts the next-reply clock.
func (c *clockPlan) event(e Event) {
	switch {
	case e.Kind == EventCreated:
		if c.state[MetricFirstReply].cycle == 0 {
			c.add(MetricFirstReply, ClockActivate, e.At)
		}
		if c.state[MetricResolution].cycle == 0 {
			c.add(MetricResolution, ClockActivate, e.At)
		}
	case e.Kind == EventCommentAdded && e.Actor.Kind == AuthorAgent:
		for _, m := range []SLAMetric{MetricFirstReply, MetricNextReply} {
			if c.running(m) {
				c.add(m, ClockFulfil, e.At)
			}
		}
	case e.Kind == EventCommentAdded && e.Actor.Kind == AuthorCustomer:
		if !c.running(MetricFirstReply) && !c.running(MetricNextReply) && !c.t.Status.Final() {
			c.add(MetricNextReply, ClockActivate, e.At)
		}
	}
}

// status plans what a status change does to the clocks.
func (c *clockPlan) status(e Event, from, to Status) {
	res := c.state[MetricResolution]
	switch {
	case to == StatusPending || (to == StatusOnHold && c.pauseOnHold):
		if res.state == ClockRunning {
			c.add(MetricResolution, ClockPause, e.At)
		}
	case to == StatusSolved:
		if res.state == ClockRunning || res.state == ClockPaused {
			c.add(MetricResolution, ClockFulfil, e.At)
		}
		for _, m := range []SLAMetric{MetricFirstReply, MetricNextReply} {
			if c.running(m) {
				c.add(m, ClockStop, e.At)
			}
		}
	case to == StatusClosed:
		for _, m := range SLAMetrics() {
			if s := c.state[m].state; s == ClockRunning || s == ClockPaused {
				c.add(m, ClockStop, e.At)
			}
		}
	case to == StatusOpen || to == StatusNew || to == StatusOnHold:
		// Leaving a waiting status, or a reopen after Resuelto.
		if res.state == ClockPaused || (res.state == ClockFulfilled && from == StatusSolved) {
			c.add(MetricResolution, ClockResume, e.At)
		}
	}
}

// applyPolicy records the policy that now applies on every started clock
// whose policy differs.
func (c *clockPlan) applyPolicy(evs []Event, p *SLAPolicy) {
	var pid SLAPolicyID
	if p != nil {
		pid = p.ID
	}
	for _, m := range SLAMetrics() {
		if f := c.state[m]; f.cycle > 0 && f.policy != pid {
			at := c.t.UpdatedAt
			if len(evs) > 0 {
				at = evs[len(evs)-1].At
			}
			c.out = append(c.out, ClockEvent{Ticket: c.t.ID, Metric: m, Kind: ClockApply, At: at, Cycle: f.cycle, Policy: pid})
			f.policy = pid
		}
	}
}
