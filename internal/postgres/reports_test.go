package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// h is hours and minutes as a duration.
func h(hours, minutes int) time.Duration {
	return time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute
}

func dur(cal, biz time.Duration) *helpdesk.Durations {
	return &helpdesk.Durations{Calendar: cal, Business: biz}
}

// advanceTo moves the desk's clock to the UTC instant given.
func (d *desk) advanceTo(t *testing.T, y int, m time.Month, day, hh, mm int) {
	t.Helper()
	to := time.Date(y, m, day, hh, mm, 0, 0, time.UTC)
	require.False(t, to.Before(d.clock.Now()), "the clock only moves forward")
	d.clock.Advance(to.Sub(d.clock.Now()))
}

func (d *desk) storedMetrics(t *testing.T, tk helpdesk.Ticket) helpdesk.TicketMetrics {
	t.Helper()
	m, err := d.s.StoredTicketMetrics(d.ctx(), d.tenant.ID, tk.ID)
	require.NoError(t, err)
	return m
}

// reportFixture builds the desk of docs/metrics.md's worked examples: a
// Madrid calendar (Monday to Friday 09:00–17:00, 19 March 2025 a holiday;
// Madrid is UTC+1 until 30 March), a policy with targets of 2 h first
// reply, 4 h next reply and 16 h resolution in business hours, and four
// tickets whose every figure is computed by hand in the comments.
type reportFixture struct {
	d          *desk
	a, b, c, x helpdesk.Ticket
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	week := [7]string{1: "09:00-17:00", 2: "09:00-17:00", 3: "09:00-17:00", 4: "09:00-17:00", 5: "09:00-17:00"}
	cal, err := d.svc.SaveCalendar(ctx, d.admin.Actor(), 0, helpdesk.CalendarInput{
		Name: "Madrid", TimeZone: "Europe/Madrid", Hours: week, Holidays: []string{"2025-03-19 San José"}})
	require.NoError(t, err)
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(120, 240, 16*60), Calendar: cal.ID})
	n1, err := d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Nivel 1", Tier: 1, Members: []helpdesk.UserID{d.agent.ID}})
	require.NoError(t, err)
	n2, err := d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Nivel 2", Tier: 2, Members: []helpdesk.UserID{d.agent.ID}})
	require.NoError(t, err)
	f := &reportFixture{d: d}
	cust, agent := d.cust.Actor(), d.agent.Actor()

	// A: opened on Friday 14 March at 16:00 Madrid (15:00 UTC).
	d.advanceTo(t, 2025, 3, 14, 15, 0)
	f.a = d.open(t, cust, helpdesk.NewTicket{Subject: "No puedo entrar en la intranet"})
	d.advanceTo(t, 2025, 3, 17, 8, 50) // Monday 09:50 Madrid: asks for details
	d.reply(t, agent, f.a.Number, helpdesk.StatusPending)
	d.advanceTo(t, 2025, 3, 18, 10, 0) // Tuesday 11:00: the requester answers
	d.reply(t, cust, f.a.Number, "")
	d.advanceTo(t, 2025, 3, 20, 9, 0) // Thursday 10:00 (Wednesday is a holiday): solved
	d.reply(t, agent, f.a.Number, helpdesk.StatusSolved)
	d.advanceTo(t, 2025, 3, 20, 10, 0)
	_, err = d.svc.Rate(ctx, cust, f.a.Number, 4, "Bien, pero lento")
	require.NoError(t, err)

	// B: Monday 24 March 09:00 Madrid; routed, escalated, solved in one reply.
	d.advanceTo(t, 2025, 3, 24, 8, 0)
	f.b = d.open(t, cust, helpdesk.NewTicket{Subject: "Necesito acceso a la VPN"})
	d.advanceTo(t, 2025, 3, 24, 8, 10)
	g1 := n1.ID
	_, err = d.svc.Assign(ctx, agent, helpdesk.TicketVersion{Number: f.b.Number}, helpdesk.Assignment{Group: &g1})
	require.NoError(t, err)
	d.advanceTo(t, 2025, 3, 24, 8, 30)
	_, err = d.svc.Escalate(ctx, agent, helpdesk.TicketVersion{Number: f.b.Number}, n2.ID)
	require.NoError(t, err)
	d.advanceTo(t, 2025, 3, 24, 9, 0)
	d.reply(t, agent, f.b.Number, helpdesk.StatusSolved)

	// C: Monday 11:00 Madrid; solved, reopened by the requester, solved again.
	d.advanceTo(t, 2025, 3, 24, 10, 0)
	f.c = d.open(t, cust, helpdesk.NewTicket{Subject: "La impresora no imprime"})
	d.advanceTo(t, 2025, 3, 24, 11, 0)
	d.reply(t, agent, f.c.Number, helpdesk.StatusSolved)
	d.advanceTo(t, 2025, 3, 24, 13, 0)
	d.reply(t, cust, f.c.Number, "")
	d.advanceTo(t, 2025, 3, 24, 14, 0)
	d.reply(t, agent, f.c.Number, helpdesk.StatusSolved)

	// X: Monday 15:30 Madrid, never answered: the first reply target (2 h
	// of opening time) passes on Tuesday at 09:30 Madrid, 08:30 UTC.
	d.advanceTo(t, 2025, 3, 24, 14, 30)
	f.x = d.open(t, cust, helpdesk.NewTicket{Subject: "Pantalla en negro"})
	d.advanceTo(t, 2025, 3, 25, 11, 0)
	_, err = d.svc.ScanSLA(ctx, d.clock.Now(), 100)
	require.NoError(t, err)
	return f
}

func TestMetricRowsMatchHandComputedFigures(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	d := f.d
	no, yes := false, true
	sla := func(first, next, res helpdesk.SLAOutcome) map[helpdesk.SLAMetric]helpdesk.SLAOutcome {
		return map[helpdesk.SLAMetric]helpdesk.SLAOutcome{helpdesk.MetricFirstReply: first, helpdesk.MetricNextReply: next, helpdesk.MetricResolution: res}
	}

	a := d.storedMetrics(t, f.a)
	// First reply Fri 16:00 → Mon 09:50 Madrid: 65 h 50 min elapsed; open
	// hours Fri 16–17 and Mon 09–09:50, 1 h 50 min.
	assert.Equal(t, dur(h(65, 50), h(1, 50)), a.FirstReply)
	// Second reply: Tue 11:00 → Thu 10:00 Madrid: 47 h; Tue 11–17 (6 h),
	// Wednesday a holiday, Thu 09–10 (1 h): 7 h.
	assert.Equal(t, []helpdesk.Durations{*dur(h(65, 50), h(1, 50)), *dur(h(47, 0), h(7, 0))}, a.Replies)
	// Resolution Fri 16:00 → Thu 10:00: 138 h; 1 + 8 + 8 + 0 + 1 = 18 h.
	assert.Equal(t, dur(h(138, 0), h(18, 0)), a.Resolution)
	// Waiting: Nuevo until Mon 09:50 (65 h 50 / 1 h 50), not while
	// Pendiente, Abierto from Tue 11:00 to Thu 10:00 (47 h / 7 h).
	assert.Equal(t, dur(h(112, 50), h(8, 50)), a.RequesterWait)
	assert.Equal(t, 2, a.Touches)
	assert.Equal(t, 2, a.PublicReplies)
	assert.Equal(t, &no, a.FCR, "two public replies")
	// Next reply: 4 h of opening time from Tue 11:00 end Tue 15:00: breached.
	// Resolution, paused while Pendiente: 1 h + 50 min + 6 h + 1 h = 8 h 50 < 16 h.
	assert.Equal(t, sla(helpdesk.SLAAchieved, helpdesk.SLABreached, helpdesk.SLAAchieved), a.SLA)
	assert.Equal(t, 4, a.CSAT)

	b := d.storedMetrics(t, f.b)
	assert.Equal(t, dur(h(1, 0), h(1, 0)), b.FirstReply)
	assert.Equal(t, dur(h(1, 0), h(1, 0)), b.Resolution)
	assert.Equal(t, dur(h(1, 0), h(1, 0)), b.RequesterWait)
	assert.Equal(t, 3, b.Touches, "route, escalate, reply")
	assert.Equal(t, 1, b.Escalations)
	assert.Equal(t, &yes, b.FCR)
	assert.Equal(t, sla(helpdesk.SLAAchieved, helpdesk.SLANone, helpdesk.SLAAchieved), b.SLA)
	assert.Zero(t, b.CSAT)

	c := d.storedMetrics(t, f.c)
	assert.Equal(t, []helpdesk.Durations{*dur(h(1, 0), h(1, 0)), *dur(h(1, 0), h(1, 0))}, c.Replies)
	assert.Equal(t, dur(h(4, 0), h(4, 0)), c.Resolution, "creation → the last Resuelto")
	assert.Equal(t, dur(h(2, 0), h(2, 0)), c.RequesterWait, "not while Resuelto")
	assert.Equal(t, 1, c.Reopens)
	assert.Equal(t, &no, c.FCR, "reopened")
	assert.Equal(t, sla(helpdesk.SLAAchieved, helpdesk.SLAAchieved, helpdesk.SLAAchieved), c.SLA)

	x := d.storedMetrics(t, f.x)
	assert.Nil(t, x.FirstReply)
	assert.Nil(t, x.Resolution)
	assert.Nil(t, x.FCR)
	assert.True(t, x.DoneAt.IsZero())
	assert.Equal(t, sla(helpdesk.SLABreached, helpdesk.SLANone, helpdesk.SLAActive), x.SLA)

	for _, tk := range []helpdesk.Ticket{f.a, f.b, f.c, f.x} {
		stored, fresh, err := d.svc.CheckTicketMetrics(d.ctx(), d.admin.Actor(), tk.Number)
		require.NoError(t, err)
		assert.Equal(t, fresh, stored, "ticket %s: the stored row is what its history gives", tk.Number)
	}
}

func TestReportFiguresMatchHandComputedFigures(t *testing.T) {
	t.Parallel()
	f := newReportFixture(t)
	d := f.d
	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	from, to, err := helpdesk.ResolvePeriod(helpdesk.PeriodCustom, "2025-03-10", "2025-03-25", madrid, d.clock.Now())
	require.NoError(t, err)
	ov, err := d.svc.ReportOverview(d.ctx(), d.admin.Actor(), helpdesk.ReportFilter{From: from, To: to, Location: madrid})
	require.NoError(t, err)
	s := ov.Current
	assert.Equal(t, 4, s.Created)
	assert.Equal(t, 3, s.Solved)
	assert.Equal(t, 1, s.Backlog)
	// First replies 65 h 50, 1 h, 1 h: median 1 h; p90 interpolates 80 %
	// of the way from 1 h to 65 h 50: 52 h 52 min. Business 1 h 50, 1 h, 1 h.
	assert.Equal(t, helpdesk.Stat{N: 3, Median: *dur(h(1, 0), h(1, 0)), P90: *dur(h(52, 52), h(1, 40))}, s.FirstReply)
	// Replies 1, 1, 1, 47, 65 h 50: p90 at 3.6 → 47 h + 0.6 × 18 h 50 = 58 h 18.
	// Business 1, 1, 1, 1 h 50, 7 h: 1 h 50 + 0.6 × 5 h 10 = 4 h 56.
	assert.Equal(t, helpdesk.Stat{N: 5, Median: *dur(h(1, 0), h(1, 0)), P90: *dur(h(58, 18), h(4, 56))}, s.Reply)
	// Resolutions 1, 4, 138 h (business 1, 4, 18): p90 4 + 0.8 × 134 = 111 h 12.
	assert.Equal(t, helpdesk.Stat{N: 3, Median: *dur(h(4, 0), h(4, 0)), P90: *dur(h(111, 12), h(15, 12))}, s.Resolution)
	assert.Equal(t, 1, s.FCR)
	assert.Equal(t, 1, s.Reopened)
	assert.Equal(t, 1, s.Escalated)
	assert.InDelta(t, 7.0/3, s.Touches, 1e-9)
	assert.Equal(t, map[helpdesk.SLAMetric]helpdesk.SLACount{
		helpdesk.MetricFirstReply: {Achieved: 3, Breached: 1},
		helpdesk.MetricNextReply:  {Achieved: 1, Breached: 1},
		helpdesk.MetricResolution: {Achieved: 3, Active: 1},
	}, s.SLA)
	assert.Equal(t, 1, s.Rated)
	assert.InDelta(t, 4.0, s.CSAT(), 1e-9)

	require.Len(t, ov.Series, 16)
	last := ov.Series[len(ov.Series)-1]
	assert.Equal(t, 1, last.Backlog, "X is open at the end of the 25th")
	mon := ov.Series[14] // 24 March
	assert.Equal(t, helpdesk.DayPoint{Day: time.Date(2025, 3, 24, 0, 0, 0, 0, madrid), Created: 3, Solved: 2, Backlog: 1}, mon)

	// Every figure's tickets.
	list, err := d.svc.ReportTickets(d.ctx(), d.admin.Actor(), ov.Filter, helpdesk.SetBreached, helpdesk.MetricFirstReply)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, f.x.Number, list[0].Number)

	// An agent sees their own figures only: the customer's tickets are
	// assigned to nobody, so the agent's overview is empty.
	mine, err := d.svc.ReportOverview(d.ctx(), d.agent.Actor(), helpdesk.ReportFilter{From: from, To: to, Location: madrid})
	require.NoError(t, err)
	assert.Equal(t, d.agent.ID, mine.Filter.Agent)
	_, err = d.svc.ReportOverview(d.ctx(), d.cust.Actor(), helpdesk.ReportFilter{From: from, To: to, Location: madrid})
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
}
