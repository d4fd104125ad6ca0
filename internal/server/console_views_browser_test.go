package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestBrowserConsoleSavedView: in Chromium an agent narrows the queue to
// critical tickets with the filter form, opens "Guardar como vista", names
// it, picks a column and saves; the view is then in the sidebar with its
// count and shows just those tickets. Screenshots: the queue with its
// filters open, the saved views and the profile, desktop and phone.
func TestBrowserConsoleSavedView(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	shots := screenshotDir(t)
	d := e.newDesk("vistas")
	ctx := context.Background()
	maria := e.consoleCustomer(d, "María López")
	critical := e.consoleOpen(maria, "El servidor de correo no responde")
	_, err := e.svc.SetPriority(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: critical.Number}, helpdesk.PriorityUrgent)
	require.NoError(t, err)
	e.consoleOpen(maria, "¿Cómo cambio mi foto de perfil?")
	e.consoleOpen(maria, "Factura con el NIF equivocado")

	b := startBrowser(t, exe)
	base := e.url + "/" + d.tenant.Slug
	b.signIn(base, d.agent.Email)
	res := b.navigate(chromedp.Navigate(base + "/agent/views/all"))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.SetValue(chromedp.CSS("#priority"), "urgent"))
	res = b.navigate(chromedp.Click(testID("apply-filters")))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(
		chromedp.Click(chromedp.CSS(`[data-testid="more-filters"] > summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="save-view"] > summary`)),
		chromedp.WaitVisible(testID("view-name")),
	)
	b.screenshot(shots, "console-queue-filters.png")
	b.phoneScreenshot(shots, "console-queue-filters-phone.png")

	b.do(
		chromedp.SendKeys(testID("view-name"), "Críticas"),
		chromedp.Click(chromedp.CSS(`input[name="columns"][value="channel"]`)),
	)
	res = b.navigate(chromedp.Click(testID("view-save")))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.Contains(t, b.text(testID("flash")), "Críticas")
	views, err := e.svc.SavedViews(ctx, d.agent.Actor())
	require.NoError(t, err)
	require.Len(t, views, 1)
	id := num(helpdesk.TicketNumber(views[0].ID))
	assert.Equal(t, "1", b.text(testID("count-"+id)))
	rows := run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="ticket-row"]')].map(r => r.dataset.number)`))
	assert.Equal(t, []string{critical.Number.String()}, rows)
	assert.Equal(t, "Portal", b.text(chromedp.CSS(`[data-testid="ticket-row"] [data-testid="col-channel"]`)))

	res = b.navigate(chromedp.Click(testID("manage-views")))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.screenshot(shots, "console-views.png")
	res = b.navigate(chromedp.Click(testID("view-edit")))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.screenshot(shots, "console-view-edit.png")
	res = b.navigate(chromedp.Click(testID("profile-link")))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.screenshot(shots, "console-profile.png")
	b.phoneScreenshot(shots, "console-profile-phone.png")
}

// TestBrowserConsoleBulkAndMacro: in Chromium an agent selects twenty
// tickets of a queue with "x", assigns them all to a colleague in one bulk
// action, then answers one ticket with a quick reply whose status and tag
// apply on sending.
func TestBrowserConsoleBulkAndMacro(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	shots := screenshotDir(t)
	d := e.newDesk("masivo")
	ctx := context.Background()
	carlos, err := e.svc.CreateUser(ctx, d.tenant.ID, "Carlos Ruiz", "carlos@masivo.example", testPassword, helpdesk.RoleAgent)
	require.NoError(t, err)
	maria := e.consoleCustomer(d, "María López")
	var tks []helpdesk.Ticket
	for i := range 20 {
		tks = append(tks, e.consoleOpen(maria, "Pedido sin confirmar "+num2(i+1)))
	}
	_, err = e.svc.CreateMacro(ctx, d.agent.Actor(), helpdesk.MacroInput{
		Name: "Pedir número de pedido", Body: "Hola {{requester.name}}, ¿nos indicas el número de pedido?", Status: "pending", Tags: "pedido",
	})
	require.NoError(t, err)

	b := startBrowser(t, exe)
	base := e.url + "/" + d.tenant.Slug
	b.signIn(base, d.agent.Email)
	res := b.navigate(chromedp.Navigate(base + "/agent/views/unassigned"))
	require.Equal(t, http.StatusOK, int(res.Status))
	for range 20 {
		b.do(chromedp.KeyEvent("j"), chromedp.KeyEvent("x"))
	}
	checked := run(b, chromedp.Evaluate[int](`document.querySelectorAll('input[name="ticket"]:checked').length`))
	require.Equal(t, 20, checked)
	b.do(chromedp.SetValue(chromedp.CSS("#bulk-action"), "assign:"+num(helpdesk.TicketNumber(carlos.ID))))
	b.screenshot(shots, "console-bulk.png")
	res = b.navigate(chromedp.Click(testID("bulk-apply")))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.Contains(t, b.text(testID("flash")), "Tickets actualizados: 20.")
	for _, tk := range tks {
		assert.Equal(t, carlos.ID, e.staffTicket(d, tk.Number).Assignee)
	}

	// A quick reply on the first ticket: inserted, then sent as Pendiente.
	res = b.navigate(chromedp.Navigate(base + "/agent/tickets/" + num(tks[0].Number)))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.SetValue(testID("macro-select"), num(helpdesk.TicketNumber(e.macroNamed(d.agent, "Pedir número de pedido").ID))))
	res = b.navigate(chromedp.Click(testID("macro-insert")))
	require.Equal(t, http.StatusOK, int(res.Status))
	body := run(b, chromedp.Evaluate[string](`document.getElementById('body').value`))
	assert.Contains(t, body, "Hola María López, ¿nos indicas el número de pedido?")
	b.screenshot(shots, "console-macro.png")
	res = b.navigate(chromedp.Click(testID("reply-submit")))
	require.Equal(t, http.StatusOK, int(res.Status))
	tk := e.staffTicket(d, tks[0].Number)
	assert.Equal(t, helpdesk.StatusPending, tk.Status)
	assert.Contains(t, tk.Tags, "pedido")
}
