package server_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestBrowserAuditInWords shows the audit log with entries of the areas
// that now speak in words (webhook, API token, SLA calendar) at desktop
// and phone width, axe clean.
func TestBrowserAuditInWords(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t)
	d := e.newDesk("bitacora-palabras")
	ctx, by := context.Background(), d.admin.Actor()
	_, _, err = e.svc.CreateWebhook(ctx, by, helpdesk.WebhookInput{URL: "https://hooks.example.com/atiende",
		Events: []string{helpdesk.HookTicketCreated}, Active: true})
	require.NoError(t, err)
	_, _, err = e.svc.CreateAPIToken(ctx, by, helpdesk.APITokenInput{Name: "CRM", Scopes: []string{string(helpdesk.ScopeTicketsRead)}, Language: "es"})
	require.NoError(t, err)

	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/" + d.tenant.Slug
	b.signIn(base, d.admin.Email)
	res := b.navigate(chromedp.Navigate(base + "/admin/audit"))
	require.Equal(t, http.StatusOK, int(res.Status))
	b.checkA11y("audit", axeSource)
	b.screenshot(shots, "admin-audit-words.png")
	b.phoneScreenshot(shots, "admin-audit-words-phone.png")
}
