package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// waitFor returns the first message to addr whose text contains part.
func (mb *mailbox) waitFor(addr, part string) sentMail {
	mb.t.Helper()
	return mb.waitMatch(addr, "text with "+part, func(m sentMail) bool { return strings.Contains(m.Text, part) })
}

// waitSubject returns the first message to addr whose subject contains
// part.
func (mb *mailbox) waitSubject(addr, part string) sentMail {
	mb.t.Helper()
	return mb.waitMatch(addr, "subject with "+part, func(m sentMail) bool { return strings.Contains(m.Subject, part) })
}

// waitMatch returns the first message to addr that ok accepts, waiting up
// to 30 seconds for it.
func (mb *mailbox) waitMatch(addr, what string, ok func(sentMail) bool) sentMail {
	mb.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, m := range mb.to(addr) {
			if ok(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			mb.t.Fatalf("no message to %s (%s) within 30s (have %d)", addr, what, len(mb.to(addr)))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestClaimAccountFromMail: a customer whose first ticket came by email
// (an account without a password) finds a first-password link in the
// acknowledgement; once set, the portal lists that ticket and the one
// they opened as a guest with the same address. Signing up again with the
// address mails a link instead of refusing.
func TestClaimAccountFromMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withMail())
	d := e.newDesk("acme")
	mb := e.startMail(t)
	ctx := context.Background()
	const rosa = "rosa@example.com"

	raw := "From: Rosa Díaz <" + rosa + ">\r\nTo: acme@localhost\r\nSubject: La impresora no imprime\r\n" +
		"Message-ID: <claim-1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNo imprime nada.\r\n"
	_, _, err := e.svc.AcceptEmail(ctx, d.tenant.ID, helpdesk.InboundMail{MessageID: "claim-1@example.com", From: rosa,
		Subject: "La impresora no imprime", Raw: []byte(raw)})
	require.NoError(t, err)
	ack := mb.waitFor(rosa, "/acme/reset/")
	assert.Contains(t, ack.Subject, "La impresora no imprime")

	guest, _, err := e.svc.OpenGuestTicket(ctx, d.tenant, helpdesk.GuestTicketInput{Name: "Rosa", Email: rosa,
		Subject: "Factura duplicada", Description: "Me cobrasteis dos veces."})
	require.NoError(t, err)

	c := e.client()
	link := ack.link(t)
	res := c.get(link)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, text(res, `[data-testid="reset-page"] h1`), "Crea tu contraseña")
	res = c.post(link, url.Values{"password": {newPassword}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = c.post("/acme/login", url.Values{"email": {rosa}, "password": {newPassword}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	res = c.get("/acme/tickets?status=all")
	require.Equal(t, http.StatusOK, res.status)
	list := text(res, `[data-testid="tickets-table"]`)
	assert.Contains(t, list, "La impresora no imprime")
	assert.Contains(t, list, "Factura duplicada", "the guest ticket is theirs now")
	assert.Equal(t, http.StatusOK, c.get("/acme/tickets/"+itoa(int64(guest.Number))).status)

	// Sign-up with the address: a link by mail, not "already taken". The
	// guest ticket's acknowledgement is waited for first: it travels on
	// another queue and could otherwise land after the count is taken.
	mb.waitFor(rosa, "Factura duplicada")
	before := len(mb.to(rosa))
	res = e.client().post("/acme/signup", url.Values{"name": {"Rosa"}, "email": {rosa}, "password": {"cualquier frase larga"}})
	require.Equal(t, http.StatusOK, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="signup-mailed"]`))
	reset := mb.wait(rosa, before+1)
	assert.Contains(t, reset.Subject, "contraseña nueva")
	assert.Equal(t, http.StatusOK, e.client().get(reset.link(t)).status)
}
