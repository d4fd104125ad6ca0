package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// allPriorities gives every priority the same targets (minutes).
func allPriorities(first, next, resolution int) map[helpdesk.Priority]helpdesk.SLATargets {
	out := map[helpdesk.Priority]helpdesk.SLATargets{}
	for _, p := range helpdesk.Priorities() {
		out[p] = helpdesk.SLATargets{FirstReply: first, NextReply: next, Resolution: resolution}
	}
	return out
}

func (d *desk) policy(t *testing.T, id helpdesk.SLAPolicyID, in helpdesk.SLAPolicyInput) helpdesk.SLAPolicy {
	t.Helper()
	if in.Name == "" {
		in.Name = fmt.Sprintf("Política %d", time.Now().UnixNano())
	}
	p, err := d.svc.SavePolicy(d.ctx(), d.admin.Actor(), id, in)
	require.NoError(t, err)
	return p
}

// clockRow is a sla_clocks row as text: state, due (UTC, "-" for none),
// breached ("-" for none).
func (d *desk) clockRows(t *testing.T, tk helpdesk.Ticket) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(d.ctx(), `SELECT metric, state, due_at, breached_at FROM sla_clocks
			WHERE tenant_id = $1 AND ticket_id = $2`, int64(d.tenant.ID), int64(tk.ID))
		if err != nil {
			return err
		}
		var metric, state string
		var due, breached *time.Time
		_, err = pgx.ForEachRow(rows, []any{&metric, &state, &due, &breached}, func() error {
			out[metric] = state + " " + stamp(due) + " " + stamp(breached)
			return nil
		})
		return err
	}))
	return out
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("01-02T15:04")
}

// clockLog lists the ticket's clock events as "metric kind cycle".
func (d *desk) clockLog(t *testing.T, tk helpdesk.Ticket) []string {
	t.Helper()
	var out []string
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(d.ctx(), `SELECT metric, kind, cycle FROM sla_clock_events
			WHERE tenant_id = $1 AND ticket_id = $2 AND kind <> 'apply' ORDER BY id`, int64(d.tenant.ID), int64(tk.ID))
		if err != nil {
			return err
		}
		var metric, kind string
		var cycle int
		_, err = pgx.ForEachRow(rows, []any{&metric, &kind, &cycle}, func() error {
			out = append(out, fmt.Sprintf("%s %s %d", metric, kind, cycle))
			return nil
		})
		return err
	}))
	return out
}

func (d *desk) nextDue(t *testing.T, tk helpdesk.Ticket) string {
	t.Helper()
	var due *time.Time
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(d.ctx(), `SELECT next_due_at FROM tickets WHERE tenant_id = $1 AND id = $2`,
			int64(d.tenant.ID), int64(tk.ID)).Scan(&due)
	}))
	return stamp(due)
}

func (d *desk) reply(t *testing.T, by helpdesk.Actor, n helpdesk.TicketNumber, status helpdesk.Status) helpdesk.Ticket {
	t.Helper()
	res, err := d.svc.Reply(d.ctx(), by, helpdesk.TicketVersion{Number: n},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Respuesta"}, Public: true, Status: status})
	require.NoError(t, err)
	return res.Ticket
}

// ticketSLA is ticket n's clocks as the agent's workspace shows them.
func (d *desk) ticketSLA(t *testing.T, n helpdesk.TicketNumber) helpdesk.SLAClocks {
	t.Helper()
	ws, err := d.svc.StaffWorkspace(d.ctx(), d.agent.Actor(), n)
	require.NoError(t, err)
	return ws.SLA
}

func (d *desk) historyKinds(t *testing.T, tk helpdesk.Ticket, kind helpdesk.EventKind) []helpdesk.Event {
	t.Helper()
	tl, err := d.svc.Timeline(d.ctx(), d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	var out []helpdesk.Event
	for _, e := range tl {
		if e.Event != nil && e.Event.Kind == kind {
			out = append(out, *e.Event)
		}
	}
	return out
}

// The clock starts on Monday 10 March 2025, 09:00 UTC.

func TestSLAResolutionPausesInPendingAndResumesOnReopen(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(120, 60, 8*60)})
	tk := d.openFor(t, d.cust, "La VPN no conecta")
	assert.Equal(t, map[string]string{
		"first_reply": "running 03-10T11:00 -",
		"resolution":  "running 03-10T17:00 -",
	}, d.clockRows(t, tk))
	assert.Equal(t, "03-10T11:00", d.nextDue(t, tk), "the ticket sorts by its earliest deadline")

	d.clock.Advance(time.Hour) // 10:00: the agent asks for information
	d.reply(t, d.agent.Actor(), tk.Number, helpdesk.StatusPending)
	rows := d.clockRows(t, tk)
	assert.Equal(t, "fulfilled - -", rows["first_reply"])
	assert.Equal(t, "paused - -", rows["resolution"], "Pendiente pauses the resolution clock")
	assert.Equal(t, "-", d.nextDue(t, tk))

	d.clock.Advance(5 * time.Hour) // 15:00: the requester answers; the ticket reopens by itself
	d.reply(t, d.cust.Actor(), tk.Number, "")
	rows = d.clockRows(t, tk)
	assert.Equal(t, "running 03-10T22:00 -", rows["resolution"], "one hour used, seven left from 15:00")
	assert.Equal(t, "running 03-10T16:00 -", rows["next_reply"], "the requester's message starts the next-reply clock")

	d.clock.Advance(30 * time.Minute) // 15:30: solved
	d.solve(t, tk.Number)
	rows = d.clockRows(t, tk)
	assert.Equal(t, "fulfilled - -", rows["resolution"])
	assert.Equal(t, "stopped - -", rows["next_reply"], "solving stops an unanswered reply clock without breaching it")

	d.clock.Advance(2 * time.Hour) // 17:30: the requester replies to the solution: reopened
	d.reply(t, d.cust.Actor(), tk.Number, "")
	rows = d.clockRows(t, tk)
	// 1h + 30min used: 6h30 left from 17:30.
	assert.Equal(t, "running 03-11T00:00 -", rows["resolution"], "a reopen resumes the resolution clock where it stopped")

	tl := d.ticketSLA(t, tk.Number)
	res := tl.Clocks[helpdesk.MetricResolution]
	assert.Equal(t, 90*time.Minute, res.Consumed)
	require.Len(t, res.Paused, 1)
	assert.Equal(t, "10:00-15:00", res.Paused[0].From.Format("15:04")+"-"+res.Paused[0].To.Format("15:04"))
	assert.Equal(t, []string{
		"first_reply activate 1", "resolution activate 1",
		"first_reply fulfil 1", "resolution pause 1",
		"next_reply activate 1", "resolution resume 1",
		"resolution fulfil 1", "next_reply stop 1",
		"next_reply activate 2", "resolution resume 1",
	}, d.clockLog(t, tk))
}

func TestSLAOnHoldPausesOnlyWhenThePolicySaysSo(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	p := d.policy(t, 0, helpdesk.SLAPolicyInput{Name: "Estándar", Targets: allPriorities(0, 0, 240)})
	tk := d.openFor(t, d.cust, "Esperando al proveedor")
	_, err := d.svc.ChangeStatus(d.ctx(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.StatusOnHold)
	require.NoError(t, err)
	assert.Equal(t, "running 03-10T13:00 -", d.clockRows(t, tk)["resolution"], "En espera does not pause by default")

	d.policy(t, p.ID, helpdesk.SLAPolicyInput{Name: "Estándar", Targets: allPriorities(0, 0, 240), PauseOnHold: true})
	tk2 := d.openFor(t, d.cust, "Otro proveedor")
	d.clock.Advance(time.Hour)
	_, err = d.svc.ChangeStatus(d.ctx(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk2.Number}, helpdesk.StatusOnHold)
	require.NoError(t, err)
	assert.Equal(t, "paused - -", d.clockRows(t, tk2)["resolution"])
	d.clock.Advance(time.Hour)
	_, err = d.svc.ChangeStatus(d.ctx(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk2.Number}, helpdesk.StatusOpen)
	require.NoError(t, err)
	assert.Equal(t, "running 03-10T14:00 -", d.clockRows(t, tk2)["resolution"])
}

func TestSLANextReplyPerRequesterMessage(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(60, 30, 0)})
	tk := d.openFor(t, d.cust, "Consulta de factura")

	d.clock.Advance(10 * time.Minute)
	d.reply(t, d.cust.Actor(), tk.Number, "") // before any agent reply: first reply still runs
	assert.NotContains(t, d.clockRows(t, tk), "next_reply")

	d.clock.Advance(10 * time.Minute) // 09:20
	d.reply(t, d.agent.Actor(), tk.Number, "")
	d.clock.Advance(10 * time.Minute) // 09:30
	d.reply(t, d.cust.Actor(), tk.Number, "")
	assert.Equal(t, "running 03-10T10:00 -", d.clockRows(t, tk)["next_reply"])
	d.clock.Advance(10 * time.Minute) // 09:40: a second message does not restart the clock
	d.reply(t, d.cust.Actor(), tk.Number, "")
	assert.Equal(t, "running 03-10T10:00 -", d.clockRows(t, tk)["next_reply"])

	d.clock.Advance(5 * time.Minute)
	_, err := d.svc.AddNote(d.ctx(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.CommentInput{Body: "nota"})
	require.NoError(t, err)
	assert.Equal(t, "running 03-10T10:00 -", d.clockRows(t, tk)["next_reply"], "an internal note is not a reply")
	d.reply(t, d.agent.Actor(), tk.Number, "")
	assert.Equal(t, "fulfilled - -", d.clockRows(t, tk)["next_reply"])

	d.clock.Advance(time.Hour) // 10:45
	d.reply(t, d.cust.Actor(), tk.Number, "")
	assert.Equal(t, "running 03-10T11:15 -", d.clockRows(t, tk)["next_reply"], "each answered message starts a new cycle")
	log := d.clockLog(t, tk)
	assert.Equal(t, []string{"next_reply activate 1", "next_reply fulfil 1", "next_reply activate 2"},
		filter(log, "next_reply"))
}

func filter(log []string, prefix string) []string {
	var out []string
	for _, l := range log {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestSLAPolicyReappliesWhenPriorityOrCategoryChanges(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	cat, err := d.s.CreateCategory(d.ctx(), d.tenant.ID, helpdesk.Category{Name: "Caídas"})
	require.NoError(t, err)
	targets := allPriorities(0, 0, 8*60)
	targets[helpdesk.PriorityUrgent] = helpdesk.SLATargets{Resolution: 120}
	d.policy(t, 0, helpdesk.SLAPolicyInput{Name: "General", Targets: targets})
	tk := d.openFor(t, d.cust, "Servidor caído")
	assert.Equal(t, "running 03-10T17:00 -", d.clockRows(t, tk)["resolution"])

	d.clock.Advance(time.Hour)
	tk, err = d.svc.SetPriority(d.ctx(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.PriorityUrgent)
	require.NoError(t, err)
	assert.Equal(t, "running 03-10T11:00 -", d.clockRows(t, tk)["resolution"], "the urgent target counts from creation")

	// A policy for the category, moved before the general one, applies
	// once the category is set: four hours, one already used.
	caidas := d.policy(t, 0, helpdesk.SLAPolicyInput{Name: "Caídas", Categories: []helpdesk.CategoryID{cat.ID}, Targets: allPriorities(0, 0, 240)})
	require.NoError(t, d.svc.MovePolicy(d.ctx(), d.admin.Actor(), caidas.ID, true))
	assert.Equal(t, "running 03-10T11:00 -", d.clockRows(t, tk)["resolution"], "moving a policy the ticket does not match changes nothing")
	_, err = d.svc.SetCategory(d.ctx(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, cat.ID)
	require.NoError(t, err)
	assert.Equal(t, "running 03-10T13:00 -", d.clockRows(t, tk)["resolution"])

	sla := d.ticketSLA(t, tk.Number)
	require.NotNil(t, sla.Policy)
	assert.Equal(t, "Caídas", sla.Policy.Name)
}

func TestSLACalendarChangeRecomputesOpenTickets(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	week := [7]string{"", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", ""}
	cal, err := d.svc.SaveCalendar(d.ctx(), d.admin.Actor(), 0, helpdesk.CalendarInput{Name: "Madrid", TimeZone: "Europe/Madrid", Hours: week})
	require.NoError(t, err)
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(0, 0, 8*60), Calendar: cal.ID})
	tk := d.openFor(t, d.cust, "Alta de usuario") // Monday 10:00 in Madrid
	assert.Equal(t, "running 03-10T17:00 -", d.clockRows(t, tk)["resolution"], "8 business hours from 10:00 Madrid: closing time, 17:00 UTC")

	week[1], week[2] = "09:00-14:00", "09:00-14:00"
	_, err = d.svc.SaveCalendar(d.ctx(), d.admin.Actor(), cal.ID, helpdesk.CalendarInput{Name: "Madrid", TimeZone: "Europe/Madrid", Hours: week})
	require.NoError(t, err)
	assert.Equal(t, "running 03-11T12:00 -", d.clockRows(t, tk)["resolution"], "4h Monday + 4h Tuesday: the open ticket's deadline moved")
	assert.Equal(t, "03-11T12:00", d.nextDue(t, tk))
}

func TestSLABreachIsRecordedOnceAndStays(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	p := d.policy(t, 0, helpdesk.SLAPolicyInput{Name: "Rápida", Targets: allPriorities(60, 0, 0)})
	tk := d.openFor(t, d.cust, "Sin respuesta")

	res, err := d.svc.ScanSLA(d.ctx(), d.clock.Now(), 100)
	require.NoError(t, err)
	assert.Zero(t, res.Tickets, "nothing is due yet")

	d.clock.Advance(61 * time.Minute)
	res, err = d.svc.ScanSLA(d.ctx(), d.clock.Now(), 100)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.ScanResult{Tickets: 1, Breaches: 1}, res)
	assert.Equal(t, "running 03-10T10:00 03-10T10:00", d.clockRows(t, tk)["first_reply"], "breached at the deadline, not at the scan")
	res, err = d.svc.ScanSLA(d.ctx(), d.clock.Now().Add(time.Hour), 100)
	require.NoError(t, err)
	assert.Zero(t, res.Tickets, "a recorded breach with nothing else pending is not scanned again")

	// A longer target later does not erase the breach.
	d.policy(t, p.ID, helpdesk.SLAPolicyInput{Name: "Rápida", Targets: allPriorities(600, 0, 0)})
	assert.Equal(t, "running 03-10T19:00 03-10T10:00", d.clockRows(t, tk)["first_reply"])
	d.reply(t, d.agent.Actor(), tk.Number, "")
	assert.Equal(t, "fulfilled - 03-10T10:00", d.clockRows(t, tk)["first_reply"])
	assert.Len(t, d.historyKinds(t, tk, helpdesk.EventSLABreached), 1)
	assert.Equal(t, []string{"first_reply activate 1", "resolution activate 1", "first_reply breach 1", "first_reply fulfil 1"}, d.clockLog(t, tk))
}

func TestSLABreachFoundByTheOperationThatEndsTheClock(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(30, 0, 0)})
	tk := d.openFor(t, d.cust, "Tarde")
	d.clock.Advance(45 * time.Minute) // the reply comes late, before any scan
	d.reply(t, d.agent.Actor(), tk.Number, "")
	assert.Equal(t, "fulfilled - 03-10T09:30", d.clockRows(t, tk)["first_reply"])
	assert.Len(t, d.historyKinds(t, tk, helpdesk.EventSLABreached), 1)
}

func TestSLAEscalationLadderFiresEachLevelOnce(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	n1, err := d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Nivel 1", Tier: 1, Members: []helpdesk.UserID{d.agent.ID}})
	require.NoError(t, err)
	n2, err := d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Nivel 2", Tier: 2, Members: []helpdesk.UserID{d.admin.ID}})
	require.NoError(t, err)
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(0, 0, 100), Escalations: []helpdesk.EscalationLevel{
		{Metric: helpdesk.MetricResolution, Percent: 75, NotifyAssignee: true, NotifyLeads: true},
		{Percent: 100, RaisePriority: true, NextTier: true, NotifyAdmins: true},
	}})
	tk := d.openFor(t, d.cust, "Escalar")
	_, err = d.svc.Assign(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.Assignment{Group: &n1.ID, Agent: &d.agent.ID})
	require.NoError(t, err)

	notes := &notes{}
	d.svc = helpdesk.NewService(d.s, testHasher, d.clock.Now, helpdesk.WithSLANotifier(notes))
	d.clock.Advance(70 * time.Minute)
	res, err := d.svc.ScanSLA(ctx, d.clock.Now(), 100)
	require.NoError(t, err)
	assert.Zero(t, res.Escalations, "70 %% is below the first level")

	d.clock.Advance(10 * time.Minute) // 80 %
	res, err = d.svc.ScanSLA(ctx, d.clock.Now(), 100)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.ScanResult{Tickets: 1, Escalations: 1}, res)
	require.Len(t, notes.got, 1)
	assert.Equal(t, d.agent.ID, notes.got[0].Assignee)
	assert.Equal(t, n1.ID, notes.got[0].Group)
	res, err = d.svc.ScanSLA(ctx, d.clock.Now().Add(time.Minute), 100)
	require.NoError(t, err)
	assert.Zero(t, res.Escalations, "a level fires once")

	d.clock.Advance(25 * time.Minute) // past the target
	res, err = d.svc.ScanSLA(ctx, d.clock.Now(), 100)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.ScanResult{Tickets: 1, Breaches: 1, Escalations: 1}, res)
	after, err := d.svc.Ticket(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.PriorityHigh, after.Priority, "raised one step from normal")
	assert.Equal(t, n2.ID, after.Group, "moved to the next tier")
	assert.Equal(t, 1, after.Escalations)

	for i := 0; i < 3; i++ {
		res, err = d.svc.ScanSLA(ctx, d.clock.Now().Add(time.Duration(i)*time.Hour), 100)
		require.NoError(t, err)
		assert.Zero(t, res.Escalations+res.Breaches)
	}
	fired := d.historyKinds(t, tk, helpdesk.EventSLAEscalated)
	require.Len(t, fired, 2)
	assert.Equal(t, "75", fired[0].From)
	assert.Equal(t, "notify_assignee notify_leads", fired[0].To)
	assert.Equal(t, "100", fired[1].From)
	assert.Equal(t, "notify_admins raise_priority next_tier", fired[1].To)
	assert.Len(t, notes.got, 2)
}

type notes struct{ got []helpdesk.SLANotification }

func (n *notes) NotifySLA(_ context.Context, _ helpdesk.Store, x helpdesk.SLANotification) error {
	n.got = append(n.got, x)
	return nil
}

// The SLA views page through tickets by deadline with the keyset, ties
// broken by id, and the filters are ranges of the due index.
func TestSLAViewsPageByDeadline(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(60, 0, 0)})
	var want []helpdesk.TicketNumber
	for i := 0; i < 7; i++ {
		for j := 0; j < 2; j++ { // two tickets per deadline: the id decides
			want = append(want, d.openFor(t, d.cust, fmt.Sprintf("Ticket %d.%d", i, j)).Number)
		}
		d.clock.Advance(10 * time.Minute)
	}
	// Now 10:20: the first six tickets (due 10:00, 10:10, 10:20) are overdue
	// and, with a 30-minute window, those due 10:30, 10:40 and 10:50 are due soon.
	d.clock.Advance(10 * time.Minute)
	require.NoError(t, d.svc.SetSoonWindow(ctx, d.admin.Actor(), 30*time.Minute))
	pages := func(view helpdesk.SLAView) []helpdesk.TicketNumber {
		var got []helpdesk.TicketNumber
		q := helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{SLA: view}, Sort: helpdesk.Sort{Key: helpdesk.SortDue}, Limit: 3}
		for {
			page, err := d.svc.Tickets(ctx, d.agent.Actor(), q)
			require.NoError(t, err)
			for _, s := range page.Tickets {
				got = append(got, s.Number)
			}
			if page.Next.IsZero() {
				return got
			}
			q.Cursor = page.Next
		}
	}
	assert.Equal(t, want[:6], pages(helpdesk.SLAOverdue), "due at or before 10:20")
	assert.Equal(t, want[6:12], pages(helpdesk.SLADueSoon), "due after 10:20, up to 10:50")
	assert.Equal(t, want, pages(helpdesk.SLAViewNone))
	counts, err := d.svc.CountTickets(ctx, d.agent.Actor(), []helpdesk.TicketFilter{{SLA: helpdesk.SLAOverdue}, {SLA: helpdesk.SLADueSoon}})
	require.NoError(t, err)
	assert.Equal(t, []int{6, 6}, counts)
}

// Tickets from before the SLA engine (no clock events at all) get their
// clocks from their creation once a policy is saved.
func TestSLAFirstPolicyStartsClocksOfExistingTickets(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	d.exec(t, `INSERT INTO tickets (tenant_id, number, subject, status, priority, urgency, impact, channel,
			guest_name, guest_email, status_changed_at, created_at, updated_at, version)
		VALUES ($1, 1, 'Antiguo', 'open', 2, 'medium', 'medium', 'web', 'Ana', 'ana@example.com', $2, $2, $2, 1),
			($1, 2, 'Esperando', 'pending', 2, 'medium', 'medium', 'web', 'Ana', 'ana@example.com', $3, $2, $3, 1)`,
		int64(d.tenant.ID), d.clock.Now(), d.clock.Now().Add(time.Hour))
	d.exec(t, `SELECT ticket_numbers_follow($1)`, int64(d.tenant.ID))
	d.clock.Advance(2 * time.Hour)
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(0, 0, 240)})
	old, err := d.svc.Ticket(d.ctx(), d.agent.Actor(), 1)
	require.NoError(t, err)
	waiting, err := d.svc.Ticket(d.ctx(), d.agent.Actor(), 2)
	require.NoError(t, err)
	assert.Equal(t, "running 03-10T13:00 -", d.clockRows(t, old)["resolution"], "counted from its creation at 09:00")
	assert.Equal(t, "paused - -", d.clockRows(t, waiting)["resolution"], "pending since 10:00")
	sla := d.ticketSLA(t, 2)
	assert.Equal(t, time.Hour, sla.Clocks[helpdesk.MetricResolution].Consumed)
}

// A change too large to recompute at once recomputes up to the limit and
// leaves the rest to the scan, which moves their deadlines within its run.
func TestSLALargeRecomputeGoesThroughTheScan(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	d.svc.SetSLARecomputeLimit(1)
	p := d.policy(t, 0, helpdesk.SLAPolicyInput{Name: "Base", Targets: allPriorities(0, 0, 600)})
	var tks []helpdesk.Ticket
	for i := 0; i < 3; i++ {
		tks = append(tks, d.openFor(t, d.cust, fmt.Sprintf("Ticket %d", i)))
	}
	d.policy(t, p.ID, helpdesk.SLAPolicyInput{Name: "Base", Targets: allPriorities(0, 0, 120)})
	assert.Equal(t, "running 03-10T11:00 -", d.clockRows(t, tks[0])["resolution"], "within the limit: at once")
	assert.Equal(t, "running 03-10T19:00 -", d.clockRows(t, tks[2])["resolution"], "past the limit: not yet")
	res, err := d.svc.ScanSLA(d.ctx(), d.clock.Now(), 100)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Tickets)
	for _, tk := range tks {
		assert.Equal(t, "running 03-10T11:00 -", d.clockRows(t, tk)["resolution"])
	}
	res, err = d.svc.ScanSLA(d.ctx(), d.clock.Now(), 100)
	require.NoError(t, err)
	assert.Zero(t, res.Tickets, "each is due again only at its deadline")
}
