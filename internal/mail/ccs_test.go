package mail

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Requester-side CCs over real sockets: the Cc header of a new ticket's
// mail copies the addresses (not the desk's own, not a broken one); an
// agent's public reply goes to the requester and to each CC, an internal
// note to nobody; a CC's answer threads onto the ticket as the CC's own
// customer account, by token and by "[#n]"; a stranger's "[#n]" does not.
func TestCCsReceiveRepliesAndAnswerByMail(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	ctx := context.Background()
	inAddr := r.startReceiver(t, 1<<20)
	out := &sink{}
	r.deliver.SMTP = loopbackSMTP(serve(t, out, "127.0.0.1:0"))
	r.proc.Domain = "localhost"
	r.runJobs(t)
	send := func(from, raw string) helpdesk.InboundMail {
		t.Helper()
		require.NoError(t, sendPlain(inAddr, from, []string{"demo@localhost"}, strings.NewReader(raw)))
		r.drain(t)
		in, err := r.store.InboundMails(ctx, r.desks["demo"].ID, 1)
		require.NoError(t, err)
		return in[0]
	}

	first := send("rosa@example.com", "From: Rosa <rosa@example.com>\r\nTo: demo@localhost\r\n"+
		"Cc: Luis <LUIS@example.com>, demo@localhost, rosa@example.com, not-an-address\r\n"+
		"Subject: Impresora\r\nMessage-ID: <cc-1@example.com>\r\n\r\nNo imprime.\r\n")
	require.Equal(t, helpdesk.OutcomeNewTicket, first.Outcome)
	n := first.Ticket
	ws, err := r.svc.StaffWorkspace(ctx, r.agents["demo"].Actor(), n)
	require.NoError(t, err)
	assert.Equal(t, []string{"luis@example.com"}, ws.CCs)

	agent := r.agents["demo"].Actor()
	_, err = r.svc.Reply(ctx, agent, helpdesk.TicketVersion{Number: n},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Nota interna: tóner."}, Public: false})
	require.NoError(t, err)
	_, err = r.svc.Reply(ctx, agent, helpdesk.TicketVersion{Number: n},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Cambiamos el tóner."}, Public: true})
	require.NoError(t, err)
	r.drain(t)
	var toLuis []sunk
	for _, m := range out.all() {
		assert.NotContains(t, string(m.raw), "Nota interna", "an internal note is never mailed")
		if m.to == "luis@example.com" {
			toLuis = append(toLuis, m)
		}
	}
	require.Len(t, toLuis, 1, "the CC gets the public reply and nothing else")
	env, err := enmime.ReadEnvelope(bytes.NewReader(toLuis[0].raw))
	require.NoError(t, err)
	assert.Contains(t, env.Text, "Cambiamos el tóner.")
	msgID := strings.Trim(env.GetHeader("Message-Id"), "<>")

	// The CC answers their copy: threaded by token, as Luis.
	got := send("luis@example.com", fmt.Sprintf("From: Luis <luis@example.com>\r\nTo: demo@localhost\r\n"+
		"Subject: Re: impresora\r\nMessage-ID: <cc-2@example.com>\r\nIn-Reply-To: <%s>\r\n\r\nA mí tampoco.\r\n", msgID))
	assert.Equal(t, helpdesk.OutcomeReply, got.Outcome)
	assert.Equal(t, n, got.Ticket)
	// By subject reference alone, as well.
	got = send("luis@example.com", fmt.Sprintf("From: luis@example.com\r\nTo: demo@localhost\r\n"+
		"Subject: Otra cosa [#%d]\r\nMessage-ID: <cc-3@example.com>\r\n\r\nY el escáner.\r\n", n))
	assert.Equal(t, helpdesk.OutcomeReply, got.Outcome)
	assert.Equal(t, n, got.Ticket)
	// A stranger's subject reference is not proof: a new ticket.
	got = send("eva@example.com", fmt.Sprintf("From: eva@example.com\r\nTo: demo@localhost\r\n"+
		"Subject: Re: [#%d]\r\nMessage-ID: <cc-4@example.com>\r\n\r\nHola.\r\n", n))
	assert.Equal(t, helpdesk.OutcomeNewTicket, got.Outcome)

	luis, err := r.store.UserByEmail(ctx, r.desks["demo"].ID, "luis@example.com")
	require.NoError(t, err)
	assert.Equal(t, helpdesk.RoleCustomer, luis.Role)
	assert.Equal(t, 2, r.count(t, "demo", `SELECT count(*) FROM comments c JOIN tickets t ON t.tenant_id = c.tenant_id AND t.id = c.ticket_id
		WHERE t.number = $1 AND c.author_id = $2`, int64(n), int64(luis.ID)))
	assert.Equal(t, 1, r.count(t, "demo", `SELECT count(*) FROM events WHERE kind = 'cc_added'`))
}
