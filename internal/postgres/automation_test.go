package postgres_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func (d *desk) rule(t *testing.T, r helpdesk.Rule) helpdesk.Rule {
	t.Helper()
	r.Active = true
	out, err := d.svc.SaveRule(d.ctx(), d.admin.Actor(), r)
	require.NoError(t, err)
	return out
}

// events returns the ticket's events of kind, in order.
func (d *desk) events(t *testing.T, n helpdesk.TicketNumber, kind helpdesk.EventKind) []helpdesk.Event {
	t.Helper()
	tl, err := d.svc.Timeline(d.ctx(), d.admin.Actor(), n)
	require.NoError(t, err)
	var out []helpdesk.Event
	for _, e := range tl {
		if e.Event != nil && e.Event.Kind == kind {
			out = append(out, *e.Event)
		}
	}
	return out
}

func (d *desk) staffTicket(t *testing.T, n helpdesk.TicketNumber) helpdesk.Ticket {
	t.Helper()
	tk, err := d.svc.Ticket(d.ctx(), d.admin.Actor(), n)
	require.NoError(t, err)
	return tk
}

func TestTriggerOnCreatedMatchesAndActs(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignManual)
	ctx := r.ctx()
	luis := r.agents[1]
	r.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Caídas urgentes", Event: helpdesk.OnCreated,
		Conditions: []helpdesk.Condition{
			{Field: helpdesk.CondCategory, Op: helpdesk.OpIs, Value: strconv.FormatInt(int64(r.cat.ID), 10)},
			{Field: helpdesk.CondBody, Op: helpdesk.OpContains, Value: "SERVIDOR"},
			{Field: helpdesk.CondChannel, Op: helpdesk.OpIs, Value: "web"},
		},
		Actions: []helpdesk.Action{
			{Type: helpdesk.ActSetPriority, Value: "urgent"},
			{Type: helpdesk.ActAddTag, Value: "caida"},
			{Type: helpdesk.ActSetAssignee, Value: strconv.FormatInt(int64(luis.ID), 10)},
			{Type: helpdesk.ActAddNote, Text: "Revisar el servidor primero."},
			{Type: helpdesk.ActNotify, Value: "requester", Text: "Miramos {{ticket.number}}, {{requester.name}}."},
		}})

	hit := r.open(t, r.cust.Actor(), helpdesk.NewTicket{Subject: "No va", Description: "El servidor no responde", Category: r.cat.ID})
	miss := r.open(t, r.cust.Actor(), helpdesk.NewTicket{Subject: "No va", Description: "La impresora", Category: r.cat.ID})

	got := r.staffTicket(t, hit.Number)
	assert.Equal(t, helpdesk.PriorityUrgent, got.Priority)
	assert.Equal(t, []string{"caida"}, got.Tags)
	assert.Equal(t, luis.ID, got.Assignee)
	assert.Equal(t, helpdesk.StatusOpen, got.Status)
	logs := r.events(t, hit.Number, helpdesk.EventAutomation)
	require.Len(t, logs, 1, "each execution is logged once")
	assert.Equal(t, "Caídas urgentes", logs[0].To)
	tl, err := r.svc.Timeline(ctx, r.admin.Actor(), hit.Number)
	require.NoError(t, err)
	var notes []string
	for _, e := range tl {
		if e.Comment != nil && e.Comment.Visibility == helpdesk.Internal && e.Comment.Author.Kind == helpdesk.AuthorSystem {
			notes = append(notes, e.Comment.Body)
		}
	}
	assert.Equal(t, []string{"Revisar el servidor primero."}, notes)
	assert.Len(t, r.events(t, hit.Number, helpdesk.EventNotificationQueued), 1)
	var rcpt, msg string
	require.NoError(t, r.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT recipient, message FROM notification_intents WHERE tenant_id = $1 AND sent_at IS NOT NULL`,
			int64(r.tenant.ID)).Scan(&rcpt, &msg)
	}))
	assert.Equal(t, string(helpdesk.RecipientRequester), rcpt, "recorded, and handed over to the outbox")
	assert.Equal(t, fmt.Sprintf("Miramos %s, %s.", hit.Number, r.cust.Name), msg, "placeholders filled as in macros")
	notices := r.ruleNotices(t, hit.ID)
	require.Len(t, notices, 1)
	assert.Equal(t, msg, notices[0].Body)

	got = r.staffTicket(t, miss.Number)
	assert.Empty(t, got.Tags)
	assert.Empty(t, r.events(t, miss.Number, helpdesk.EventAutomation))
}

// Two triggers that undo each other would loop forever; the cascade runs
// each once, and the next real update starts a new cascade.
func TestTriggersCannotLoop(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "ping", Event: helpdesk.OnCreatedOrUpdated, Position: 1,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondTag, Op: helpdesk.OpNotContains, Value: "ping"}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "ping"}, {Type: helpdesk.ActRemoveTag, Value: "pong"}}})
	d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "pong", Event: helpdesk.OnCreatedOrUpdated, Position: 2,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondTag, Op: helpdesk.OpContains, Value: "ping"}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActRemoveTag, Value: "ping"}, {Type: helpdesk.ActAddTag, Value: "pong"}}})

	tk := d.openFor(t, d.cust, "bucle")
	logs := d.events(t, tk.Number, helpdesk.EventAutomation)
	require.Len(t, logs, 2, "ping then pong, once each")
	assert.Equal(t, "ping", logs[0].To)
	assert.Equal(t, "pong", logs[1].To)
	assert.Equal(t, []string{"pong"}, d.staffTicket(t, tk.Number).Tags)

	// An agent's update is a new cascade: each may fire once more.
	cur := d.staffTicket(t, tk.Number)
	_, err := d.svc.SetPriority(ctx, d.agent.Actor(), at(cur), helpdesk.PriorityHigh)
	require.NoError(t, err)
	assert.Len(t, d.events(t, tk.Number, helpdesk.EventAutomation), 4)

	// The runs are recorded per (rule, ticket, cascade): a replay of the
	// same cascade claims nothing.
	var runs int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM automation_runs WHERE tenant_id = $1`, int64(d.tenant.ID)).Scan(&runs)
	}))
	assert.Equal(t, 4, runs)
	rules, err := d.svc.Rules(ctx, d.admin.Actor(), helpdesk.RuleTrigger)
	require.NoError(t, err)
	ok, err := d.s.ClaimRun(ctx, d.tenant.ID, rules[0].ID, cur.ID, int64(cur.Version)+1, d.clock.Now())
	require.NoError(t, err)
	assert.False(t, ok, "the rule already ran for that update")
}

func TestTriggerOnUpdatedSeesTheReply(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Gracias cierra", Event: helpdesk.OnUpdated,
		Conditions: []helpdesk.Condition{
			{Field: helpdesk.CondBody, Op: helpdesk.OpContains, Value: "gracias"},
			{Field: helpdesk.CondRequesterEmail, Op: helpdesk.OpContains, Value: "@acme.example"},
		},
		Actions: []helpdesk.Action{{Type: helpdesk.ActSetStatus, Value: "solved"}}})
	tk := d.openFor(t, d.cust, "duda")
	assert.Empty(t, d.events(t, tk.Number, helpdesk.EventAutomation), "created is not updated")
	_, err := d.svc.Reply(ctx, d.cust.Actor(), helpdesk.TicketVersion{Number: tk.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "¡Muchas GRACIAS!"}, Public: true})
	require.NoError(t, err)
	got := d.staffTicket(t, tk.Number)
	assert.Equal(t, helpdesk.StatusSolved, got.Status)
	assert.Zero(t, got.Assignee, "solving by rule assigns nobody")
}

func TestTimedRulesFireOncePerAnchor(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "Pendiente 24 h", Anchor: helpdesk.AnchorPending, Minutes: 24 * 60,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondPriority, Op: helpdesk.OpIsNot, Value: "low"}},
		Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "esperando"},
			{Type: helpdesk.ActNotify, Value: "assignee", Text: "Sigue pendiente"}}})
	a := d.openFor(t, d.cust, "a")
	b := d.openFor(t, d.cust, "b")
	low := d.openFor(t, d.cust, "baja")
	for _, tk := range []helpdesk.Ticket{a, b, low} {
		tk, err := d.svc.ChangeStatus(ctx, d.agent.Actor(), at(tk), helpdesk.StatusPending)
		require.NoError(t, err)
		if tk.Number == low.Number {
			_, err = d.svc.SetPriority(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.PriorityLow)
			require.NoError(t, err)
		}
	}
	n, err := d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	assert.Zero(t, n, "not due yet")

	d.clock.Advance(25 * time.Hour)
	n, err = d.svc.RunTimedRules(ctx, d.tenant.ID, 1)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "bounded per run")
	n, err = d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the scan continues where it stopped; the low-priority one does not match")
	n, err = d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	assert.Zero(t, n, "each (ticket, anchor) once")
	assert.Equal(t, []string{"esperando"}, d.staffTicket(t, a.Number).Tags)
	assert.Equal(t, []string{"esperando"}, d.staffTicket(t, b.Number).Tags)
	assert.Empty(t, d.staffTicket(t, low.Number).Tags)
	assert.Len(t, d.events(t, a.Number, helpdesk.EventAutomation), 1)
	assert.Empty(t, d.events(t, a.Number, helpdesk.EventNotificationQueued), "unassigned: no one to notify")

	// Saving the rule restarts its scan, but the runs table keeps it from
	// firing again on the same anchor.
	rules, err := d.svc.Rules(ctx, d.admin.Actor(), helpdesk.RuleTimed)
	require.NoError(t, err)
	_, err = d.svc.SaveRule(ctx, d.admin.Actor(), rules[0])
	require.NoError(t, err)
	n, err = d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	assert.Zero(t, n)

	// Pending again later is a new anchor.
	cur := d.staffTicket(t, a.Number)
	cur, err = d.svc.ChangeStatus(ctx, d.agent.Actor(), at(cur), helpdesk.StatusOpen)
	require.NoError(t, err)
	_, err = d.svc.ChangeStatus(ctx, d.agent.Actor(), at(cur), helpdesk.StatusPending)
	require.NoError(t, err)
	d.clock.Advance(25 * time.Hour)
	n, err = d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Len(t, d.events(t, a.Number, helpdesk.EventAutomation), 2)
}

func TestPendingReminderOncePerPendingPeriod(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	require.NoError(t, d.svc.SetPendingReminder(ctx, d.admin.Actor(), 48))
	tk := d.openFor(t, d.cust, "espera")
	tk, err := d.svc.ChangeStatus(ctx, d.agent.Actor(), at(tk), helpdesk.StatusPending)
	require.NoError(t, err)
	pendingMails := func() int {
		var n int
		require.NoError(t, d.tx(func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE tenant_id = $1 AND ticket_id = $2 AND kind = 'pending'`,
				int64(d.tenant.ID), int64(tk.ID)).Scan(&n)
		}))
		return n
	}
	require.Equal(t, 1, pendingMails(), "going pending told the requester once")
	d.clock.Advance(47 * time.Hour)
	n, err := d.svc.RemindPendingDue(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	assert.Zero(t, n)
	d.clock.Advance(2 * time.Hour)
	total := 0
	for range 2 {
		n, err = d.svc.RemindPendingDue(ctx, d.tenant.ID, 100)
		require.NoError(t, err)
		total += n
	}
	assert.Equal(t, 1, total, "once per pending period")
	evs := d.events(t, tk.Number, helpdesk.EventNotificationQueued)
	require.Len(t, evs, 1)
	assert.Equal(t, "pending_reminder", evs[0].From)
	assert.Equal(t, 2, pendingMails(), "the reminder goes through the mail outbox")
	intents, err := d.s.PendingNotifications(ctx, d.tenant.ID, 10)
	require.NoError(t, err)
	assert.Empty(t, intents, "the reminder's intent is handed over to the outbox")
	assert.Equal(t, helpdesk.StatusPending, d.staffTicket(t, tk.Number).Status, "a reminder changes no status")

	// A new pending period gets its own reminder.
	cur := d.staffTicket(t, tk.Number)
	cur, err = d.svc.ChangeStatus(ctx, d.agent.Actor(), at(cur), helpdesk.StatusOpen)
	require.NoError(t, err)
	_, err = d.svc.ChangeStatus(ctx, d.agent.Actor(), at(cur), helpdesk.StatusPending)
	require.NoError(t, err)
	d.clock.Advance(49 * time.Hour)
	n, err = d.svc.RemindPendingDue(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	// The store's intent queue for the email channel: unsent first, then
	// marked sent.
	ok, err := d.s.RecordNotification(ctx, d.tenant.ID, helpdesk.NotificationIntent{Ticket: tk.ID, Kind: helpdesk.IntentAutomation,
		Recipient: helpdesk.RecipientGroup, Message: "m", CreatedAt: d.clock.Now()})
	require.NoError(t, err)
	require.True(t, ok)
	intents, err = d.s.PendingNotifications(ctx, d.tenant.ID, 10)
	require.NoError(t, err)
	require.Len(t, intents, 1)
	require.NoError(t, d.s.MarkNotificationSent(ctx, d.tenant.ID, intents[0].ID, d.clock.Now()))
	intents, err = d.s.PendingNotifications(ctx, d.tenant.ID, 10)
	require.NoError(t, err)
	assert.Empty(t, intents)
}

func TestRulePreviewAndValidation(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	d := newDesk(t, pool, "acme")
	other := newDesk(t, pool, "beta")
	ctx := d.ctx()
	for i := range 5 {
		d.openFor(t, d.cust, fmt.Sprintf("Impresora %d", i))
	}
	d.openFor(t, d.cust, "Red caída")
	p, err := d.svc.PreviewRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "x", Event: helpdesk.OnCreated,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondSubject, Op: helpdesk.OpContains, Value: "impresora"}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "hw"}}})
	require.NoError(t, err)
	assert.Len(t, p.Matches, 5)
	assert.Equal(t, 6, p.Scanned)
	assert.False(t, p.Limited)

	// Validation: every problem at once, per row; ids of another tenant
	// are refused.
	og, err := other.svc.CreateGroup(ctx, other.admin.Actor(), "Ajeno", 1, nil)
	require.NoError(t, err)
	_, err = d.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "", Anchor: "nope", Minutes: 0,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondStatus, Op: helpdesk.OpContains, Value: "open"},
			{Field: helpdesk.CondPriority, Op: helpdesk.OpIs, Value: "muy"}},
		Actions: []helpdesk.Action{{Type: helpdesk.ActSetGroup, Value: strconv.FormatInt(int64(og.ID), 10)},
			{Type: helpdesk.ActAddNote, Text: "a"}, {Type: helpdesk.ActAddNote, Text: "b"}}})
	var ve *helpdesk.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{
		"name": "error.required", "anchor": "error.required", "minutes": "error.rule_minutes",
		"condition_0": "error.rule_operator", "condition_1": "error.rule_value",
		"action_0": "error.rule_value", "action_2": "error.rule_one_note",
	}, ve.Fields)
	rules, err := d.svc.Rules(ctx, d.admin.Actor(), helpdesk.RuleTimed)
	require.NoError(t, err)
	assert.Empty(t, rules, "nothing saved")

	// Agents may not manage rules (the admin pages do not exist for them);
	// another tenant's rule is not found.
	_, err = d.svc.Rules(ctx, d.agent.Actor(), helpdesk.RuleTrigger)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	mine := d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "mía", Event: helpdesk.OnCreated,
		Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "x"}}})
	_, err = other.svc.Rule(ctx, other.admin.Actor(), mine.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	assert.ErrorIs(t, other.svc.DeleteRule(ctx, other.admin.Actor(), mine.ID), helpdesk.ErrNotFound)
	_, err = d.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "mía", Event: helpdesk.OnCreated,
		Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "x"}}})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.name_taken", ve.Fields["name"])

	// Every admin change is in the audit log, in the same transaction.
	require.NoError(t, d.svc.DeleteRule(ctx, d.admin.Actor(), mine.ID))
	require.NoError(t, d.svc.SetPendingReminder(ctx, d.admin.Actor(), 24))
	page, err := d.svc.AuditLog(ctx, d.admin.Actor(), helpdesk.AuditQuery{})
	require.NoError(t, err)
	var actions []string
	for _, e := range page.Entries {
		actions = append(actions, e.Action)
	}
	assert.Equal(t, []string{"automation_settings.update", "automation_rule.delete", "automation_rule.create"}, actions)
	assert.Equal(t, "mía", page.Entries[1].ObjectLabel)
	assert.Equal(t, `add_tag "x"`, page.Entries[1].Before["actions"])
	assert.Equal(t, "24", page.Entries[0].After["pending_reminder_hours"])
}

// A trigger that moves a new ticket to an automatic group gets it routed
// there, and an assignee who no longer applies is skipped, not fatal.
func TestTriggerMovesToAnAutomaticGroup(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignLeastLoaded)
	ctx := r.ctx()
	outsider := r.user(t, "fuera@acme.example", "Fuera", helpdesk.RoleAgent, 0)
	r.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Correo a soporte", Event: helpdesk.OnCreated,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondChannel, Op: helpdesk.OpIs, Value: "email"}},
		Actions: []helpdesk.Action{
			{Type: helpdesk.ActSetGroup, Value: strconv.FormatInt(int64(r.group.ID), 10)},
			{Type: helpdesk.ActSetAssignee, Value: strconv.FormatInt(int64(outsider.ID), 10)},
			{Type: helpdesk.ActAddTag, Value: "correo"},
		}})
	tk, err := r.svc.OpenTicket(ctx, helpdesk.System(r.tenant.ID), helpdesk.NewTicket{Subject: "Por correo", Description: "x",
		Channel: helpdesk.ChannelEmail, Requester: helpdesk.Requester{User: r.cust.ID}})
	require.NoError(t, err)
	got := r.staffTicket(t, tk.Number)
	assert.Equal(t, r.group.ID, got.Group)
	assert.Equal(t, r.agents[0].ID, got.Assignee, "routed in the new group; the outsider is not a member, so that action was skipped")
	assert.Equal(t, helpdesk.StatusOpen, got.Status)
	assert.Equal(t, []string{"correo"}, got.Tags, "the other actions still ran")
}
