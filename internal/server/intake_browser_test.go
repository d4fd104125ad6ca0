package server_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserQueueDensity looks at the queue at both densities, on a
// desktop and on a phone, and at a ticket's CC panel: axe clean each time,
// screenshots kept when ATIENDE_SCREENSHOTS is set. On a phone the views
// are a closed menu, so the list is on the first screen.
func TestBrowserQueueDensity(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t)
	d := e.newDesk("densa")
	shots := screenshotDir(t)
	var last string
	for i := range 14 {
		tk := e.consoleOpen(d.customer, fmt.Sprintf("La impresora de la segunda planta no imprime los informes mensuales de contabilidad (%d)", i))
		last = num(tk.Number)
	}
	b := startBrowser(t, exe)
	base := e.url + "/" + d.tenant.Slug
	b.signIn(base, d.agent.Email)

	look := func(name string) {
		t.Helper()
		b.checkA11y(name+", desktop", axeSource)
		b.screenshot(shots, name+"-desktop.png")
		b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		b.checkA11y(name+", phone", axeSource)
		b.screenshot(shots, name+"-phone.png")
		b.desktop()
	}
	b.navigate(chromedp.Navigate(base + "/agent/views/all"))
	b.do(chromedp.WaitVisible(testID("density-switch")))
	look("intake-queue-comfortable")
	b.navigate(chromedp.Click(testID("density-compact")))
	b.do(chromedp.WaitVisible(`.queue-compact`))
	look("intake-queue-compact")
	// The phone's menu opens without JavaScript's help (a details element).
	b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	b.do(chromedp.Click(testID("console-menu-toggle")), chromedp.WaitVisible(testID("view-all")))
	b.desktop()

	b.navigate(chromedp.Navigate(base + "/agent/tickets/" + last))
	b.do(chromedp.SendKeys(`#cc`, "luis@cliente.example"))
	b.navigate(chromedp.Click(testID("cc-add")))
	b.do(chromedp.WaitVisible(testID("ccs-list")))
	look("intake-ticket-ccs")
}
