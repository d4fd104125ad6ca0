package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestBulkMailIsNeverAnswered: list or bulk mail opens a ticket, but neither the acknowledgement nor a rule's notice reaches
// its sender; the same rules answer an ordinary sender.
func TestBulkMailIsNeverAnswered(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	for _, ev := range []helpdesk.RuleEvent{helpdesk.OnCreated, helpdesk.OnUpdated} {
		d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Aviso " + string(ev), Event: ev, Position: 1,
			Conditions: []helpdesk.Condition{{Field: helpdesk.CondPriority, Op: helpdesk.OpIsNot, Value: "urgent"}},
			Actions:    []helpdesk.Action{{Type: helpdesk.ActNotify, Value: "requester", Text: "Recibido {{ticket.number}}"}}})
	}
	receive := func(id, from string, auto helpdesk.AutoKind) helpdesk.InboundResult {
		t.Helper()
		mid, _, err := d.svc.AcceptEmail(ctx, d.tenant.ID, helpdesk.InboundMail{MessageID: id, From: from, Subject: "Boletín", Raw: []byte("x")})
		require.NoError(t, err)
		res, err := d.svc.ReceiveEmail(ctx, d.tenant.ID, mid, helpdesk.InboundEmail{MessageID: id,
			From: helpdesk.MailAddress{Email: from}, Subject: "Boletín", Text: "Hola", Auto: auto})
		require.NoError(t, err)
		return res
	}
	mailsTo := func(addr string) (n int) {
		t.Helper()
		all, err := d.s.OutboundMails(ctx, d.tenant.ID, 500)
		require.NoError(t, err)
		for _, m := range all {
			if m.To == addr {
				n++
			}
		}
		return n
	}

	res := receive("b1@news.example", "lista@news.example", helpdesk.AutoBulk)
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	assert.Zero(t, mailsTo("lista@news.example"), "no acknowledgement, no rule notice on creation")
	res = receive("b2@news.example", "lista@news.example", helpdesk.AutoBulk)
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	assert.Zero(t, mailsTo("lista@news.example"))

	res = receive("n1@example.com", "ana@example.com", "")
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	assert.Equal(t, 2, mailsTo("ana@example.com"), "an ordinary sender gets the acknowledgement and the rule's notice")
}
