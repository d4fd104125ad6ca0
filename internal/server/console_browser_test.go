package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestBrowserConsoleWorkday drives the console in Chromium as an agent
// would: the queue with its counts, j/k and "a" to take a ticket, the "?"
// help, the workspace, "r" to reply and "submit as Pendiente", then the
// customer's answer bringing the ticket back to Abierto. Screenshots of the
// queue and the workspace, desktop and phone, go to ATIENDE_SCREENSHOTS.
func TestBrowserConsoleWorkday(t *testing.T) {
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
	jorge := e.consoleCustomer(d, "Jorge Pérez")

	subjects := []struct {
		who     helpdesk.User
		subject string
	}{
		{maria, "No puedo descargar la factura de marzo"},
		{jorge, "La impresora de recepción no imprime en color"},
		{maria, "Cambiar la dirección de envío del pedido 4471"},
		{jorge, "Error 500 al guardar el perfil"},
		{maria, "¿Cómo exporto mis datos a Excel?"},
		{jorge, "El correo de confirmación llega a spam"},
	}
	var tks []helpdesk.Ticket
	for _, s := range subjects {
		tks = append(tks, e.consoleOpen(s.who, s.subject))
	}
	// Some history: Carlos works two tickets, one waits on a supplier.
	work := tks[0]
	v := func(n helpdesk.TicketNumber) helpdesk.TicketVersion { return helpdesk.TicketVersion{Number: n} }
	e.assignTo(carlos, work.Number)
	_, err = e.svc.SetPriority(ctx, carlos.Actor(), v(work.Number), helpdesk.PriorityHigh)
	require.NoError(t, err)
	_, err = e.svc.AddNote(ctx, carlos.Actor(), v(work.Number), helpdesk.CommentInput{Body: "Es la segunda vez este mes: revisar el generador de PDF."})
	require.NoError(t, err)
	_, err = e.svc.Reply(ctx, maria.Actor(), v(work.Number), helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Lo he vuelto a intentar desde otro navegador y pasa lo mismo."}, Public: true})
	require.NoError(t, err)
	_, err = e.svc.SetTags(ctx, carlos.Actor(), v(work.Number), []string{"facturación pdf"})
	require.NoError(t, err)
	e.assignTo(carlos, tks[1].Number)
	e.moveTo(carlos, tks[1].Number, helpdesk.StatusOnHold)
	_, err = e.svc.SetPriority(ctx, carlos.Actor(), v(tks[3].Number), helpdesk.PriorityUrgent)
	require.NoError(t, err)

	b := startBrowser(t, exe)
	base := e.url + "/" + d.tenant.Slug
	b.navigate(chromedp.Navigate(base + "/login"))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#email"), carlos.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	res := b.navigate(chromedp.Click(testID("login-submit")))
	require.Equal(t, http.StatusOK, int(res.Status))

	// The queue: "Sin asignar" with counts in the sidebar.
	res = b.navigate(chromedp.Navigate(base + "/agent/views/unassigned"))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.WaitVisible(testID("tickets-table")))
	assert.Equal(t, "4", b.text(testID("count-unassigned")))
	assert.Equal(t, "2", b.text(testID("count-mine")))
	b.assertAssetsLoaded()
	b.screenshot(shots, "console-queue.png")
	b.phoneScreenshot(shots, "console-queue-phone.png")

	// j, j selects the second row; "a" takes it.
	b.do(chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
	second := strings.TrimSpace(run(b, chromedp.Evaluate[string](`document.querySelector('[data-row].is-selected').dataset.number`)))
	require.NotEmpty(t, second)
	focused := run(b, chromedp.Evaluate[string](`document.activeElement.closest('[data-row]').dataset.number`))
	assert.Equal(t, second, focused, "the selected row's link has the focus")
	b.do(chromedp.KeyEvent("k"))
	first := run(b, chromedp.Evaluate[string](`document.querySelector('[data-row].is-selected').dataset.number`))
	assert.NotEqual(t, second, first)
	b.do(chromedp.KeyEvent("j"))
	res = b.navigate(chromedp.KeyEvent("a"))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.Contains(t, b.text(testID("flash")), "Te asignaste el ticket "+second)
	assert.Equal(t, "3", b.text(testID("count-unassigned")))
	assert.Equal(t, "3", b.text(testID("count-mine")))

	// "?" opens the keyboard help.
	b.do(chromedp.KeyEvent("?"))
	open := run(b, chromedp.Evaluate[bool](`document.getElementById('shortcut-help').open`))
	assert.True(t, open)
	b.screenshot(shots, "console-help.png")
	b.do(chromedp.KeyEvent(kb.Escape))

	// The workspace of Carlos's ticket.
	wsURL := fmt.Sprintf("%s/agent/tickets/%d", base, work.Number)
	res = b.navigate(chromedp.Navigate(wsURL))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.WaitVisible(testID("workspace")))
	assert.Contains(t, b.text(testID("timeline")), "Carlos Ruiz cambió la prioridad de Media a Alta")
	b.screenshot(shots, "console-ticket.png")
	b.phoneScreenshot(shots, "console-ticket-phone.png")

	// "r" goes to the reply box; the answer goes out as Pendiente.
	// A keydown the page cancels types nothing in a browser; CDP's
	// KeyEvent would still send its char event after the focus moved to
	// the box, so the key is dispatched as a DOM event.
	run(b, chromedp.Evaluate[chromedp.Void](`document.dispatchEvent(new KeyboardEvent('keydown', {key: 'r', bubbles: true, cancelable: true}))`))
	active := run(b, chromedp.Evaluate[string](`document.activeElement.id`))
	require.Equal(t, "body", active)
	b.do(
		chromedp.SendKeys(chromedp.CSS("#body"), "Hola María, ¿nos envías una captura del error que ves?"),
		chromedp.SetValue(chromedp.CSS("#submit_as"), "pending"),
	)
	res = b.navigate(chromedp.Click(testID("reply-submit")))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.Contains(t, b.text(testID("flash")), "Estado: Pendiente")
	assert.Equal(t, helpdesk.StatusPending, e.staffTicket(d, work.Number).Status)
	assert.Empty(t, run(b, chromedp.Evaluate[string](`document.getElementById('body').value`)), "a sent reply is not restored as a draft")
	assert.Contains(t, b.text(testID("timeline")), "\nHola María, ¿nos envías")

	// María answers through the portal (the domain); the ticket is back in
	// Carlos's open tickets as Abierto.
	_, err = e.svc.Reply(ctx, maria.Actor(), v(work.Number), helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Adjunto la captura."}, Public: true})
	require.NoError(t, err)
	b.navigate(chromedp.Navigate(base + "/agent/"))
	status := run(b, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector('[data-number="%s"] [data-testid="status"]').dataset.status`, work.Number.String())))
	assert.Equal(t, "open", status)

	b.assertCleanConsole()

	// Last, because the browser logs the 409 as a failed resource:
	// another agent changes the ticket while Carlos types: his submit is
	// refused at 409 with his draft and what changed.
	b.navigate(chromedp.Navigate(wsURL))
	_, err = e.svc.SetPriority(ctx, d.admin.Actor(), v(work.Number), helpdesk.PriorityUrgent)
	require.NoError(t, err)
	b.do(chromedp.SendKeys(chromedp.CSS("#body"), "Un momento, lo reviso."))
	res = b.navigate(chromedp.Click(testID("reply-submit")))
	require.Equal(t, http.StatusConflict, int(res.Status))
	assert.Contains(t, b.text(testID("notice-changes")), "cambió la prioridad de Alta a Crítica")
	assert.Equal(t, "Un momento, lo reviso.", run(b, chromedp.Evaluate[string](`document.getElementById('body').value`)))
	b.screenshot(shots, "console-conflict.png")
	res = b.navigate(chromedp.Click(testID("reply-submit")))
	require.Equal(t, http.StatusOK, int(res.Status), "the re-rendered form carries the new version")
	assert.Contains(t, b.text(testID("flash")), "Respuesta enviada.")
}
