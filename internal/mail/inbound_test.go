package mail

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func kinds(ms []helpdesk.OutboundMail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, string(m.Kind)+":"+m.To)
	}
	return out
}

// TestCorpusOutcomes delivers the corpus to a desk and checks what each
// message does to it: new tickets, replies threaded by token and by a
// trusted subject reference, duplicates, loops suppressed, list mail
// unacknowledged.
func TestCorpusOutcomes(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo", "otra")
	ctx := context.Background()

	res, _ := r.receive(t, "demo", readEML(t, "gmail_alternative.eml"))
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	first := res.Ticket
	tk := r.ticket(t, "demo", first)
	assert.Equal(t, "Problema con la impresión", tk.Subject)
	assert.Equal(t, helpdesk.ChannelEmail, tk.Channel)
	assert.Equal(t, "rosa@example.com", tk.Requester.Email)
	assert.Equal(t, "Rosa Pérez", tk.Requester.Name, "a new customer takes the display name as a label")
	assert.Equal(t, []string{"ack:rosa@example.com"}, kinds(r.outbox(t, "demo")))

	_, dup := r.receive(t, "demo", readEML(t, "gmail_alternative.eml"))
	assert.True(t, dup, "the same Message-ID twice creates nothing new")
	assert.Equal(t, 1, r.count(t, "demo", `SELECT count(*) FROM tickets`))
	assert.Equal(t, 2, r.count(t, "demo", `SELECT count(*) FROM mail_inbound`), "the duplicate is logged")

	res, _ = r.receive(t, "demo", readEML(t, "outlook_related_inline.eml"))
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	tl, err := r.svc.Timeline(ctx, helpdesk.System(r.desks["demo"].ID), res.Ticket)
	require.NoError(t, err)
	require.NotEmpty(t, tl)
	var names []string
	for _, a := range tl[0].Comment.Attachments {
		names = append(names, a.Filename)
	}
	assert.ElementsMatch(t, []string{"presupuesto año.pdf", "image001.png"}, names, "attachments and inline images are kept")
	assert.Contains(t, tl[0].Comment.Body, "100 €")

	res, _ = r.receive(t, "demo", readEML(t, "apple_latin1.eml"))
	assert.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	assert.Equal(t, "Pedido urgente para mañana", r.ticket(t, "demo", res.Ticket).Subject)

	// A reply carrying our signed token lands on the ticket; the quoted
	// history is kept, folded.
	token := r.signer.Token(r.desks["demo"].ID, first, 1) + "@localhost"
	res, _ = r.receive(t, "demo", readEML(t, "thunderbird_reply.eml", "{{TOKEN}}", token, "{{NUMBER}}", "999"))
	assert.Equal(t, helpdesk.InboundResult{Outcome: helpdesk.OutcomeReply, Ticket: first}, res)
	tl, err = r.svc.Timeline(ctx, helpdesk.System(r.desks["demo"].ID), first)
	require.NoError(t, err)
	last := tl[len(tl)-1].Comment
	require.NotNil(t, last)
	assert.Equal(t, "Ya funciona, gracias. Solo queda la bandeja 2.", last.Body)
	assert.Contains(t, last.HTML, `<details class="mail-quote">`)
	assert.Contains(t, last.HTML, "Hemos reiniciado la impresora")

	// A subject reference counts for the requester…
	res, _ = r.receive(t, "demo", readEML(t, "gmail_reply_subject.eml", "{{NUMBER}}", itoa(int64(first)), "{{FROM}}", "rosa@example.com"))
	assert.Equal(t, helpdesk.InboundResult{Outcome: helpdesk.OutcomeReply, Ticket: first}, res)
	// …and not for anyone else: a stranger's mail opens its own ticket.
	res, _ = r.receive(t, "demo", readEML(t, "gmail_reply_subject.eml", "{{NUMBER}}", itoa(int64(first)),
		"{{FROM}}", "intruso@example.com", "gmail-0002", "gmail-0003"))
	assert.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	assert.NotEqual(t, first, res.Ticket)

	// A token of another tenant, or a forged one, never attaches.
	other := r.signer.Token(r.desks["otra"].ID, first, 1) + "@localhost"
	res, _ = r.receive(t, "demo", readEML(t, "thunderbird_reply.eml", "{{TOKEN}}", other, "{{NUMBER}}", "999", "tb-0001", "tb-0002"))
	assert.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	forged := strings.Replace(token, ".1.", ".2.", 1)
	res, _ = r.receive(t, "demo", readEML(t, "thunderbird_reply.eml", "{{TOKEN}}", forged, "{{NUMBER}}", "999", "tb-0001", "tb-0003"))
	assert.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)

	// Machines: no ticket and no acknowledgement for auto-replies and
	// bounces; list mail opens a ticket but is never acknowledged.
	before := len(r.outbox(t, "demo"))
	res, _ = r.receive(t, "demo", readEML(t, "autoreply_ooo.eml"))
	assert.Equal(t, helpdesk.InboundResult{Outcome: helpdesk.OutcomeLoopSuppressed, Detail: "auto_reply"}, res)
	res, _ = r.receive(t, "demo", readEML(t, "bounce_dsn.eml"))
	assert.Equal(t, helpdesk.InboundResult{Outcome: helpdesk.OutcomeLoopSuppressed, Detail: "bounce"}, res)
	res, _ = r.receive(t, "demo", readEML(t, "list_bulk.eml"))
	assert.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	assert.Len(t, r.outbox(t, "demo"), before, "nothing is sent to machines")

	// Outlook reply with an In-Reply-To that is not ours: a new ticket.
	res, _ = r.receive(t, "demo", readEML(t, "outlook_reply.eml"))
	assert.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	assert.Equal(t, "Factura", r.ticket(t, "demo", res.Ticket).Subject, "reply prefixes are dropped")

	// Nothing reached the other desk.
	assert.Zero(t, r.count(t, "otra", `SELECT count(*) FROM tickets`))
}

// TestRepliesFollowTheLifecycle: a mailed reply does what a customer's
// reply does: Pendiente → Abierto, Resuelto → reopened, Cerrado → a new
// ticket linked to the closed one.
func TestRepliesFollowTheLifecycle(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	ctx := context.Background()
	agent := r.agents["demo"].Actor()
	res, _ := r.receive(t, "demo", readEML(t, "gmail_alternative.eml"))
	n := res.Ticket
	reply := func(id string) helpdesk.InboundResult {
		token := r.signer.Token(r.desks["demo"].ID, n, 5) + "@localhost"
		res, _ := r.receive(t, "demo", readEML(t, "thunderbird_reply.eml", "{{TOKEN}}", token, "{{NUMBER}}", "1", "tb-0001", id))
		return res
	}

	_, err := r.svc.ChangeStatus(ctx, agent, helpdesk.TicketVersion{Number: n}, helpdesk.StatusPending)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.OutcomeReply, reply("p1").Outcome)
	assert.Equal(t, helpdesk.StatusOpen, r.ticket(t, "demo", n).Status)

	_, err = r.svc.ChangeStatus(ctx, agent, helpdesk.TicketVersion{Number: n}, helpdesk.StatusSolved)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.OutcomeReply, reply("s1").Outcome)
	tk := r.ticket(t, "demo", n)
	assert.Equal(t, helpdesk.StatusOpen, tk.Status)
	assert.Equal(t, 1, tk.Reopens)

	_, err = r.svc.ChangeStatus(ctx, agent, helpdesk.TicketVersion{Number: n}, helpdesk.StatusSolved)
	require.NoError(t, err)
	r.exec(t, "demo", `UPDATE tickets SET status = 'closed', closed_at = now(), version = version + 1 WHERE number = $1`, int64(n))
	res = reply("c1")
	assert.Equal(t, helpdesk.OutcomeFollowUp, res.Outcome)
	assert.NotEqual(t, n, res.Ticket)
	fu := r.ticket(t, "demo", res.Ticket)
	require.Len(t, fu.Links, 1)
	assert.Equal(t, helpdesk.LinkFollowUpOf, fu.Links[0].Kind)
	assert.Equal(t, n, fu.Links[0].Ticket.Number)
	assert.Equal(t, helpdesk.StatusClosed, r.ticket(t, "demo", n).Status, "the closed ticket is unchanged")
}

// TestSendersTheDeskRefuses: blocked customers are dropped, staff
// addresses refused, senders over the limit ignored; each is logged.
func TestSendersTheDeskRefuses(t *testing.T) {
	r := newRig(t, "demo")
	res, _ := r.receive(t, "demo", readEML(t, "gmail_alternative.eml"))
	require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	r.exec(t, "demo", `UPDATE users SET active = false WHERE email = 'rosa@example.com'`)
	res, _ = r.receive(t, "demo", readEML(t, "apple_latin1.eml", "maria@example.net", "rosa@example.com"))
	assert.Equal(t, helpdesk.OutcomeBlocked, res.Outcome)

	res, _ = r.receive(t, "demo", readEML(t, "apple_latin1.eml", "maria@example.net", "agente@demo.example", "APPLE-0001", "APPLE-0002"))
	assert.Equal(t, helpdesk.InboundResult{Outcome: helpdesk.OutcomeRejected, Detail: "staff_sender"}, res)

	r.proc.Limit = SenderLimit{Max: 2, Window: DefaultSenderLimit().Window}
	var outcomes []helpdesk.InboundOutcome
	for _, id := range []string{"r1", "r2", "r3"} {
		res, _ = r.receive(t, "demo", readEML(t, "list_bulk.eml", "list-0001", id))
		outcomes = append(outcomes, res.Outcome)
	}
	assert.Equal(t, []helpdesk.InboundOutcome{helpdesk.OutcomeNewTicket, helpdesk.OutcomeNewTicket, helpdesk.OutcomeRateLimited}, outcomes)
	assert.Equal(t, 1, r.count(t, "demo", `SELECT count(*) FROM mail_inbound WHERE outcome = 'blocked'`))
}

// TestMailOverTheLimitsKeepsItsText: files beyond the desk's limits do not
// cost the message; it lands without them and the log says why.
func TestMailOverTheLimitsKeepsItsText(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	b := enmime.Builder().From("Rosa", "rosa@example.com").To("", "demo@localhost").Subject("Muchas fotos").
		Header("Message-ID", "<many@example.com>").Text([]byte("Os mando las fotos del error."))
	for i := range helpdesk.DefaultAttachmentLimits().MaxFiles + 1 {
		b = b.AddAttachment([]byte("foto "+itoa(int64(i))), "image/png", "foto"+itoa(int64(i))+".png")
	}
	p, err := b.Build()
	require.NoError(t, err)
	var raw bytes.Buffer
	require.NoError(t, p.Encode(&raw))
	res, _ := r.receive(t, "demo", raw.Bytes())
	assert.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome)
	assert.Equal(t, "attachments_dropped", res.Detail)
	tl, err := r.svc.Timeline(context.Background(), helpdesk.System(r.desks["demo"].ID), res.Ticket)
	require.NoError(t, err)
	assert.Equal(t, "Os mando las fotos del error.", tl[0].Comment.Body)
	assert.Empty(t, tl[0].Comment.Attachments)

	// Five acknowledgements an hour at most to one address.
	for i := range 7 {
		r.receive(t, "demo", []byte("From: eco@example.com\r\nSubject: Eco "+itoa(int64(i))+"\r\nMessage-ID: <eco-"+itoa(int64(i))+"@example.com>\r\n\r\neco\r\n"))
	}
	assert.Equal(t, helpdesk.MaxAcksPerHour, r.count(t, "demo", `SELECT count(*) FROM mail_outbox WHERE kind = 'ack' AND to_addr = 'eco@example.com'`))
}
