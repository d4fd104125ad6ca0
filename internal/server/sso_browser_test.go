package server_test

import (
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserSSO checks the admin's single sign-on page (as stored and
// with errors) and the login page with the provider's button with axe, at
// desktop and phone width.
func TestBrowserSSO(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t, withSSO())
	d, _ := ssoDesk(t, e, "acme", url.Values{"staff_sso_only": {"on"}})

	b := startBrowser(t, exe)
	dir := screenshotDir(t)
	base := e.url + "/" + d.tenant.Slug
	b.signIn(base, d.admin.Email)
	res := b.navigate(chromedp.Navigate(base + "/admin/sso"))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.Contains(t, b.text(testID("sso-redirect")), "/acme/sso/callback")
	b.checkA11y("sso settings, desktop", axeSource)
	b.screenshot(dir, "sso-settings-desktop.png")

	b.do(chromedp.SetValue(chromedp.CSS("#sso-allowed_domains"), "no es un dominio"))
	res = b.navigate(chromedp.Click(testID("sso-save")))
	require.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	assert.NotEmpty(t, b.text(testID("error-sso-allowed_domains")))
	b.checkA11y("sso settings with errors, desktop", axeSource)
	b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	b.checkA11y("sso settings with errors, phone", axeSource)
	b.screenshot(dir, "sso-settings-error-phone.png")
	b.desktop()
	b.navigate(chromedp.Click(testID("logout")))

	res = b.navigate(chromedp.Navigate(base + "/login"))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.Equal(t, "Entrar con Acme", b.text(testID("sso-start")))
	b.checkA11y("login with single sign-on, desktop", axeSource)
	b.screenshot(dir, "sso-login-desktop.png")
	b.fillLogin(d.agent.Email, testPassword)
	res = b.navigate(chromedp.Click(testID("login-submit")))
	require.Equal(t, http.StatusForbidden, int(res.Status))
	b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	b.checkA11y("login refused for SSO-only staff, phone", axeSource)
	b.screenshot(dir, "sso-login-refused-phone.png")
}
