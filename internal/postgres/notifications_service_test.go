package postgres_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hd "github.com/atiende/atiende/internal/helpdesk"
)

// TestNotificationsFollowTheChange: each change queues, in its own
// transaction, exactly the notices of docs/email.md, and nobody is told
// about their own action.
func TestNotificationsFollowTheChange(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, rosa, ana := c.ctx(), c.svc, c.rosa.Actor(), c.agent.Actor()
	luisSettings, err := c.s.AgentSettings(ctx, c.tenant.ID, c.luis.ID)
	require.NoError(t, err)
	luisSettings.NotificationsOff = []hd.NotificationKind{hd.NotifyAssigned}
	require.NoError(t, c.s.SetAgentSettings(ctx, c.tenant.ID, c.luis.ID, luisSettings))

	tk, err := svc.OpenTicket(ctx, rosa, hd.NewTicket{Subject: "Impresora", Description: "No imprime", Channel: hd.ChannelWeb})
	require.NoError(t, err)
	assert.Equal(t, []string{"ack:rosa@example.com"}, c.mails(t))
	at := hd.TicketVersion{Number: tk.Number}

	g, me := c.g1.ID, c.agent.ID
	_, err = svc.Assign(ctx, ana, at, hd.Assignment{Group: &g, Agent: &me})
	require.NoError(t, err)
	assert.Len(t, c.mails(t), 1, "taking a ticket yourself tells nobody")

	_, err = svc.Reply(ctx, ana, at, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "¿Qué modelo es?"}, Public: true, Status: hd.StatusPending})
	require.NoError(t, err)
	assert.Equal(t, []string{"ack:rosa@example.com", "reply:rosa@example.com"}, c.mails(t), "a reply that sets pending is one mail")
	out := c.outbox(t)
	assert.False(t, out[1].Auto, "a person's reply is not automatic")
	assert.NotZero(t, out[1].Comment)

	_, err = svc.AddNote(ctx, ana, at, hd.CommentInput{Body: "nota interna"})
	require.NoError(t, err)
	assert.Len(t, c.mails(t), 2, "internal notes mail nobody")

	_, err = svc.Reply(ctx, rosa, at, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "Una HP"}, Public: true})
	require.NoError(t, err)
	assert.Equal(t, "requester_reply:"+c.agent.Email, c.mails(t)[2], "the assignee hears of the requester's reply")

	_, err = svc.ChangeStatus(ctx, ana, at, hd.StatusSolved)
	require.NoError(t, err)
	assert.Equal(t, "solved:rosa@example.com", c.mails(t)[3])
	assert.True(t, c.outbox(t)[3].Auto)

	// Assigning to Luis, who turned assignment notices off, tells nobody;
	// assigning to Ana (by the admin) tells Ana.
	luis := c.luis.ID
	_, err = svc.Assign(ctx, c.admin.Actor(), at, hd.Assignment{Agent: &luis})
	require.NoError(t, err)
	assert.Len(t, c.mails(t), 4)
	_, err = svc.Assign(ctx, c.admin.Actor(), at, hd.Assignment{Agent: &me})
	require.NoError(t, err)
	mails := c.mails(t)
	assert.Equal(t, "assigned:"+c.agent.Email, mails[len(mails)-1])
}

func TestMentionsNotifyAgents(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc := c.ctx(), c.svc
	tk, err := svc.OpenTicket(ctx, c.rosa.Actor(), hd.NewTicket{Subject: "Red", Description: "No hay red", Channel: hd.ChannelWeb})
	require.NoError(t, err)
	before := len(c.mails(t))
	_, err = svc.AddNote(ctx, c.agent.Actor(), hd.TicketVersion{Number: tk.Number},
		hd.CommentInput{Body: "@luis ¿lo miras? (@agente soy yo; @rosa no es del equipo; luis@acme.example tampoco cuenta)"})
	require.NoError(t, err)
	assert.Equal(t, []string{"mention:luis@acme.example"}, c.mails(t)[before:])
	assert.NotZero(t, c.outbox(t)[before].Comment)
}

func TestSLANoticesByMail(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, tn := c.ctx(), c.tenant.ID
	g := c.g1
	g.Leads = []hd.UserID{c.luis.ID, c.agent.ID}
	_, err := c.s.UpdateGroup(ctx, tn, g)
	require.NoError(t, err)
	tk := c.openTicket(t)
	before := len(c.mails(t))
	n := hd.SLANotification{Tenant: tn, Ticket: tk.ID, Number: tk.Number, Metric: hd.MetricFirstReply, Assignee: c.agent.ID, Group: g.ID,
		Level: hd.EscalationLevel{Percent: 80, NotifyAssignee: true, NotifyLeads: true, NotifyAdmins: true}}
	require.NoError(t, c.s.InTx(ctx, tn, func(tx hd.Store) error { return hd.MailSLANotifier{}.NotifySLA(ctx, tx, n) }))
	assert.ElementsMatch(t, []string{"sla_warning:" + c.agent.Email, "sla_warning:luis@acme.example", "sla_warning:" + c.admin.Email},
		c.mails(t)[before:], "each once, even when assignee and lead")
	assert.Equal(t, "first_reply:80", c.outbox(t)[before].Detail)

	before = len(c.mails(t))
	n.Level = hd.EscalationLevel{Percent: 100, NotifyAssignee: true}
	require.NoError(t, c.s.InTx(ctx, tn, func(tx hd.Store) error { return hd.MailSLANotifier{}.NotifySLA(ctx, tx, n) }))
	assert.Equal(t, []string{"sla_breach:" + c.agent.Email}, c.mails(t)[before:])
}

// TestAcknowledgementsAreBraked: an address gets at most MaxAcksPerHour
// acknowledgements an hour, whatever opens the tickets.
func TestAcknowledgementsAreBraked(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc := c.ctx(), c.svc
	for i := range hd.MaxAcksPerHour + 3 {
		_, err := svc.OpenTicket(ctx, c.rosa.Actor(), hd.NewTicket{Subject: "Aviso " + strconv.Itoa(i), Description: "x", Channel: hd.ChannelWeb})
		require.NoError(t, err)
	}
	assert.Len(t, c.mails(t), hd.MaxAcksPerHour)
	c.clock.Advance(61 * time.Minute)
	_, err := svc.OpenTicket(ctx, c.rosa.Actor(), hd.NewTicket{Subject: "Otra hora", Description: "x", Channel: hd.ChannelWeb})
	require.NoError(t, err)
	assert.Len(t, c.mails(t), hd.MaxAcksPerHour+1, "an hour later they are acknowledged again")
}
