package postgres_test

import (
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// A rule applies a shared macro: its status, priority and tags, and its
// text as a public reply by the automation that the requester is mailed,
// which is no agent reply (the requester still waits). Once the macro is
// deleted the action fails on the ticket's history and in the rule's log,
// and the ticket is left as it was.
func TestRuleAppliesASharedMacroAndFailsVisiblyOnceItIsGone(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	m, err := d.svc.CreateMacro(ctx, d.admin.Actor(), helpdesk.MacroInput{Name: "Recibido", Shared: true,
		Body: "Hola {{requester.name}}, revisamos tu caso.", Status: "pending", Priority: "high", Tags: "acuse"})
	require.NoError(t, err)
	mine, err := d.svc.CreateMacro(ctx, d.agent.Actor(), helpdesk.MacroInput{Name: "Mía", Body: "x"})
	require.NoError(t, err)
	act := func(id helpdesk.MacroID) []helpdesk.Action {
		return []helpdesk.Action{{Type: helpdesk.ActApplyMacro, Value: strconv.FormatInt(int64(id), 10)}}
	}
	_, err = d.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Personal", Event: helpdesk.OnCreated, Actions: act(mine.ID)})
	assert.ErrorContains(t, err, "action_0=error.rule_value", "personal macros are not offered")
	r := d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Acuse", Event: helpdesk.OnCreated, Actions: act(m.ID)})

	tk := d.openFor(t, d.cust, "No puedo entrar")
	got := d.staffTicket(t, tk.Number)
	assert.Equal(t, helpdesk.StatusPending, got.Status)
	assert.Equal(t, helpdesk.PriorityHigh, got.Priority)
	assert.Equal(t, []string{"acuse"}, got.Tags)
	assert.Zero(t, got.PublicAgentReplies, "the automation is no agent")
	assert.False(t, got.RequesterWaitingSince.IsZero(), "the requester still waits for a person")
	var body, author string
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT body, author_kind FROM comments WHERE tenant_id = $1 AND ticket_id = $2
			AND visibility = 'public' ORDER BY id DESC LIMIT 1`, int64(d.tenant.ID), int64(tk.ID)).Scan(&body, &author)
	}))
	assert.Equal(t, "Hola "+d.cust.Name+", revisamos tu caso.", body)
	assert.Equal(t, "system", author)
	mails, err := d.s.OutboundMails(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	replies, pendings := 0, 0
	for _, ml := range mails {
		if ml.Ticket == tk.ID && ml.Kind == helpdesk.MailReply {
			replies++
		}
		if ml.Ticket == tk.ID && ml.Kind == helpdesk.MailPending {
			pendings++
		}
	}
	assert.Equal(t, 1, replies, "the requester is mailed the reply")
	assert.Zero(t, pendings, "the reply says it all: no separate Pendiente notice")

	require.NoError(t, d.svc.DeleteMacro(ctx, d.admin.Actor(), m.ID))
	tk2 := d.openFor(t, d.cust, "Otra cosa")
	got = d.staffTicket(t, tk2.Number)
	assert.Equal(t, helpdesk.StatusNew, got.Status, "nothing of the macro")
	assert.Empty(t, got.Tags)
	failed := d.events(t, tk2.Number, helpdesk.EventAutomationFailed)
	require.Len(t, failed, 1)
	assert.Equal(t, string(helpdesk.FailNotFound), failed[0].Field)
	assert.Equal(t, "apply_macro", failed[0].From)
	_, runs, err := d.svc.RuleRuns(ctx, d.admin.Actor(), r.ID)
	require.NoError(t, err)
	require.Len(t, runs, 2)
	assert.Equal(t, 1, runs[0].Failed)
	assert.Equal(t, helpdesk.FailNotFound, runs[0].Steps[0].Failure)
}
