package server_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/netguard"
)

// An admin creates a token in the browser and sees its secret once; the
// API, webhook and reference pages pass axe at desktop and phone width.
func TestBrowserAPIAndWebhookPages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t, helpdesk.WithWebhooks(jobs.NewHTTPSender(true), netguard.CheckHost(true)))
	d := e.newDesk("demo")
	ctx := context.Background()
	rc := loopbackReceiver(t)
	hook, _, err := e.svc.CreateWebhook(ctx, d.admin.Actor(), helpdesk.WebhookInput{URL: rc.URL + "/crm",
		Events: []string{helpdesk.HookTicketCreated, helpdesk.HookReplied}, Active: true})
	require.NoError(t, err)
	c := e.apiClient(e.apiToken(d, "Centralita", helpdesk.ScopeTicketsRead, helpdesk.ScopeTicketsWrite))
	res := c.call(http.MethodPost, apiBase(d)+"/tickets", map[string]any{"subject": "Llamada: no funciona el router",
		"description": "El cliente llama: sin conexión desde las 9.", "channel": "phone",
		"requester": map[string]any{"email": "ana@example.com", "name": "Ana Pérez"},
		"phone":     map[string]any{"caller_number": "+34 600 000 000", "duration_seconds": 240, "agent_id": d.agent.ID}})
	require.Equal(t, http.StatusCreated, res.status)
	n := strconv.Itoa(int(res.json(t)["number"].(float64)))
	_, err = e.svc.DeliverWebhooks(ctx, d.tenant.ID, hook.ID)
	require.NoError(t, err)

	b := startBrowser(t, exe)
	dir := screenshotDir(t)
	base := e.url + "/demo"
	b.signIn(base, d.admin.Email)
	b.navigate(chromedp.Navigate(base + "/admin/api"))
	b.do(chromedp.SendKeys(chromedp.CSS("#name"), "CRM"), chromedp.Click(testID("scope-tickets:write")))
	r := b.navigate(chromedp.Click(testID("api-token-create")))
	require.Equal(t, http.StatusCreated, int(r.Status))
	assert.Contains(t, b.text(testID("api-token-secret")), helpdesk.APITokenPrefix)
	b.checkA11y("api tokens", axeSource)
	b.screenshot(dir, "api-tokens.png")
	b.phoneScreenshot(dir, "api-tokens-phone.png")

	for _, p := range []struct{ name, url string }{
		{"webhooks", base + "/admin/webhooks"},
		{"webhook-log", base + "/admin/webhooks/" + strconv.FormatInt(int64(hook.ID), 10)},
		{"api-docs", base + "/api/v1/docs"},
		{"phone-ticket", base + "/agent/tickets/" + n},
	} {
		r := b.navigate(chromedp.Navigate(p.url))
		require.Equal(t, http.StatusOK, int(r.Status), p.name)
		b.checkA11y(p.name, axeSource)
		b.screenshot(dir, p.name+".png")
		b.phoneScreenshot(dir, p.name+"-phone.png")
	}
	assert.Equal(t, "+34 600 000 000", b.text(testID("call-caller")))
}
