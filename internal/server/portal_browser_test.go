package server_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestBrowserPortalTicket drives a customer through the portal in a real
// Chromium: open a ticket with an attachment (after a refused first try),
// see the confirmation, find it in "My tickets", answer the agent's
// question, and confirm the solution. Screenshots of every page, on a
// desktop and on a phone, go to ATIENDE_SCREENSHOTS when it is set.
func TestBrowserPortalTicket(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("ferreteria")
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	ctx := context.Background()
	base := e.url + "/ferreteria"
	both := func(name string) {
		b.screenshot(shots, "portal-"+name+".png")
		b.phoneScreenshot(shots, "portal-"+name+"-phone.png")
	}

	// Sign in as the customer.
	b.navigate(chromedp.Navigate(base + "/login?next=" + "/ferreteria/tickets"))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#email"), d.customer.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	res := b.navigate(chromedp.Click(testID("login-submit")))
	assert.Equal(t, http.StatusOK, int(res.Status))
	require.Equal(t, base+"/tickets", b.location())
	b.do(chromedp.WaitVisible(testID("empty-state")))
	both("tickets-empty")

	// Open a ticket: first without a subject, then complete.
	b.navigate(chromedp.Click(testID("list-new-ticket")))
	require.Equal(t, base+"/tickets/new", b.location())
	both("new")
	file := filepath.Join(t.TempDir(), "captura.png")
	require.NoError(t, os.WriteFile(file, pngBytes, 0o644))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#description"), "La impresora de la oficina 2 no imprime.\nSale el error E-42."),
		chromedp.Click(chromedp.CSS(`input[name="urgency"][value="high"]`)),
		chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{file}),
	)
	res = b.navigate(chromedp.Click(testID("new-ticket-submit")))
	assert.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	assert.NotEmpty(t, b.text(testID("error-subject")))
	assert.Contains(t, b.text(testID("rechoose")), "captura.png")
	both("new-errors")
	b.forgetExpectedError("status of 422")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#subject"), "La impresora no imprime"),
		chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{file}),
	)
	res = b.navigate(chromedp.Click(testID("new-ticket-submit")))
	assert.Equal(t, http.StatusOK, int(res.Status))
	title := b.text(testID("received-title"))
	require.True(t, strings.HasPrefix(title, "Ticket #"), title)
	both("received")
	n, err := helpdesk.ParseTicketNumber(strings.Fields(title)[1])
	require.NoError(t, err)

	// The agent asks for something; the customer finds it waiting on them.
	for _, s := range []string{"No llega el correo de confirmación", "Factura duplicada en octubre"} {
		e.openTicket(d.customer, s)
	}
	_, err = e.svc.Assign(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: n}, helpdesk.Assignment{Agent: &d.agent.ID})
	require.NoError(t, err)
	_, err = e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: n}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Hola, ¿nos mandas una foto de la pantalla de la impresora?"}, Public: true, Status: helpdesk.StatusPending,
	})
	require.NoError(t, err)
	b.navigate(chromedp.Navigate(base + "/tickets"))
	assert.Equal(t, 3, len(run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-testid="ticket-row"]')).map(r => r.dataset.number)`))))
	assert.NotEmpty(t, b.text(testID("waiting")))
	both("tickets")

	// Answer it: the ticket goes back to open.
	b.navigate(chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", base, n)))
	assert.NotEmpty(t, b.text(testID("status-note")))
	both("ticket-pending")
	b.do(chromedp.SendKeys(chromedp.CSS("#body"), "Aquí está la foto."), chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{file}))
	b.navigate(chromedp.Click(testID("reply-submit")))
	assert.Equal(t, helpdesk.StatusOpen, e.ticket(d, n).Status)
	assert.NotEmpty(t, b.text(testID("flash")))

	// The agent solves it while the customer is typing: the page shows it
	// without a reload (the poll, triggered now rather than in 15 s), and
	// what was typed stays. Then the customer confirms.
	b.do(chromedp.SendKeys(chromedp.CSS("#body"), "Texto a medio escribir"))
	e.setStatus(d, n, helpdesk.StatusSolved)
	run(b, chromedp.Evaluate[chromedp.Void](`htmx.trigger('#ticket-live', 'atiende:refresh')`))
	b.do(chromedp.WaitVisible(testID("solved-question")))
	assert.Equal(t, "Texto a medio escribir", run(b, chromedp.Value(chromedp.CSS("#body"))))
	assert.Equal(t, "solved", run(b, chromedp.Evaluate[string](`document.querySelector('#ticket-badge [data-testid="status"]').dataset.status`)))
	both("ticket-solved")
	b.navigate(chromedp.Click(testID("confirm-submit")))
	assert.Equal(t, helpdesk.StatusClosed, e.ticket(d, n).Status)
	b.do(chromedp.WaitVisible(testID("reply-box")))
	both("ticket-closed")

	// In English too.
	b.navigate(chromedp.Click(testID("lang-en")))
	assert.Equal(t, "en", b.lang())
	b.navigate(chromedp.Navigate(base + "/tickets/new"))
	both("new-en")

	b.assertAssetsLoaded()
	b.assertCleanConsole()
}

// forgetExpectedError waits until every message so far has arrived, then
// drops the console errors containing text: Chromium logs a refused form's
// 422 as a failed resource, which is what the test asked for.
func (b *browser) forgetExpectedError(text string) {
	b.t.Helper()
	const marker = "atiende-browser-test: expected error logged"
	run(b, chromedp.Evaluate[chromedp.Void](`console.info(`+"`"+marker+"`"+`)`))
	deadline := time.Now().Add(stepTimeout)
	for {
		b.mu.Lock()
		arrived := containsText(b.messages, marker)
		if arrived {
			kept := b.messages[:0]
			for _, m := range b.messages {
				if m.Text != marker && !(m.Type == chromedp.ConsoleError && strings.Contains(m.Text, text)) {
					kept = append(kept, m)
				}
			}
			b.messages = kept
		}
		b.mu.Unlock()
		if arrived {
			return
		}
		require.True(b.t, time.Now().Before(deadline), "the console marker never arrived")
		time.Sleep(20 * time.Millisecond)
	}
}
