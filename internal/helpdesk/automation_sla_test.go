package helpdesk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestSLAStateCondition: the ticket's clocks fold into none, on track,
// warning (a ladder level below 100 % has come) and breached, and the
// condition compares the rule's value with that state.
func TestSLAStateCondition(t *testing.T) {
	t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	pol := &SLAPolicy{ID: 3, Targets: map[Priority]SLATargets{PriorityHigh: {FirstReply: 60}},
		Escalations: []EscalationLevel{{Level: 1, Percent: 75}, {Level: 2, Percent: 100}}}
	noWarn := &SLAPolicy{ID: 4, Targets: pol.Targets, Escalations: []EscalationLevel{{Level: 1, Percent: 100}}}
	cal := CalendarHours()
	activate := []ClockEvent{{Metric: MetricFirstReply, Kind: ClockActivate, At: t0, Cycle: 1}}
	state := func(p *SLAPolicy, evs []ClockEvent, now time.Time) SLAState {
		sc := SLAClocks{Clocks: map[SLAMetric]Clock{}, Policy: p, Cal: &cal}
		sc.Clocks[MetricFirstReply] = DeriveClock(MetricFirstReply, evs, p, PriorityHigh, &cal, now)
		return sc.State()
	}
	fulfilled := append(append([]ClockEvent{}, activate...), ClockEvent{Metric: MetricFirstReply, Kind: ClockFulfil, At: t0.Add(10 * time.Minute), Cycle: 1})
	fired := append(append([]ClockEvent{}, activate...), ClockEvent{Metric: MetricFirstReply, Kind: ClockEscalate, At: t0, Cycle: 1, Level: 1})
	tests := []struct {
		name string
		p    *SLAPolicy
		evs  []ClockEvent
		at   time.Duration
		want SLAState
	}{
		{"no policy", nil, activate, time.Hour, SLAStateNone},
		{"no clock", pol, nil, time.Hour, SLAStateNone},
		{"half way", pol, activate, 30 * time.Minute, SLAStateOnTrack},
		{"past the 75 % level", pol, activate, 46 * time.Minute, SLAStateWarning},
		{"level fired early", pol, fired, time.Minute, SLAStateWarning},
		{"no warning level", noWarn, activate, 59 * time.Minute, SLAStateOnTrack},
		{"target reached", pol, activate, 61 * time.Minute, SLAStateBreached},
		{"met in time", pol, fulfilled, 3 * time.Hour, SLAStateOnTrack},
	}
	for _, tt := range tests {
		got := state(tt.p, tt.evs, t0.Add(tt.at))
		assert.Equal(t, tt.want, got, tt.name)
		tk := Ticket{Tenant: tenantA, Status: StatusOpen, Priority: PriorityHigh, CreatedAt: t0}
		r := Rule{Kind: RuleTrigger, Conditions: []Condition{{Field: CondSLA, Op: OpIs, Value: string(tt.want)}}}
		assert.True(t, r.Matches(&tk, MatchInput{Now: t0, SLA: got}), tt.name)
		r.Conditions[0].Op = OpIsNot
		assert.False(t, r.Matches(&tk, MatchInput{Now: t0, SLA: got}), tt.name)
	}
	r := Rule{Conditions: []Condition{{Field: CondSLA, Op: OpIs, Value: "breached"}}}
	assert.True(t, r.NeedsBreach())
	r.MatchAny = true
	assert.False(t, r.NeedsBreach(), "any: another condition may match alone")
	bad := Rule{Kind: RuleTrigger, Name: "x", Event: OnCreated, Conditions: []Condition{{Field: CondSLA, Op: OpIs, Value: "late"}},
		Actions: []Action{{Type: ActAddTag, Value: "x"}}}
	assert.ErrorContains(t, bad.Validate(RuleRefs{}), "condition_0=error.rule_value")
}

// BenchmarkSLAStateOfATicket: deriving the three clocks of a ticket from
// its events and folding them into a state, as a trigger or a sweep does
// once per ticket when a rule needs it.
func BenchmarkSLAStateOfATicket(b *testing.B) {
	t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	p := &SLAPolicy{ID: 3, Targets: map[Priority]SLATargets{PriorityHigh: {FirstReply: 60, NextReply: 120, Resolution: 480}},
		Escalations: []EscalationLevel{{Level: 1, Percent: 75}, {Level: 2, Percent: 100}}}
	setup := SLASetup{Policies: []SLAPolicy{*p}}
	tk := Ticket{Tenant: tenantA, Status: StatusOpen, Priority: PriorityHigh, CreatedAt: t0}
	evs := []ClockEvent{{Metric: MetricFirstReply, Kind: ClockActivate, At: t0, Cycle: 1},
		{Metric: MetricResolution, Kind: ClockActivate, At: t0, Cycle: 1},
		{Metric: MetricFirstReply, Kind: ClockFulfil, At: t0.Add(30 * time.Minute), Cycle: 1},
		{Metric: MetricNextReply, Kind: ClockActivate, At: t0.Add(50 * time.Minute), Cycle: 1}}
	b.ReportAllocs()
	for b.Loop() {
		sc := deriveAll(&tk, &setup, evs, p, t0.Add(150*time.Minute))
		if sc.State() != SLAStateWarning {
			b.Fatal(sc.State())
		}
	}
}

// TestRuleWritesOneComment: two notes, or a note and a macro that
// replies, are refused on the second; a macro without text is no comment.
func TestRuleWritesOneComment(t *testing.T) {
	refs := RuleRefs{Macros: []Macro{{ID: 1, Name: "Responde", Body: "Hola"}, {ID: 2, Name: "Etiqueta", Tags: []string{"x"}},
		{ID: 3, Owner: 9, Name: "Mía", Body: "x"}}}
	rule := func(acts ...Action) Rule {
		return Rule{Kind: RuleTrigger, Name: "r", Event: OnCreated, Actions: acts}
	}
	note := Action{Type: ActAddNote, Text: "n"}
	macro := func(id string) Action { return Action{Type: ActApplyMacro, Value: id} }
	tests := []struct {
		name string
		r    Rule
		want string
	}{
		{"two notes", rule(note, note), "action_1=error.rule_one_note"},
		{"a note and a reply", rule(note, macro("1")), "action_1=error.rule_one_comment"},
		{"a reply and a note", rule(macro("1"), note), "action_1=error.rule_one_comment"},
		{"a personal macro", rule(macro("3")), "action_0=error.rule_value"},
		{"a deleted macro", rule(macro("4")), "action_0=error.rule_value"},
	}
	for _, tt := range tests {
		assert.ErrorContains(t, tt.r.Validate(refs), tt.want, tt.name)
	}
	ok := rule(note, macro("2"))
	assert.NoError(t, ok.Validate(refs), "a macro without text writes no comment")
}
