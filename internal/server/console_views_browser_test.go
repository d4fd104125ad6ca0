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
