package server_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/mail"
)

// TestBrowserIMAPSettings shows the IMAP settings page of a desk whose
// last poll failed, submits an internal host, and checks the page with its
// errors with axe at desktop and phone width and in the dark scheme.
func TestBrowserIMAPSettings(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t, helpdesk.WithIMAP(mail.NewSecretBox([]byte(strings.Repeat("b", 32))), mail.CheckHost))
	d := e.newDesk("imap")
	ctx := context.Background()
	_, err = e.svc.SetIMAPSettings(ctx, d.admin.Actor(), helpdesk.IMAPInput{Host: "8.8.8.8", Port: "993", TLS: "tls",
		Username: "soporte@imap.example", Password: "secreto", Enabled: true})
	require.NoError(t, err)
	require.NoError(t, e.svc.RecordIMAPPoll(ctx, d.tenant.ID, 1, 3, "mail: imap login: NO authentication failed"))

	b := startBrowser(t, exe)
	dir := screenshotDir(t)
	base := e.url + "/" + d.tenant.Slug
	for _, scheme := range []string{"light", "dark"} {
		b.colorScheme(scheme)
		b.signIn(base, d.admin.Email)
		res := b.navigate(chromedp.Navigate(base + "/admin/email/imap"))
		require.Equal(t, http.StatusOK, int(res.Status))
		assert.Contains(t, b.text(testID("imap-status")), "authentication failed")
		if scheme == "light" {
			b.checkA11y("imap settings, desktop", axeSource)
			b.screenshot(dir, "email-imap-desktop.png")
		}
		b.do(chromedp.SetValue(chromedp.CSS("#imap-host"), "10.0.0.8"))
		res = b.navigate(chromedp.Click(testID("imap-save")))
		require.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
		assert.Contains(t, b.text(testID("error-host")), "interna")
		if scheme == "light" {
			b.checkA11y("imap settings with errors, desktop", axeSource)
			b.screenshot(dir, "email-imap-error-desktop.png")
			b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
			b.checkA11y("imap settings with errors, phone", axeSource)
			b.screenshot(dir, "email-imap-error-phone.png")
			b.desktop()
		} else {
			b.checkA11yRules("imap settings, dark", axeSource, axeColourRules)
			b.screenshot(dir, "email-imap-dark.png")
		}
		b.navigate(chromedp.Click(testID("logout")))
	}
}
