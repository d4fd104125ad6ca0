package server_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestBrowserWorkspaceOneSubmit: in one step an agent replies with a file,
// changes the priority and the category, logs 15 minutes and sends as
// Pendiente; the page is axe clean at desktop and phone width, and "?"
// opens the keyboard help as a dialog.
func TestBrowserWorkspaceOneSubmit(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t)
	d := e.newWorkspaceDesk("mesa")
	tk := e.consoleOpen(d.customer, "El portátil no arranca")
	before := e.staffTicket(d.desk, tk.Number)
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/mesa"
	file := filepath.Join(t.TempDir(), "diagnostico.png")
	require.NoError(t, os.WriteFile(file, pngBytes, 0o644))

	b.signIn(base, d.agent.Email)
	b.navigate(chromedp.Navigate(base + "/agent/tickets/" + num(tk.Number)))
	b.do(chromedp.WaitVisible(testID("reply-form")))
	b.checkA11y("workspace form, desktop", axeSource)
	b.screenshot(shots, "workspace-form.png")
	b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	b.checkA11y("workspace form, phone", axeSource)
	b.screenshot(shots, "workspace-form-phone.png")
	b.desktop()

	// "?" opens the help as a modal dialog; Escape closes it.
	b.do(chromedp.Click(chromedp.CSS("h1"), chromedp.NodeVisible), chromedp.KeyEvent("?"))
	assert.True(t, run(b, chromedp.Evaluate[bool](`document.getElementById('shortcut-help').matches(':modal')`)))
	b.checkA11y("keyboard help dialog", axeSource)
	b.screenshot(shots, "workspace-help.png")
	b.do(chromedp.KeyEvent("\x1b"))
	assert.False(t, run(b, chromedp.Evaluate[bool](`document.getElementById('shortcut-help').open`)))

	b.do(
		chromedp.SendKeys(chromedp.CSS("#body"), "Hemos revisado el diagnóstico: te llamamos mañana."),
		chromedp.SetUploadFiles(chromedp.CSS("#attachments"), []string{file}),
		chromedp.SetValue(chromedp.CSS("#field-priority"), "high"),
		chromedp.SetValue(chromedp.CSS("#field-category"), strconv.FormatInt(int64(d.cat.ID), 10)),
		chromedp.SendKeys(chromedp.CSS("#minutes"), "15"),
		chromedp.SetValue(chromedp.CSS("#submit_as"), "pending"),
	)
	res := b.navigate(chromedp.Click(testID("reply-submit")))
	require.Equal(t, http.StatusOK, int(res.Status), b.location())
	assert.Contains(t, b.text(testID("flash")), "Respuesta enviada.")
	assert.Contains(t, b.text(testID("time-total-side")), "15 min")
	b.screenshot(shots, "workspace-after-submit.png")

	after := e.staffTicket(d.desk, tk.Number)
	assert.Equal(t, before.Version+1, after.Version, "one update")
	assert.Equal(t, helpdesk.StatusPending, after.Status)
	assert.Equal(t, helpdesk.PriorityHigh, after.Priority)
	assert.Equal(t, d.cat.ID, after.Category)
	tl, err := e.svc.Timeline(context.Background(), d.customer.Actor(), tk.Number)
	require.NoError(t, err)
	files := 0
	for _, en := range tl {
		if en.Comment != nil && en.Comment.Author.Kind == helpdesk.AuthorAgent {
			files += len(en.Comment.Attachments)
		}
	}
	assert.Equal(t, 1, files, "the customer gets the reply with its file")
}
