package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// "If a High ticket has gone 30 business minutes without an answer,
// escalate": created on Friday at 17:45, fifteen minutes before closing,
// it is due on Monday at 09:15, not during the weekend; a 15-minute rule in
// calendar time is due on Friday at 18:00. The sweep runs minute by minute
// on the fake clock.
func TestTimedRulesCountMinutesInBusinessTimeAcrossAWeekend(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	week := [7]string{"", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", ""}
	cal, err := d.svc.SaveCalendar(ctx, d.admin.Actor(), 0, helpdesk.CalendarInput{Name: "Oficina", TimeZone: "UTC", Hours: week})
	require.NoError(t, err)
	d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "Alta 30 min hábiles", Anchor: helpdesk.AnchorCreated, Minutes: 30, Calendar: cal.ID,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondPriority, Op: helpdesk.OpIs, Value: "high"}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "escalar"}}})
	d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "15 min naturales", Anchor: helpdesk.AnchorCreated, Minutes: 15,
		Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "quince"}}})

	d.clock.Advance(4*24*time.Hour + 8*time.Hour + 45*time.Minute) // Monday 09:00 → Friday 17:45
	require.Equal(t, time.Friday, d.clock.Now().Weekday())
	tk := d.openFor(t, d.cust, "No puedo entrar")
	tk, err = d.svc.SetPriority(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.PriorityHigh)
	require.NoError(t, err)

	tags := func() []string { return d.staffTicket(t, tk.Number).Tags }
	sweepUntil := func(end time.Time) {
		for d.clock.Now().Before(end) {
			d.clock.Advance(time.Minute)
			_, err := d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
			require.NoError(t, err)
		}
	}
	friday := d.clock.Now()
	sweepUntil(friday.Add(14 * time.Minute)) // 17:59
	assert.Empty(t, tags(), "fourteen minutes: nothing yet")
	sweepUntil(friday.Add(15 * time.Minute)) // 18:00
	assert.Equal(t, []string{"quince"}, tags(), "calendar time: due at 18:00 on Friday")

	// The weekend passes in hourly sweeps (the calendar is closed).
	for range 63 { // Friday 18:00 → Monday 09:00
		d.clock.Advance(time.Hour)
		_, err := d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
		require.NoError(t, err)
	}
	require.Equal(t, time.Monday, d.clock.Now().Weekday())
	monday := d.clock.Now()
	sweepUntil(monday.Add(14 * time.Minute)) // 09:14: 29 business minutes
	assert.Equal(t, []string{"quince"}, tags(), "29 business minutes: not yet")
	sweepUntil(monday.Add(15 * time.Minute)) // 09:15: 30
	assert.ElementsMatch(t, []string{"quince", "escalar"}, tags(), "due at 09:15 on Monday")
	assert.Len(t, d.events(t, tk.Number, helpdesk.EventAutomation), 2)
}
