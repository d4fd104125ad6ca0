package helpdesk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The clock rules on synthetic histories: what each event does to each
// clock, and the deadlines derived from them.
func TestPlanClocksRules(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	agent := Author{Kind: AuthorAgent, User: 1, Name: "Ana"}
	cust := Author{Kind: AuthorCustomer, User: 2, Name: "Carla"}
	status := func(m int, from, to Status) Event {
		return Event{Kind: EventStatusChanged, Field: FieldStatus, From: string(from), To: string(to), At: at(m), Actor: agent}
	}
	reply := func(m int, a Author) Event { return Event{Kind: EventCommentAdded, At: at(m), Actor: a} }
	note := Event{Kind: EventNoteAdded, At: at(5), Actor: agent}
	created := Event{Kind: EventCreated, At: at(0), Actor: cust}
	hold := &SLAPolicy{ID: 7, PauseOnHold: true, Targets: map[Priority]SLATargets{PriorityNormal: {FirstReply: 60, NextReply: 30, Resolution: 120}}}
	plain := &SLAPolicy{ID: 8, Targets: hold.Targets}

	tests := []struct {
		name   string
		p      *SLAPolicy
		status Status
		ops    [][]Event
		want   map[SLAMetric]string // state, consumed, due (HH:MM or -)
		now    int
	}{
		{"a note is not a reply", plain, StatusNew, [][]Event{{created}, {note}},
			map[SLAMetric]string{MetricFirstReply: "running 1h0m0s 10:00", MetricResolution: "running 1h0m0s 11:00"}, 60},
		{"solved before any reply stops the reply clock", plain, StatusSolved, [][]Event{{created}, {status(20, StatusNew, StatusSolved)}},
			map[SLAMetric]string{MetricFirstReply: "stopped 20m0s -", MetricResolution: "fulfilled 20m0s -"}, 90},
		{"on hold runs without the flag", plain, StatusOnHold, [][]Event{{created}, {status(10, StatusNew, StatusOnHold)}},
			map[SLAMetric]string{MetricFirstReply: "running 40m0s 10:00", MetricResolution: "running 40m0s 11:00"}, 40},
		{"on hold pauses with the flag", hold, StatusOnHold, [][]Event{{created}, {status(10, StatusNew, StatusOnHold)}},
			map[SLAMetric]string{MetricFirstReply: "running 40m0s 10:00", MetricResolution: "paused 10m0s -"}, 40},
		{"pending to on hold resumes without the flag", plain, StatusOnHold,
			[][]Event{{created}, {status(10, StatusNew, StatusPending)}, {status(30, StatusPending, StatusOnHold)}},
			map[SLAMetric]string{MetricFirstReply: "running 40m0s 10:00", MetricResolution: "running 20m0s 11:20"}, 40},
		{"closing stops everything still open", plain, StatusClosed,
			[][]Event{{created}, {reply(5, agent)}, {reply(10, cust)}, {status(20, StatusOpen, StatusClosed)}},
			map[SLAMetric]string{MetricFirstReply: "fulfilled 5m0s -", MetricNextReply: "stopped 10m0s -", MetricResolution: "stopped 20m0s -"}, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The ticket as each operation leaves it: the status its
			// status events end in.
			tk := &Ticket{ID: 1, Priority: PriorityNormal, Status: StatusNew, CreatedAt: t0}
			var past []ClockEvent
			for _, op := range tt.ops {
				for _, e := range op {
					if _, to, ok := e.StatusChange(); ok {
						tk.Status = to
					}
				}
				past = append(past, planClocks(tk, op, past, tt.p)...)
			}
			assert.Equal(t, tt.status, tk.Status)
			cal := CalendarHours()
			got := map[SLAMetric]string{}
			for _, m := range SLAMetrics() {
				c := DeriveClock(m, eventsOf(past, m), tt.p, PriorityNormal, &cal, at(tt.now))
				if c.Cycle == 0 {
					continue
				}
				due := "-"
				if !c.DueAt.IsZero() {
					due = c.DueAt.Format("15:04")
				}
				got[m] = string(c.State) + " " + c.Consumed.String() + " " + due
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// A breach reached while a clock ran is found even after it was paused,
// and a level's instant is its share of the target.
func TestDeriveClockBreachAndLevels(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := &SLAPolicy{ID: 1, Targets: map[Priority]SLATargets{PriorityHigh: {Resolution: 100}},
		Escalations: []EscalationLevel{{Level: 1, Percent: 50}, {Level: 2, Percent: 100, Metric: MetricResolution}, {Level: 3, Percent: 80, Metric: MetricFirstReply}}}
	cal := CalendarHours()
	evs := []ClockEvent{{Metric: MetricResolution, Kind: ClockActivate, At: t0, Cycle: 1}}
	c := DeriveClock(MetricResolution, evs, p, PriorityHigh, &cal, t0.Add(10*time.Minute))
	assert.Equal(t, t0.Add(50*time.Minute), c.NextCheckAt, "the 50 % level comes first")
	assert.Empty(t, DueLevels(&c, evs, p, &cal, t0.Add(10*time.Minute)))
	c = DeriveClock(MetricResolution, evs, p, PriorityHigh, &cal, t0.Add(120*time.Minute))
	levels := DueLevels(&c, evs, p, &cal, t0.Add(120*time.Minute))
	assert.Len(t, levels, 2, "50 %% and 100 %%, not the first-reply level")
	assert.Equal(t, t0.Add(100*time.Minute), c.ReachedAt)

	paused := append(evs, ClockEvent{Metric: MetricResolution, Kind: ClockPause, At: t0.Add(110 * time.Minute), Cycle: 1})
	c = DeriveClock(MetricResolution, paused, p, PriorityHigh, &cal, t0.Add(200*time.Minute))
	assert.Equal(t, ClockPaused, c.State)
	assert.Equal(t, t0.Add(100*time.Minute), c.ReachedAt, "breached before the pause")
	assert.True(t, c.DueAt.IsZero())
	assert.Equal(t, 110*time.Minute, c.Consumed)
}
