package mail

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

var trackLink = regexp.MustCompile(`/demo/track/([A-Za-z0-9_-]{43})`)

// TestGuestLinksAreMailed: a guest's ticket is acknowledged with a working
// tracking link, and "send me my link again" mails a new one to the
// guest's address only when number and email match.
func TestGuestLinksAreMailed(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	ctx := context.Background()
	out := &sink{}
	r.deliver.SMTP = loopbackSMTP(serve(t, out, "127.0.0.1:0"))
	r.runJobs(t)

	tk, _, err := r.svc.OpenGuestTicket(ctx, r.desks["demo"], helpdesk.GuestTicketInput{Name: "Invitada", Email: "invitada@example.com",
		Subject: "Sin factura", Description: "No me llegó la factura."})
	require.NoError(t, err)
	require.NoError(t, r.svc.RequestGuestLink(ctx, r.desks["demo"].ID, helpdesk.GuestLinkLookup{Number: itoa(int64(tk.Number)), Email: "otra@example.com"}))
	require.NoError(t, r.svc.RequestGuestLink(ctx, r.desks["demo"].ID, helpdesk.GuestLinkLookup{Number: "999", Email: "invitada@example.com"}))
	require.NoError(t, r.svc.RequestGuestLink(ctx, r.desks["demo"].ID, helpdesk.GuestLinkLookup{Number: itoa(int64(tk.Number)), Email: "INVITADA@example.com"}))
	r.drain(t)

	sent := out.all()
	require.Len(t, sent, 2, "the acknowledgement and one link; nothing for the pairs that do not match")
	for _, m := range sent {
		assert.Equal(t, "invitada@example.com", m.to)
		env, err := enmime.ReadEnvelope(bytes.NewReader(m.raw))
		require.NoError(t, err)
		match := trackLink.FindStringSubmatch(env.Text)
		require.NotNil(t, match, env.Text)
		got, _, err := r.svc.GuestTicket(ctx, r.desks["demo"].ID, match[1])
		require.NoError(t, err, "the mailed link opens the ticket")
		assert.Equal(t, tk.Number, got.Number)
	}
	assert.Equal(t, 3, r.count(t, "demo", `SELECT count(*) FROM guest_link_requests WHERE resolved_at IS NOT NULL`))
}

// TestAgentNoticesByMail: a mention in an internal note reaches the agent
// mentioned, with the note, and never the requester.
func TestAgentNoticesByMail(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	ctx := context.Background()
	out := &sink{}
	r.deliver.SMTP = loopbackSMTP(serve(t, out, "127.0.0.1:0"))
	r.runJobs(t)
	luis, err := r.store.CreateUser(ctx, r.desks["demo"].ID, helpdesk.User{Email: "luis@demo.example", Name: "Luis Segundo",
		Role: helpdesk.RoleAgent, Active: true})
	require.NoError(t, err)
	res, _ := r.receive(t, "demo", readEML(t, "gmail_alternative.eml"))
	_, err = r.svc.AddNote(ctx, r.agents["demo"].Actor(), helpdesk.TicketVersion{Number: res.Ticket},
		helpdesk.CommentInput{Body: "@luis revisa el tóner, es confidencial"})
	require.NoError(t, err)
	r.drain(t)
	var toLuis []sunk
	for _, m := range out.all() {
		if m.to == luis.Email {
			toLuis = append(toLuis, m)
		}
		env, err := enmime.ReadEnvelope(bytes.NewReader(m.raw))
		require.NoError(t, err)
		if m.to == "rosa@example.com" {
			assert.NotContains(t, env.Text, "confidencial", "an internal note never reaches the requester")
		}
	}
	require.Len(t, toLuis, 1)
	env, err := enmime.ReadEnvelope(bytes.NewReader(toLuis[0].raw))
	require.NoError(t, err)
	assert.Contains(t, env.Text, "Ana Agente te ha mencionado")
	assert.Contains(t, env.Text, "revisa el tóner")
	assert.Contains(t, env.Text, "/demo/agent/tickets/"+itoa(int64(res.Ticket)))
	assert.Equal(t, "auto-generated", env.GetHeader("Auto-Submitted"))
}
