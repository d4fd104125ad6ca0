package server_test

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/demo"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/markdown"
	"github.com/atiende/atiende/internal/password"
)

// TestBrowserReports loads the reports pages of the demo desk (months of
// history) in Chromium at desktop and phone width, runs axe on each, in
// light and dark, and takes screenshots (ATIENDE_SCREENSHOTS keeps them).
func TestBrowserReports(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t)
	clock := demo.NewClock(time.Now().Add(-demo.Span() - time.Hour))
	demoSvc := helpdesk.NewService(e.store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 4), clock.Now,
		helpdesk.WithKB(markdown.New()))
	_, err = demo.Load(context.Background(), demoSvc, clock, testPassword)
	require.NoError(t, err)

	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/" + demo.Slug
	pages := []struct{ name, path string }{
		{"reports-overview", "/agent/reports"},
		{"reports-breakdown-agent", "/agent/reports/breakdown?by=agent"},
		{"reports-arrivals", "/agent/reports/breakdown?by=arrivals&period=custom&from=" +
			time.Now().AddDate(0, 0, -80).Format("2006-01-02") + "&to=" + time.Now().Format("2006-01-02")},
		{"reports-csat", "/agent/reports/csat"},
		{"reports-sla", "/agent/reports/sla"},
		{"reports-tickets", "/agent/reports/tickets?set=breached"},
	}
	b.signIn(base, "admin@demo.example")
	for _, scheme := range []string{"light", "dark"} {
		b.colorScheme(scheme)
		for _, p := range pages {
			res := b.navigate(chromedp.Navigate(base + p.path))
			require.Equal(t, http.StatusOK, int(res.Status), p.name)
			if scheme == "dark" {
				b.checkA11yRules(p.name+", dark", axeSource, axeColourRules)
				if p.name == "reports-overview" {
					b.screenshot(shots, p.name+"-dark.png")
				}
				continue
			}
			b.screenshot(shots, p.name+".png")
			b.checkA11y(p.name+", desktop", axeSource)
			b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
			b.checkA11y(p.name+", phone", axeSource)
			b.phoneScreenshot(shots, p.name+"-phone.png")
			b.desktop()
		}
	}
	// A refused custom date keeps what was typed. The light scheme is set
	// before the page loads: switched after, axe could measure colours
	// still changing from the dark palette.
	b.colorScheme("light")
	res := b.navigate(chromedp.Navigate(base + "/agent/reports?period=custom&from=2026-02-30&to=2026-01-01"))
	require.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	b.checkA11y("reports-date-error", axeSource)
	b.screenshot(shots, "reports-date-error.png")
}
