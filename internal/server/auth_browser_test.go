package server_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserAuthPages walks the account access pages in Chromium, at
// desktop and phone width, with axe on each: forgot (empty, refused,
// sent), the set-password link (working and dead), the account page's
// sessions and the people page's mailed invitations. Screenshots go to
// ATIENDE_SCREENSHOTS.
func TestBrowserAuthPages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t, withMail())
	d := e.newDesk("ferreteria")
	mb := e.startMail(t)
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/ferreteria"
	both := func(name string) {
		t.Helper()
		b.checkA11y(name, axeSource)
		b.screenshot(shots, "auth-"+name+".png")
		b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		overflow := run(b, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - window.innerWidth`))
		assert.LessOrEqual(t, overflow, int64(0), "%s: no sideways scrolling on a phone", name)
		b.checkA11y(name+" (phone)", axeSource)
		b.screenshot(shots, "auth-"+name+"-phone.png")
		b.desktop()
	}

	b.navigate(chromedp.Navigate(base + "/login"))
	b.navigate(chromedp.Click(testID("login-forgot")))
	require.Equal(t, base+"/forgot", b.location())
	both("forgot")

	b.do(chromedp.SendKeys(chromedp.CSS("#email"), "esto no es un correo"))
	res := b.navigate(chromedp.Click(testID("forgot-submit")))
	assert.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	assert.NotEmpty(t, b.text(testID("error-email")))
	both("forgot-error")
	b.forgetExpectedError("status of 422")

	b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector("#email").value = ""`),
		chromedp.SendKeys(chromedp.CSS("#email"), d.customer.Email))
	res = b.navigate(chromedp.Click(testID("forgot-submit")))
	assert.Equal(t, http.StatusOK, int(res.Status))
	assert.NotEmpty(t, b.text(testID("forgot-sent")))
	both("forgot-sent")

	link := mb.wait(d.customer.Email, 1).link(t)
	b.navigate(chromedp.Navigate(e.url + link))
	both("reset")
	b.do(chromedp.SendKeys(chromedp.CSS("#password"), "qwertyuiop"))
	res = b.navigate(chromedp.Click(testID("reset-submit")))
	assert.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	assert.NotEmpty(t, b.text(testID("error-password")))
	both("reset-weak")
	b.forgetExpectedError("status of 422")
	b.do(chromedp.SendKeys(chromedp.CSS("#password"), newPassword))
	b.navigate(chromedp.Click(testID("reset-submit")))
	require.Equal(t, base+"/login", b.location())

	res = b.navigate(chromedp.Navigate(e.url + link))
	assert.Equal(t, http.StatusNotFound, int(res.Status))
	both("reset-invalid")
	b.forgetExpectedError("status of 404")

	// Signed in as the admin: the account page lists the session, the
	// people page shows a mailed invitation.
	b.navigate(chromedp.Navigate(base + "/login"))
	b.fillLogin(d.admin.Email, testPassword)
	b.navigate(chromedp.Click(testID("login-submit")))
	b.navigate(chromedp.Navigate(base + "/account"))
	assert.Contains(t, b.text(testID("my-sessions")), "Chrom")
	both("sessions")
	b.navigate(chromedp.Navigate(base + "/admin/people"))
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), "nora@example.com"))
	b.navigate(chromedp.Click(testID("invite-send")))
	mb.wait("nora@example.com", 1)
	b.navigate(chromedp.Navigate(base + "/admin/people"))
	assert.True(t, strings.Contains(b.text(testID("invitation-mailed")), "enviada por correo"))
	both("people-invited")
	b.assertCleanConsole()
}
