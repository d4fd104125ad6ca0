package postgres_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/mail"
	"github.com/atiende/atiende/internal/pgtest"
)

// ruleNotices lists the rule notices queued for ticket, oldest first.
func (d *desk) ruleNotices(t *testing.T, ticket helpdesk.TicketID) []helpdesk.OutboundMail {
	t.Helper()
	all, err := d.s.OutboundMails(d.ctx(), d.tenant.ID, 500)
	require.NoError(t, err)
	var out []helpdesk.OutboundMail
	for _, m := range all {
		if m.Kind == helpdesk.MailRuleNotice && m.Ticket == ticket {
			out = append(out, m)
		}
	}
	slices.Reverse(out)
	return out
}

type notice struct {
	To   helpdesk.UserID
	Body string
}

func noticesOf(ms []helpdesk.OutboundMail) []notice {
	var out []notice
	for _, m := range ms {
		out = append(out, notice{m.Recipient, m.Body})
	}
	return out
}

// A trigger's notify actions are mailed in the change's transaction, to
// the requester, the group's members (less the one who turned rule
// notices off) and its leads, once per cascade, and render with the
// rule's text and the ticket's reference, threaded and automatic.
func TestRuleNoticeQueuedOnceAndRendered(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignManual)
	ctx := r.ctx()
	ana, luis, marta := r.agents[0], r.agents[1], r.agents[2]
	require.NoError(t, r.tx(func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE group_members SET is_lead = true WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3`,
			int64(r.tenant.ID), int64(r.group.ID), int64(luis.ID))
		return err
	}))
	require.NoError(t, r.s.SetAgentSettings(ctx, r.tenant.ID, marta.ID, helpdesk.AgentSettings{Availability: helpdesk.Available,
		NotificationsOff: []helpdesk.NotificationKind{helpdesk.NotifyRule}}))
	require.NoError(t, r.s.SetAgentSettings(ctx, r.tenant.ID, luis.ID, helpdesk.AgentSettings{Availability: helpdesk.Available, Language: "en"}))
	r.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Urgente avisa", Event: helpdesk.OnUpdated, Position: 1,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondPriority, Op: helpdesk.OpIs, Value: "urgent"}},
		Actions: []helpdesk.Action{
			{Type: helpdesk.ActNotify, Value: "requester", Text: "Hola {{requester.name}}, miramos {{ticket.number}} ya."},
			{Type: helpdesk.ActNotify, Value: "group", Text: "Urgente: {{ticket.subject}}"},
			{Type: helpdesk.ActNotify, Value: "group_leads", Text: "Vigila {{ticket.number}}"},
			{Type: helpdesk.ActNotify, Value: "assignee", Text: "nadie asignado"},
		}})
	// A later trigger that changes the ticket makes the cascade run the
	// list again: the notifying rule must not fire (nor mail) twice.
	r.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Marca", Event: helpdesk.OnUpdated, Position: 2,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondPriority, Op: helpdesk.OpIs, Value: "urgent"}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "urgente"}}})

	tk := r.openIn(t, "Caída <total>")
	assert.Empty(t, r.ruleNotices(t, tk.ID), "created is not updated")
	stale := at(tk)
	_, err := r.svc.SetPriority(ctx, ana.Actor(), stale, helpdesk.PriorityUrgent)
	require.NoError(t, err)

	want := []notice{
		{r.cust.ID, fmt.Sprintf("Hola %s, miramos %s ya.", r.cust.Name, tk.Number)},
		{ana.ID, "Urgente: Caída <total>"}, // the system acts: the agent who changed it is told too
		{luis.ID, "Urgente: Caída <total>"},
		{luis.ID, "Vigila " + tk.Number.String()},
	}
	got := r.ruleNotices(t, tk.ID)
	assert.Equal(t, want, noticesOf(got), "marta turned rule notices off; nobody is assigned")
	assert.Equal(t, []string{"urgente"}, r.staffTicket(t, tk.Number).Tags, "the second trigger ran")
	assert.Len(t, r.events(t, tk.Number, helpdesk.EventNotificationQueued), 3, "three notify actions applied, the assignee one skipped")

	// Replaying the same update is refused (stale version) and mails
	// nothing; a later, unrelated update does not match again either.
	_, err = r.svc.SetPriority(ctx, ana.Actor(), stale, helpdesk.PriorityUrgent)
	require.ErrorIs(t, err, helpdesk.ErrConflict)
	cur := r.staffTicket(t, tk.Number)
	_, err = r.svc.SetTags(ctx, ana.Actor(), at(cur), []string{"urgente", "red"})
	require.NoError(t, err)
	assert.Len(t, r.ruleNotices(t, tk.ID), 8, "a new update is a new cascade: the rule fires again, once")
	assert.Equal(t, want, noticesOf(r.ruleNotices(t, tk.ID))[4:])

	// The intents stay as the record and are handed over at once, so no
	// other sender would mail them again.
	pending, err := r.s.PendingNotifications(ctx, r.tenant.ID, 50)
	require.NoError(t, err)
	assert.Empty(t, pending)
	var intents int
	require.NoError(t, r.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM notification_intents WHERE tenant_id = $1 AND ticket_id = $2 AND kind = 'automation' AND sent_at IS NOT NULL`,
			int64(r.tenant.ID), int64(tk.ID)).Scan(&intents)
	}))
	assert.Equal(t, 6, intents)

	// Rendered: the reference in the subject, the rule's text (escaped in
	// HTML), automatic, threaded under the ticket; the agent in English
	// with the console link, the requester with the ticket's page.
	render := func(m helpdesk.OutboundMail) *enmime.Envelope {
		m.Number = tk.Number
		content, err := r.svc.MailContent(ctx, r.tenant.ID, m)
		require.NoError(t, err)
		out, err := mail.Render(mail.Message{Mail: m, Tenant: r.tenant, Content: content, Inbound: "acme@localhost", Domain: "localhost",
			BaseURL: "https://help.example", Signer: helpdesk.NewThreadSigner([]byte("0123456789abcdef0123456789abcdef")), Now: r.clock.Now()})
		require.NoError(t, err)
		env, err := enmime.ReadEnvelope(bytes.NewReader(out.Raw))
		require.NoError(t, err)
		assert.Equal(t, "["+tk.Number.String()+"] Caída <total>", env.GetHeader("Subject"))
		assert.Equal(t, "auto-generated", env.GetHeader("Auto-Submitted"))
		assert.NotEmpty(t, env.GetHeader("In-Reply-To"))
		assert.True(t, strings.HasPrefix(env.GetHeader("References"), "<"), "threaded under the ticket's root id")
		return env
	}
	env := render(got[0])
	assert.Contains(t, env.Text, want[0].Body)
	assert.Contains(t, env.Text, "https://help.example/acme/tickets/"+fmt.Sprint(int64(tk.Number)))
	assert.Equal(t, "es", env.GetHeader("Content-Language"))
	env = render(got[2])
	assert.Contains(t, env.Text, "Urgente: Caída <total>")
	assert.Contains(t, env.HTML, "Urgente: Caída &lt;total&gt;")
	assert.NotContains(t, env.HTML, "<total>")
	assert.Contains(t, env.Text, "https://help.example/acme/agent/tickets/"+fmt.Sprint(int64(tk.Number)))
	assert.Equal(t, "en", env.GetHeader("Content-Language"), "Luis reads English")
}

// A rule whose execution fails rolls the whole change back: the notice
// queued by its first action goes with it.
func TestRuleNoticeRolledBackWithTheChange(t *testing.T) {
	t.Parallel()
	r := newRoutedDesk(t, newDesk(t, pgtest.New(t), "acme"), helpdesk.AssignManual)
	ctx := r.ctx()
	// The second text is within a rule's limit but, with the subject
	// filled in, too long for the database: the run fails after the
	// first notice was queued.
	huge := strings.Repeat("{{ticket.subject}} ", 3000)
	r.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Falla", Event: helpdesk.OnUpdated,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondPriority, Op: helpdesk.OpIs, Value: "urgent"}},
		Actions: []helpdesk.Action{
			{Type: helpdesk.ActNotify, Value: "requester", Text: "Hola"},
			{Type: helpdesk.ActNotify, Value: "group", Text: huge},
		}})
	tk := r.openIn(t, "Un asunto bastante largo para desbordar")
	_, err := r.svc.SetPriority(ctx, r.agent.Actor(), at(tk), helpdesk.PriorityUrgent)
	require.ErrorContains(t, err, "notification_intents_message_check")
	assert.Empty(t, r.ruleNotices(t, tk.ID), "nothing queued")
	assert.NotEqual(t, helpdesk.PriorityUrgent, r.staffTicket(t, tk.Number).Priority, "the change itself rolled back")
	var intents int
	require.NoError(t, r.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM notification_intents WHERE tenant_id = $1`, int64(r.tenant.ID)).Scan(&intents)
	}))
	assert.Zero(t, intents)
}
