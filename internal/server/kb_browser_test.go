package server_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// hostileMarkdown tries to run script in the article page in every way an
// author could; the page sets window.kbPwned only if one of them works.
const hostileMarkdown = "Texto normal sobre la factura.\n\n" +
	"<script>window.kbPwned = 1</script>\n\n" +
	"<img src=x onerror=\"window.kbPwned = 2\">\n\n" +
	"[pulsa aquí](javascript:window.kbPwned=3)\n\n" +
	"![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9IndpbmRvdy5rYlB3bmVkPTQiLz4=)\n\n" +
	"<svg onload=\"window.kbPwned = 5\"></svg>\n\n" +
	"<iframe src=\"javascript:parent.kbPwned=6\"></iframe>\n\n" +
	"<div hx-get=\"/\" hx-trigger=\"load\" hx-on::load=\"window.kbPwned = 7\">x</div>\n"

// TestBrowserHelpCentre: a customer types a subject, sees a suggestion,
// opens it and votes "Sí"; a hostile article runs nothing; an agent finds
// an article from a ticket and inserts its link, turns a solved ticket into
// a draft and publishes it; axe checks every help-centre and editor page at
// desktop and phone width.
func TestBrowserHelpCentre(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t)
	d := e.newDesk("libreria")
	ka := e.kbSeed(d)
	ctx := context.Background()
	require.NoError(t, e.svc.SetKBEditor(ctx, d.admin.Actor(), d.agent.ID, true))
	hostile, err := e.svc.SaveKBArticle(ctx, d.admin.Actor(), 0, helpdesk.KBSave{To: helpdesk.KBPublished, Input: helpdesk.KBArticleInput{
		Section: ka.public.Section, Locale: "es", Title: "Artículo hostil", Body: hostileMarkdown, Audience: "public"}})
	require.NoError(t, err)
	solved := e.openTicket(d.customer, "¿Cómo cambio la contraseña del correo?")
	_, err = e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: solved.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Entra en Mi cuenta y pulsa Cambiar contraseña."}, Public: true, Status: helpdesk.StatusSolved})
	require.NoError(t, err)

	b := startBrowser(t, exe)
	dir := screenshotDir(t)
	base := e.url + "/" + d.tenant.Slug
	check := func(name string) {
		t.Helper()
		b.checkA11y(name+", desktop", axeSource)
		b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		b.checkA11y(name+", phone", axeSource)
		b.desktop()
	}
	open := func(name, url string, shot string) {
		t.Helper()
		res := b.navigate(chromedp.Navigate(url))
		require.Equal(t, http.StatusOK, int(res.Status), "%s: %s", name, b.location())
		check(name)
		if shot != "" {
			b.screenshot(dir, "kb-"+shot+".png")
			b.phoneScreenshot(dir, "kb-"+shot+"-phone.png")
		}
	}

	// Signed out: the help centre's pages.
	open("help home", base+"/help", "home")
	open("help category", base+"/help/categories/"+id64(ka.public.Category), "category")
	open("help section", base+"/help/sections/"+id64(ka.public.Section), "")
	open("help search", base+"/help/search?q=facturas", "search")
	open("hostile article", base+"/help/articles/"+id64(hostile.ID), "hostile")
	assert.False(t, run(b, chromedp.Evaluate[bool](`'kbPwned' in window`)), "hostile Markdown ran script")
	assert.Zero(t, run(b, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="help-body"] script, [data-testid="help-body"] svg, [data-testid="help-body"] iframe, [data-testid="help-body"] [onerror], [data-testid="help-body"] [hx-get]').length`)))

	// The customer: subject → suggestion → article → "Sí".
	b.signIn(base, d.customer.Email)
	b.navigate(chromedp.Navigate(base + "/tickets/new"))
	assert.Equal(t, 1, run(b, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="help-suggest-link"]').length`)), "without a subject: the link")
	b.do(chromedp.SendKeys(chromedp.CSS("#subject"), "no puedo descargar la factura"))
	b.do(chromedp.WaitVisible(testID("help-suggestion")))
	check("new ticket with suggestions")
	b.screenshot(dir, "kb-suggestions.png")
	b.phoneScreenshot(dir, "kb-suggestions-phone.png")
	href := run(b, chromedp.Evaluate[string](`document.querySelector('[data-testid="help-suggestion"]').getAttribute('href')`))
	require.Contains(t, href, "?from=")
	assert.Contains(t, b.text(testID("help-suggestion-list")), ka.public.Title)
	assert.Contains(t, b.text(testID("help-suggestion-list")), ka.customers.Title)
	assert.NotContains(t, b.text(testID("help-suggestion-list")), ka.internal.Title)
	// The link opens a new tab; the test follows it in this one.
	res := b.navigate(chromedp.Navigate(e.url + href))
	require.Equal(t, http.StatusOK, int(res.Status))
	check("help article")
	b.screenshot(dir, "kb-article.png")
	b.phoneScreenshot(dir, "kb-article-phone.png")
	b.navigate(chromedp.Click(testID("vote-yes")))
	assert.Contains(t, b.text(testID("help-voted")), "Gracias")
	var opens, yes int
	e.asTenant(d, func(tx pgx.Tx) {
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM kb_suggestion_opens WHERE tenant_id = $1 AND NOT submitted`, int64(d.tenant.ID)).Scan(&opens))
		require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM kb_votes WHERE tenant_id = $1 AND helpful`, int64(d.tenant.ID)).Scan(&yes))
	})
	assert.Equal(t, 1, opens, "the opened suggestion counts towards deflection")
	assert.Equal(t, 1, yes)
	b.navigate(chromedp.Click(testID("logout")))

	// The agent: search from the ticket, insert a link; then a draft from
	// the solved ticket, published.
	b.signIn(base, d.agent.Email)
	b.navigate(chromedp.Navigate(base + "/agent/tickets/" + id64(solved.Number)))
	b.do(chromedp.SendKeys(chromedp.CSS("#kb-q"), "factura\n"))
	b.do(chromedp.WaitVisible(testID("kb-insert-link")))
	check("console workspace with the knowledge base panel")
	b.do(chromedp.Click(testID("kb-insert-link")))
	assert.Contains(t, run(b, chromedp.Evaluate[string](`document.getElementById('body').value`)), "/libreria/help/articles/")
	b.screenshot(dir, "kb-console-panel.png")
	b.navigate(chromedp.Click(testID("kb-from-ticket")))
	assert.Contains(t, b.location(), "/agent/kb/")
	check("console editor")
	b.screenshot(dir, "kb-editor.png")
	b.phoneScreenshot(dir, "kb-editor-phone.png")
	body := run(b, chromedp.Evaluate[string](`document.querySelector('[data-testid="kb-body"]').value`))
	assert.Contains(t, body, "Cambiar contraseña")
	assert.NotContains(t, body, d.customer.Name)
	b.navigate(chromedp.Click(testID("kb-publish")))
	assert.Contains(t, b.text(testID("kb-state")), "Publicado")
	open("console kb list", base+"/agent/kb", "console-list")
	b.navigate(chromedp.Click(`[data-testid="kb-table"] tbody tr:first-child a`))
	b.navigate(chromedp.Click(testID("kb-revisions")))
	check("console revisions")
	b.navigate(chromedp.Click(testID("logout")))

	b.signIn(base, d.admin.Email)
	open("admin kb", base+"/admin/kb", "admin")
	b.assertCleanConsole()

	// The help centre in the dark palette: its colour rules (contrast of
	// marks, cards, vote buttons) at desktop width.
	b.colorScheme("dark")
	for name, url := range map[string]string{
		"help home":    base + "/help",
		"help search":  base + "/help/search?q=facturas",
		"help article": base + "/help/articles/" + id64(ka.public.ID),
	} {
		res := b.navigate(chromedp.Navigate(url))
		require.Equal(t, http.StatusOK, int(res.Status), name)
		b.checkA11yRules(name+", dark, desktop", axeSource, axeColourRules)
	}
	b.screenshot(dir, "kb-article-dark.png")
}
