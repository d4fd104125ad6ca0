package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// "When the requester has waited 30 business minutes since their last
// message": the requester writes on Friday at 17:50, ten minutes before
// closing, and the rule runs on Monday at 09:20, not over the weekend. An
// agent's public reply stops the wait (the rule does not run again on
// that message); the requester's next message starts a new one, and the
// rule runs once for it too. The sweep runs minute by minute.
func TestRequesterWaitingAnchorCountsBusinessMinutes(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	week := [7]string{"", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", ""}
	cal, err := d.svc.SaveCalendar(ctx, d.admin.Actor(), 0, helpdesk.CalendarInput{Name: "Oficina", TimeZone: "UTC", Hours: week})
	require.NoError(t, err)
	d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "Espera 30 min hábiles", Anchor: helpdesk.AnchorRequesterWaiting,
		Minutes: 30, Calendar: cal.ID, Actions: []helpdesk.Action{{Type: helpdesk.ActAddNote, Text: "Sigue esperando"}}})

	tk := d.openFor(t, d.cust, "No puedo entrar") // Monday 09:00
	d.clock.Advance(5 * time.Minute)
	d.reply(t, d.agent.Actor(), tk.Number, "")
	assert.True(t, d.staffTicket(t, tk.Number).RequesterWaitingSince.IsZero(), "answered: nobody waits")

	d.clock.Advance(4*24*time.Hour + 8*time.Hour + 45*time.Minute) // Friday 17:50
	require.Equal(t, time.Friday, d.clock.Now().Weekday())
	customerReply := func() {
		t.Helper()
		_, err := d.svc.Reply(ctx, d.cust.Actor(), helpdesk.TicketVersion{Number: tk.Number},
			helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "¿Alguna novedad?"}, Public: true})
		require.NoError(t, err)
	}
	customerReply()
	friday := d.clock.Now()
	assert.Equal(t, friday, d.staffTicket(t, tk.Number).RequesterWaitingSince)

	runs := func() int { return len(d.events(t, tk.Number, helpdesk.EventAutomation)) }
	sweepUntil := func(end time.Time) {
		t.Helper()
		for d.clock.Now().Before(end) {
			step := time.Minute
			if wd := d.clock.Now().Weekday(); wd == time.Saturday || wd == time.Sunday {
				step = time.Hour // closed: hourly sweeps are enough
			}
			d.clock.Advance(step)
			_, err := d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
			require.NoError(t, err)
		}
	}
	sweepUntil(friday.Add(10 * time.Minute)) // 18:00: ten business minutes
	monday := friday.Add(2*24*time.Hour + 15*time.Hour + 10*time.Minute)
	require.Equal(t, time.Monday, monday.Weekday())
	sweepUntil(monday.Add(19 * time.Minute)) // Monday 09:19: 29
	assert.Zero(t, runs(), "29 business minutes: not yet")
	sweepUntil(monday.Add(20 * time.Minute)) // 09:20: 30
	assert.Equal(t, 1, runs(), "due on Monday at 09:20")
	sweepUntil(monday.Add(40 * time.Minute))
	assert.Equal(t, 1, runs(), "once per message")

	customerReply() // a new message: a new wait
	again := d.clock.Now()
	sweepUntil(again.Add(30 * time.Minute))
	assert.Equal(t, 2, runs(), "the next message waited 30 minutes too")
}
