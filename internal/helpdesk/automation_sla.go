package helpdesk

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// SLAState is where a ticket stands against its SLA targets, as the
// automation condition "SLA state" reads it.
type SLAState string

const (
	// SLAStateNone: no clock of the ticket has a target (no policy applies).
	SLAStateNone SLAState = "none"
	// SLAStateOnTrack: some clock has a target, none is at warning or breached.
	SLAStateOnTrack SLAState = "on_track"
	// SLAStateWarning: a running or paused clock has used the share of its
	// target of a warning level of its policy's ladder (a level below
	// 100 %), or that level has fired; none is breached. A policy without
	// such a level has no warning state.
	SLAStateWarning SLAState = "warning"
	// SLAStateBreached: a clock missed its target in its current cycle,
	// recorded or not yet recorded by the scan.
	SLAStateBreached SLAState = "breached"
)

// SLAStates lists the states in form order.
func SLAStates() []SLAState {
	return []SLAState{SLAStateOnTrack, SLAStateWarning, SLAStateBreached, SLAStateNone}
}

// State folds the clocks into the ticket's SLA state: breached beats
// warning, which beats on track.
func (s *SLAClocks) State() SLAState {
	out := SLAStateNone
	for _, m := range SLAMetrics() {
		c, ok := s.Clocks[m]
		if !ok || c.Cycle == 0 || c.Target <= 0 {
			continue
		}
		switch {
		case c.Breached():
			return SLAStateBreached
		case out != SLAStateWarning && s.warned(&c):
			out = SLAStateWarning
		case out == SLAStateNone:
			out = SLAStateOnTrack
		}
	}
	return out
}

// warned reports whether a warning level of the policy's ladder has come
// for c in its current cycle.
func (s *SLAClocks) warned(c *Clock) bool {
	if s.Policy == nil || (c.State != ClockRunning && c.State != ClockPaused) {
		return false
	}
	for _, l := range s.Policy.Escalations {
		if !l.Applies(c.Metric) || l.Percent <= 0 || l.Percent >= 100 {
			continue
		}
		if c.Fired[l.Level] || c.Consumed*100 >= c.Target*time.Duration(l.Percent) {
			return true
		}
	}
	return false
}

// usesSLA reports whether matching r needs the ticket's SLA state.
func (r Rule) usesSLA() bool {
	return slices.ContainsFunc(r.Conditions, func(c Condition) bool { return c.Field == CondSLA })
}

// NeedsBreach reports whether r can only match a ticket whose SLA is
// breached: a rule of all conditions with "SLA state is breached" among
// its own. The time-based scan then reads only such tickets, through the
// SLA clocks' key.
func (r Rule) NeedsBreach() bool {
	if r.MatchAny {
		return false
	}
	return slices.ContainsFunc(r.Conditions, func(c Condition) bool {
		return c.Group == 0 && c.Field == CondSLA && c.Op == OpIs && c.Value == string(SLAStateBreached)
	})
}

// SLABatchStore reads what the SLA state of many tickets needs in one
// round trip.
type SLABatchStore interface {
	// SLATicketsState is SLATicketState for several tickets: the setup and
	// the clock events of all of them, in order.
	SLATicketsState(ctx context.Context, tenant TenantID, tickets []TicketID) (SLASetup, []ClockEvent, error)
}

// slaStates derives the SLA state of each ticket at now, in one read.
func slaStates(ctx context.Context, tx Store, tenant TenantID, ts []*Ticket, now time.Time) (map[TicketID]SLAState, error) {
	ids := make([]TicketID, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	setup, evs, err := tx.SLATicketsState(ctx, tenant, ids)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: SLA states: %w", err)
	}
	by := map[TicketID][]ClockEvent{}
	for _, e := range evs {
		by[e.Ticket] = append(by[e.Ticket], e)
	}
	out := make(map[TicketID]SLAState, len(ts))
	for _, t := range ts {
		p, _ := MatchPolicy(setup.Policies, t)
		sc := deriveAll(t, &setup, by[t.ID], p, now)
		out[t.ID] = sc.State()
	}
	return out, nil
}

// slaStateOf is slaStates for one ticket.
func slaStateOf(ctx context.Context, tx Store, t *Ticket, now time.Time) (SLAState, error) {
	m, err := slaStates(ctx, tx, t.Tenant, []*Ticket{t}, now)
	return m[t.ID], err
}
