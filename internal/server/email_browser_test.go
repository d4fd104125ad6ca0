package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/mail"
)

// TestBrowserMailLog shows the mail log as an admin meets it (mail that
// opened a ticket, a reply, a duplicate, an auto-reply, one that failed,
// notices in the local outbox) and one message of the outbox, takes
// screenshots at desktop and phone width, and checks both pages with axe
// in the light and dark colour schemes.
func TestBrowserMailLog(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	signer := helpdesk.NewThreadSigner([]byte("browser-test-secret-of-32-bytes!!"))
	e := newEnv(t, helpdesk.WithEmail(signer))
	d := e.newDesk("buzon")
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	proc := &mail.Processor{Service: e.svc, Store: e.store, Log: quiet}
	del := &mail.Deliverer{Service: e.svc, Store: e.store, Signer: signer, Domain: "localhost", BaseURL: e.url, Log: quiet}
	w := mail.NewWorker(e.store, proc, del, quiet)

	receive := func(raw string) helpdesk.InboundMailID {
		t.Helper()
		from, subject := mail.Summary([]byte(raw))
		id, dup, err := e.svc.AcceptEmail(ctx, d.tenant.ID, helpdesk.InboundMail{MessageID: mail.MessageID([]byte(raw)),
			EnvelopeFrom: "x@example.com", From: from, Subject: subject, Raw: []byte(raw)})
		require.NoError(t, err)
		if !dup {
			require.NoError(t, w.Handle(ctx, postgresJob(d.tenant.ID, "inbound", int64(id)), 1))
		}
		return id
	}
	first := "From: Lucía Gómez <lucia@example.com>\r\nTo: buzon@localhost\r\nSubject: Sin acceso a la intranet\r\nMessage-ID: <b1@example.com>\r\n\r\nDesde esta mañana la intranet da error 500.\r\n"
	receive(first)
	receive(first)
	receive("From: Pedro <pedro@example.com>\r\nSubject: Fuera de la oficina\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <b2@example.com>\r\n\r\nVuelvo el lunes.\r\n")
	failed := receive("From: Ana <ana@example.com>\r\nSubject: Adjunto roto\r\nMessage-ID: <b3@example.com>\r\n\r\nx\r\n")
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE mail_inbound SET state = 'failed', outcome = '', ticket_number = NULL, attempts = 5, last_error = 'postgres: connection refused' WHERE id = $1`, int64(failed))
		require.NoError(t, err)
	})
	_, err = e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: 1}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Hola Lucía: hemos reiniciado el servidor. ¿Puedes probar?"}, Public: true, Status: helpdesk.StatusPending})
	require.NoError(t, err)
	ms, err := e.store.OutboundMails(ctx, d.tenant.ID, 10)
	require.NoError(t, err)
	for _, m := range ms {
		require.NoError(t, w.Handle(ctx, postgresJob(d.tenant.ID, "outbound", int64(m.ID)), 1))
	}
	receive("From: Lucía Gómez <lucia@example.com>\r\nSubject: Re: [#1] Sin acceso a la intranet\r\nMessage-ID: <b4@example.com>\r\nIn-Reply-To: <" +
		signer.Token(d.tenant.ID, 1, int64(ms[0].ID)) + "@localhost>\r\n\r\nYa funciona, gracias.\r\n\r\nOn Mon, 3 Mar 2026 at 10:00, Desk <buzon@localhost> wrote:\r\n> Hola Lucía\r\n")
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE mail_outbox SET state = 'failed', attempts = 12, last_error = 'smtp: 550 mailbox unavailable' WHERE id = $1`, int64(ms[len(ms)-1].ID))
		require.NoError(t, err)
	})

	b := startBrowser(t, exe)
	dir := screenshotDir(t)
	base := e.url + "/" + d.tenant.Slug
	for _, scheme := range []string{"light", "dark"} {
		b.colorScheme(scheme)
		b.signIn(base, d.admin.Email)
		res := b.navigate(chromedp.Navigate(base + "/admin/email"))
		require.Equal(t, http.StatusOK, int(res.Status))
		assert.Contains(t, b.text(testID("mail-entries")), "Respuesta en #1")
		assert.Contains(t, b.text(testID("mail-entries")), "Duplicado")
		assert.Contains(t, b.text(testID("mail-entries")), "Fallido")
		if scheme == "light" {
			b.checkA11y("mail log, desktop", axeSource)
			b.screenshot(dir, "email-log-desktop.png")
			b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
			b.checkA11y("mail log, phone", axeSource)
			b.screenshot(dir, "email-log-phone.png")
			b.desktop()
		} else {
			b.checkA11yRules("mail log, dark", axeSource, axeColourRules)
			b.screenshot(dir, "email-log-dark.png")
		}
		res = b.navigate(chromedp.Navigate(base + "/admin/email/out/" + strconv.FormatInt(int64(ms[0].ID), 10)))
		require.Equal(t, http.StatusOK, int(res.Status))
		assert.Contains(t, b.text(testID("mail-headers")), "In-Reply-To")
		if scheme == "light" {
			b.checkA11y("mail message, desktop", axeSource)
			b.screenshot(dir, "email-message-desktop.png")
			b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
			b.checkA11y("mail message, phone", axeSource)
			b.screenshot(dir, "email-message-phone.png")
			b.desktop()
		} else {
			b.checkA11yRules("mail message, dark", axeSource, axeColourRules)
		}
		res = b.navigate(chromedp.Navigate(base + "/admin/email/templates"))
		require.Equal(t, http.StatusOK, int(res.Status))
		res = b.navigate(chromedp.Click(testID("preview-ack-es")))
		require.Equal(t, http.StatusOK, int(res.Status))
		assert.Contains(t, b.text(testID("preview-text-ack-es")), "[#1042]")
		if scheme == "light" {
			b.checkA11y("mail templates, desktop", axeSource)
			b.screenshot(dir, "email-templates-desktop.png")
			b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
			b.checkA11y("mail templates, phone", axeSource)
			b.screenshot(dir, "email-templates-phone.png")
			b.desktop()
		} else {
			b.checkA11yRules("mail templates, dark", axeSource, axeColourRules)
		}
		b.navigate(chromedp.Click(testID("logout")))
	}
}
