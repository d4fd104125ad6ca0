package server_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// waitFor evaluates the JavaScript condition cond until it holds.
func (b *browser) waitFor(cond, what string) {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for !run(b, chromedp.Evaluate[bool](cond)) {
		require.True(b.t, time.Now().Before(deadline), "timed out waiting for %s", what)
		time.Sleep(50 * time.Millisecond)
	}
}

// poll runs the htmx poll of element id now, instead of waiting for its
// interval (10 s in the workspace, 20 s in the queue).
func (b *browser) poll(id string) {
	b.t.Helper()
	run(b, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`htmx.trigger(document.getElementById(%q), 'live-poll')`, id)))
}

// TestBrowserConsoleLive drives two agents on one ticket: Carlos in
// Chromium, Ana through HTTP. Carlos sees Ana arrive; Ana sees Carlos
// typing; his draft survives a reload; the customer's answer brings the
// changed-ticket notice, and the queue updates without a reload.
func TestBrowserConsoleLive(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	shots := screenshotDir(t)
	d := e.newDesk("soporte")
	ctx := context.Background()
	carlos, err := e.svc.CreateUser(ctx, d.tenant.ID, "Carlos Ruiz", "carlos@soporte.example", testPassword, helpdesk.RoleAgent)
	require.NoError(t, err)
	maria := e.consoleCustomer(d, "María López")
	tk := e.consoleOpen(maria, "No puedo descargar la factura de marzo")
	other := e.consoleOpen(d.customer, "La impresora de recepción no imprime")
	// Carlos asked María for a capture: the ticket waits on her.
	e.assignTo(carlos, tk.Number)
	_, err = e.svc.Reply(ctx, carlos.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "¿Nos envías una captura del error?"}, Public: true, Status: helpdesk.StatusPending,
	})
	require.NoError(t, err)
	e.assignTo(carlos, other.Number)
	wsPath := agentPath(d, "/tickets/"+num(tk.Number))

	b := startBrowser(t, exe)
	b.signIn(e.url+"/"+d.tenant.Slug, carlos.Email)
	res := b.navigate(chromedp.Navigate(e.url + wsPath))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.WaitVisible(testID("workspace")))
	assert.Zero(t, run(b, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="presence-item"]').length`)))

	// Ana opens the ticket: Carlos's next poll shows her.
	ana := e.client()
	ana.login(d, d.agent)
	anaPage := ana.get(wsPath)
	require.Equal(t, http.StatusOK, anaPage.status)
	b.poll("live-workspace")
	b.waitFor(`(document.getElementById('presence').textContent || '').includes('Agent soporte está viendo este ticket')`, "Ana's presence")

	// Carlos types: after a pause the poll carries it; Ana sees him typing.
	b.do(chromedp.SendKeys(chromedp.CSS("#body"), "Hola María, gracias por la captura."))
	deadline := time.Now().Add(stepTimeout)
	for {
		d, err := e.svc.Draft(ctx, carlos.Actor(), tk.Number)
		if err == nil && d.Body == "Hola María, gracias por la captura." {
			break
		}
		require.True(t, time.Now().Before(deadline), "the draft never reached the server")
		time.Sleep(100 * time.Millisecond)
	}
	assert.Equal(t, []string{"Carlos Ruiz está respondiendo"}, presenceItems(ana.livePoll(d, tk.Number, anaPage, nil)))

	// María answers (through the domain): the notice, without touching the
	// timeline or the box.
	_, err = e.svc.Reply(ctx, maria.Actor(), helpdesk.TicketVersion{Number: tk.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Adjunto la captura."}, Public: true})
	require.NoError(t, err)
	run(b, chromedp.Evaluate[chromedp.Void](`window.atiendeNoReload = true`))
	b.poll("live-workspace")
	b.waitFor(`!!document.querySelector('[data-testid="live-notice"]')`, "the changed-ticket notice")
	assert.Contains(t, b.text(testID("live-notice")), "Este ticket ha cambiado: recarga para ver lo nuevo.")
	assert.NotContains(t, b.text(testID("timeline")), "Adjunto la captura.", "the timeline stays as the agent reads it")
	assert.Equal(t, "Hola María, gracias por la captura.", run(b, chromedp.Evaluate[string](`document.getElementById('body').value`)))
	assert.True(t, run(b, chromedp.Evaluate[bool](`window.atiendeNoReload === true`)))
	b.screenshot(shots, "console-live-ticket.png")
	b.phoneScreenshot(shots, "console-live-ticket-phone.png")

	// Reload from the notice: the new answer shows and the draft is back.
	b.navigate(chromedp.Click(testID("live-reload")))
	assert.Contains(t, b.text(testID("timeline")), "Adjunto la captura.")
	assert.Equal(t, "Hola María, gracias por la captura.", run(b, chromedp.Evaluate[string](`document.getElementById('body').value`)))
	assert.True(t, run(b, chromedp.Evaluate[bool](`document.getElementById('body').hasAttribute('data-draft-saved')`)), "the server put the draft back")

	// The queue: "Mis tickets abiertos". Carlos answers; then María writes
	// again and a new ticket is assigned to him: both show without reload.
	b.navigate(chromedp.Click(testID("reply-submit")))
	_, err = e.svc.Draft(ctx, carlos.Actor(), tk.Number)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "a sent reply discards the draft")
	e.moveTo(carlos, tk.Number, helpdesk.StatusPending)
	b.navigate(chromedp.Navigate(e.url + agentPath(d, "/views/mine")))
	status := fmt.Sprintf(`document.querySelector('[data-number="%s"] [data-testid="status"]').dataset.status`, tk.Number)
	require.Equal(t, "pending", run(b, chromedp.Evaluate[string](status)))
	run(b, chromedp.Evaluate[chromedp.Void](`window.atiendeNoReload = true`))
	_, err = e.svc.Reply(ctx, maria.Actor(), helpdesk.TicketVersion{Number: tk.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "¿Lo habéis visto?"}, Public: true})
	require.NoError(t, err)
	fresh := e.consoleOpen(d.customer, "Error 500 al guardar el perfil")
	e.assignTo(carlos, fresh.Number)
	b.poll("queue-list")
	b.waitFor(status+` === 'open'`, "the ticket back to Abierto in the queue")
	b.waitFor(fmt.Sprintf(`!!document.querySelector('[data-number="%s"]')`, fresh.Number), "the new ticket in the queue")
	assert.True(t, run(b, chromedp.Evaluate[bool](`window.atiendeNoReload === true`)))
	b.waitFor(`document.querySelector('[data-testid="count-mine"]').textContent.trim() === '3'`, "the sidebar's counts refreshed with the list")

	// With a ticket selected the list stays as it is: a notice instead.
	b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-number="%s"] [data-testid="select"]`, other.Number))))
	e.moveTo(carlos, other.Number, helpdesk.StatusOnHold)
	b.poll("queue-list")
	b.waitFor(`!!document.querySelector('[data-testid="queue-notice"]')`, "the queue notice")
	assert.True(t, run(b, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('[data-number="%s"] [data-testid="select"]').checked`, other.Number))), "the selection is kept")
	assert.Equal(t, "open", run(b, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector('[data-number="%s"] [data-testid="status"]').dataset.status`, other.Number))))
	b.screenshot(shots, "console-live-queue.png")
	b.phoneScreenshot(shots, "console-live-queue-phone.png")

	b.assertCleanConsole()
}
