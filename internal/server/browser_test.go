package server_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Environment variables read by the browser test.
const (
	// envRequireBrowser, set to 1, turns "Chromium is not installed" from a
	// skip into a failure (CI).
	envRequireBrowser = "ATIENDE_REQUIRE_BROWSER"
	// envScreenshots names a directory to keep the screenshots in, so that a
	// developer can look at them; without it they go to t.TempDir().
	envScreenshots = "ATIENDE_SCREENSHOTS"
)

const (
	// browserBudget bounds one test's tab, from its opening. A
	// hang is caught by stepTimeout; this is the backstop, generous because
	// make test runs every browser test and the other packages at once on
	// two cores, and the accessibility sweep alone loads some 100 pages.
	browserBudget = 6 * time.Minute
	// stepTimeout bounds one step (a navigation, a query, a screenshot).
	stepTimeout = 20 * time.Second
)

// TestBrowserDeskLifecycle drives a real Chromium through the first minutes
// of a new customer: landing page, creating a desk, signing out and in, and
// switching the language. It also proves that the strict CSP lets our own
// scripts and styles run, and that the pages log no errors.
func TestBrowserDeskLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	shots := screenshotDir(t)
	b := startBrowser(t, exe)

	const (
		deskName  = "Ferretería Núñez"
		slug      = "ferreteria"
		adminName = "Rosa Núñez"
		email     = "rosa@ferreteria.example"
	)
	consoleURL := e.url + "/" + slug + "/agent/"
	loginURL := e.url + "/" + slug + "/login"

	// The landing page, on a desktop and on a phone.
	res := b.navigate(chromedp.Navigate(e.url + "/"))
	assert.Equal(t, http.StatusOK, int(res.Status))
	b.do(chromedp.WaitVisible(testID("desk-form")))
	assert.Equal(t, "es", b.lang())
	b.assertAssetsLoaded()
	b.screenshot(shots, "landing.png")
	b.phoneScreenshot(shots, "landing-phone.png")

	// Create a desk through the form.
	b.do(
		chromedp.SendKeys(chromedp.CSS("#name"), deskName),
		chromedp.SendKeys(chromedp.CSS("#slug"), slug),
		chromedp.SendKeys(chromedp.CSS("#admin_name"), adminName),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	res = b.navigate(chromedp.Click(testID("create-desk")))
	assert.Equal(t, http.StatusOK, int(res.Status))
	require.Equal(t, consoleURL, b.location(), "creating a desk lands in its console")
	assert.Equal(t, adminName, b.text(testID("user-name")))
	assert.Equal(t, deskName, b.text(testID("brand-name")))
	assert.Contains(t, b.text(testID("flash")), deskName)
	b.do(chromedp.WaitVisible(testID("console")))
	b.screenshot(shots, "console.png")
	b.phoneScreenshot(shots, "console-phone.png")

	// Sign out through the header, then back in through the login form.
	res = b.navigate(chromedp.Click(testID("logout")))
	assert.Equal(t, http.StatusOK, int(res.Status))
	require.Equal(t, loginURL, b.location(), "signing out lands on the login page")
	assert.Equal(t, "Has cerrado la sesión.", b.text(testID("flash")))
	b.do(chromedp.WaitVisible(testID("login-form")))
	b.screenshot(shots, "login.png")
	b.do(
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	res = b.navigate(chromedp.Click(testID("login-submit")))
	assert.Equal(t, http.StatusOK, int(res.Status))
	require.Equal(t, consoleURL, b.location(), "signing in lands in the console")
	assert.Equal(t, adminName, b.text(testID("user-name")))

	// Switch to English; the choice survives a reload (cookie). Then back.
	b.navigate(chromedp.Click(testID("lang-en")))
	require.Equal(t, consoleURL, b.location(), "switching language stays on the page")
	b.assertLanguage("en", "Views", "Sign out")
	b.navigate(chromedp.Reload())
	b.assertLanguage("en", "Views", "Sign out")
	b.navigate(chromedp.Click(testID("lang-es")))
	require.Equal(t, consoleURL, b.location())
	b.assertLanguage("es", "Vistas", "Cerrar sesión")

	// htmx is still there after every navigation, and nothing was logged.
	b.assertAssetsLoaded()
	b.assertCleanConsole()
}

// chromiumPath returns the browser to run, or skips the test (fails it
// under ATIENDE_REQUIRE_BROWSER=1) when there is none. Chromium's headless
// shell comes first: the same engine without the browser's user interface
// layer, its GPU process or a renderer per navigation, it ran the package's
// browser tests on about two thirds of the CPU the full browser took
// (measured on two cores). The full browser serves when it is all there is.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium-headless-shell", "chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		if p := "/usr/bin/" + name; fileExists(p) {
			return p
		}
	}
	msg := "Chromium is not installed (neither chromium-headless-shell nor chromium on PATH); install it with apt-get install chromium-headless-shell"
	if os.Getenv(envRequireBrowser) == "1" {
		t.Fatalf("%s, and %s=1 requires the browser test to run", msg, envRequireBrowser)
	}
	t.Skip(msg)
	return ""
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// screenshotDir is where the screenshots go: ATIENDE_SCREENSHOTS when
// set, else "", and then none is taken. A full-page capture costs one to
// four seconds of two shared cores, and make test would throw the files
// away: the screenshots are for a developer to look at, not an assertion.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		return ""
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// testID selects the element with a data-testid.
func testID(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

// browser is one Chromium tab driven by a test.
type browser struct {
	t   *testing.T
	ctx context.Context // the tab; every step derives a timeout from it

	mu       sync.Mutex
	messages []chromedp.ConsoleMessage // what the pages logged, in order
}

// startBrowser opens a tab for t in the package's shared Chromium, in a
// browser context of its own (cookies, storage and cache apart, as in a
// fresh profile), closed when t ends.
func startBrowser(t *testing.T, exe string) *browser {
	t.Helper()
	parent, output := sharedChromium(t, exe)
	ctx, cancelTab := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	// browserBudget bounds the whole tab: a step that outlives it fails.
	budget := time.AfterFunc(browserBudget, cancelTab)
	b := &browser{t: t, ctx: ctx}
	collected := make(chan struct{})
	t.Cleanup(func() {
		budget.Stop()
		cancelTab() // closes the tab and disposes of its browser context
		select {
		case <-collected:
		case <-time.After(stepTimeout):
			t.Errorf("the console collector did not stop")
		}
		if t.Failed() {
			t.Logf("chromium output (the last of it, shared by every browser test):\n%s", output.tail(8<<10))
		}
	})

	start := time.Now()
	if err := chromedp.Do(ctx); err != nil {
		close(collected)
		t.Fatalf("opening a tab in %s: %v\n%s", exe, err, output.tail(8<<10))
	}
	t.Logf("tab opened in %v", time.Since(start).Round(time.Millisecond))

	// Subscribe before the first navigation, so no message is lost.
	messages := chromedp.Console(ctx)
	go func() {
		defer close(collected)
		for m, err := range messages {
			if err != nil {
				return // the tab is closing
			}
			b.mu.Lock()
			b.messages = append(b.messages, m)
			b.mu.Unlock()
		}
	}()
	b.desktop()
	return b
}

// step returns a context for one step.
func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// do runs actions that return nothing.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...))
}

// navigate runs actions that load a page (a navigation, a click on a submit
// button or a link) and waits for the page; it returns the final document's
// response, after any redirect.
func (b *browser) navigate(actions ...chromedp.Action[chromedp.Void]) *network.Response {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	res, err := chromedp.RunResponse(ctx, actions...)
	require.NoError(b.t, err)
	require.NotNil(b.t, res)
	return res
}

// run runs one action that returns a value.
func run[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(b.t, err)
	return v
}

func (b *browser) text(sel chromedp.CSS) string {
	b.t.Helper()
	return strings.TrimSpace(run(b, chromedp.Text(sel)))
}

func (b *browser) location() string {
	b.t.Helper()
	return run(b, chromedp.Location())
}

func (b *browser) lang() string {
	b.t.Helper()
	return run(b, chromedp.Evaluate[string](`document.documentElement.lang`))
}

// assertLanguage checks the document language and two strings of the
// console in it: the sidebar title and the sign-out button.
func (b *browser) assertLanguage(lang, views, logout string) {
	b.t.Helper()
	assert.Equal(b.t, lang, b.lang())
	// textContent, not the rendered text: CSS may upper-case a title.
	assert.Equal(b.t, views, strings.TrimSpace(run(b, chromedp.TextContent(chromedp.CSS(`[data-testid="console"] .sidebar-title`)))))
	assert.Equal(b.t, logout, strings.TrimSpace(run(b, chromedp.TextContent(testID("logout")))))
	pressed := run(b, chromedp.AttributeValue(testID("lang-"+lang), "aria-pressed"))
	assert.Equal(b.t, "true", pressed.Value, "the current language's button is pressed")
}

// assertAssetsLoaded proves that the CSP lets our external script and style
// files in: htmx defined its global, and the stylesheet has rules.
func (b *browser) assertAssetsLoaded() {
	b.t.Helper()
	assert.Equal(b.t, "object", run(b, chromedp.Evaluate[string](`typeof htmx`)), "htmx loaded under script-src 'self'")
	rules := run(b, chromedp.Evaluate[int](`Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0)`))
	assert.Positive(b.t, rules, "app.css loaded under style-src 'self'")
}

// assertCleanConsole checks that no page logged an error, an uncaught
// exception or a CSP violation. A marker logged last, and waited for, makes
// sure every earlier message has arrived.
func (b *browser) assertCleanConsole() {
	b.t.Helper()
	const marker = "atiende-browser-test: end of messages"
	run(b, chromedp.Evaluate[chromedp.Void](`console.info(`+"`"+marker+"`"+`)`))
	deadline := time.Now().Add(stepTimeout)
	var got []chromedp.ConsoleMessage
	for {
		b.mu.Lock()
		got = append(got[:0], b.messages...)
		b.mu.Unlock()
		if containsText(got, marker) {
			break
		}
		require.True(b.t, time.Now().Before(deadline), "the console marker never arrived")
		time.Sleep(20 * time.Millisecond)
	}
	for _, m := range got {
		if m.Text == marker {
			continue
		}
		b.t.Logf("console: %s", m)
		bad := m.Type == chromedp.ConsoleError || m.IsException() ||
			strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Content-Security-Policy")
		assert.False(b.t, bad, "the page logged %s %s", m, m.URL)
	}
}

func containsText(ms []chromedp.ConsoleMessage, text string) bool {
	for _, m := range ms {
		if m.Text == text {
			return true
		}
	}
	return false
}

// screenshot saves a full-page PNG of the current page as dir/name; with
// no dir it does nothing.
func (b *browser) screenshot(dir, name string) {
	b.t.Helper()
	if dir == "" {
		return
	}
	png := run(b, chromedp.FullScreenshot(100))
	path := filepath.Join(dir, name)
	require.NoError(b.t, os.WriteFile(path, png, 0o644))
	b.t.Logf("screenshot: %s", path)
}

// phoneScreenshot saves a full-page PNG of the current page on a 390×844
// phone, then puts the desktop viewport back.
func (b *browser) phoneScreenshot(dir, name string) {
	b.t.Helper()
	b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	b.screenshot(dir, name)
	b.desktop()
}

// The viewports of the screenshots.
const (
	desktopWidth, desktopHeight = 1280, 900
	phoneWidth, phoneHeight     = 390, 844
)

// desktop sets the desktop viewport. It is set explicitly, not reset: after
// a phone emulation, chromedp.ResetViewport leaves the page at phone width.
func (b *browser) desktop() {
	b.t.Helper()
	b.viewport(desktopWidth, desktopHeight, chromedp.EmulateLandscape)
}

// viewport emulates a screen and waits until the page has its width, so
// that media queries apply before the next screenshot. (chromedp.Poll would
// hang on the blank page the browser starts with.) It then waits for two
// frames: until the new layout is on screen, a click is hit-tested against
// the old one, and on a loaded machine a click on the header after a phone
// viewport was lost.
func (b *browser) viewport(width, height int64, opts ...chromedp.EmulateViewportOption) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(width, height, opts...))
	deadline := time.Now().Add(stepTimeout)
	for run(b, chromedp.Evaluate[int64](`window.innerWidth`)) != width {
		require.True(b.t, time.Now().Before(deadline), "the page never got %d px wide", width)
		time.Sleep(20 * time.Millisecond)
	}
	b.nextFrames()
}

// nextFrames waits until the page has drawn two more frames, or 250 ms
// on a page that draws none (the blank page the browser starts with).
func (b *browser) nextFrames() {
	b.t.Helper()
	run(b, chromedp.Evaluate[bool](`new Promise(r => {
		requestAnimationFrame(() => requestAnimationFrame(() => r(true)));
		setTimeout(() => r(false), 250);
	})`, chromedp.EvalAwaitPromise))
}
