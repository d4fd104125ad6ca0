package server_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/passkey"
)

// lateRP is a relying party configured once the test server's address
// is known: passkeys belong to the page's origin.
type lateRP struct{ helpdesk.PasskeyRP }

// TestBrowserPasskeys walks the passkey page in Chromium at desktop and
// phone width with axe: the script replaces the "needs JavaScript"
// sentence with the form, a passkey is added with Chromium's virtual
// authenticator (WebAuthn domain), and the agent then signs in with it
// and no password from the login page.
func TestBrowserPasskeys(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	rp := &lateRP{}
	e := newEnv(t, helpdesk.WithPasskeys(rp))
	// An IP address is no RP ID: the browser goes to localhost.
	origin := strings.Replace(e.url, "127.0.0.1", "localhost", 1)
	real, err := passkey.New(origin, "Atiende")
	require.NoError(t, err)
	rp.PasskeyRP = real
	d := e.newDesk("ferreteria")
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := origin + "/ferreteria"
	both := func(name string) {
		t.Helper()
		b.checkA11y(name, axeSource)
		b.screenshot(shots, "passkeys-"+name+".png")
		b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		overflow := run(b, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - window.innerWidth`))
		assert.LessOrEqual(t, overflow, int64(0), "%s: no sideways scrolling on a phone", name)
		b.checkA11y(name+" (phone)", axeSource)
		b.screenshot(shots, "passkeys-"+name+"-phone.png")
		b.desktop()
	}
	ctx, cancel := b.step()
	_, err = chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true}})
	cancel()
	require.NoError(t, err)

	b.navigate(chromedp.Navigate(base + "/login"))
	both("login")
	b.signIn(base, d.agent.Email)
	res := b.navigate(chromedp.Navigate(base + "/account/passkeys"))
	require.Equal(t, http.StatusOK, int(res.Status))
	assert.True(t, run(b, chromedp.Evaluate[bool](`document.querySelector('[data-testid="passkey-nojs"]').hidden`)), "the script took over")
	both("empty")

	b.do(chromedp.SendKeys(chromedp.CSS("#name"), "Portátil de prueba"))
	b.do(chromedp.Click(testID("passkey-add-submit")), chromedp.WaitVisible(testID("passkey-row")))
	assert.Equal(t, "Portátil de prueba", b.text(testID("passkey-name")))
	both("one")

	// Signed out, the agent signs in with the passkey alone.
	b.navigate(chromedp.Click(testID("logout")))
	require.Equal(t, base+"/login", b.location())
	b.do(chromedp.Click(testID("login-passkey-submit")), chromedp.WaitVisible(`body.area-console`))
	assert.Contains(t, b.location(), "/ferreteria/agent/")
	b.assertCleanConsole()
}
