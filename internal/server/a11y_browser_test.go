package server_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// axeScript is axe-core's browser bundle, vendored from npm (axe-core@4,
// MPL-2.0; the version is in the file's first line). It lives in testdata,
// which neither the build nor web.Static embeds: the app never serves it.
const axeScript = "testdata/axe/axe.min.js"

// axeRun runs axe on the document with the given options and returns
// only what the test reads of the violations.
const axeRun = `axe.run(document, %s).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({target: n.target.map(t => [].concat(t).join(' >>> ')), summary: n.failureSummary || ''})),
})))`

// The rules to run: all of them (axe's default set: WCAG 2.x A and AA and
// best practices), or only those a colour scheme can change.
const (
	axeAllRules    = `{resultTypes: ['violations']}`
	axeColourRules = `{resultTypes: ['violations'], runOnly: {type: 'rule', values: ['color-contrast', 'link-in-text-block']}}`
)

// axeViolation is one failed rule on a page, with the elements it failed on.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&sb, "\n      %s", strings.Join(n.Target, ", "))
		if n.Summary != "" {
			fmt.Fprintf(&sb, "\n        %s", strings.ReplaceAll(n.Summary, "\n", "\n        "))
		}
	}
	return sb.String()
}

// TestBrowserA11y is the accessibility gate: every page of the landing,
// the portal and the console, in the states a person meets them in (empty,
// with errors, a ticket waiting on the customer, a solved one…), is checked
// with axe-core at desktop and at phone width, then for contrast in the
// dark colour scheme. A "serious" or "critical" violation fails the test;
// "moderate" and "minor" ones are logged.
func TestBrowserA11y(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t)
	d := e.newDesk("ferreteria")
	ctx := context.Background()
	v := func(n helpdesk.TicketNumber) helpdesk.TicketVersion { return helpdesk.TicketVersion{Number: n} }
	reply := func(u helpdesk.User, n helpdesk.TicketNumber, body string, public bool, status helpdesk.Status, files ...helpdesk.NewAttachment) {
		t.Helper()
		_, err := e.svc.Reply(ctx, u.Actor(), v(n), helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: body, Attachments: files}, Public: public, Status: status})
		require.NoError(t, err)
	}
	shot := helpdesk.NewAttachment{Filename: "captura.png", ContentType: "image/png", Data: pngBytes}

	// A conversation that now waits on the customer, with files, a note,
	// tags and a priority (the console shows them all).
	pending := e.openTicket(d.customer, "La impresora de la oficina 2 no imprime", shot)
	e.assignTo(d.agent, pending.Number)
	_, err = e.svc.SetPriority(ctx, d.agent.Actor(), v(pending.Number), helpdesk.PriorityHigh)
	require.NoError(t, err)
	_, err = e.svc.SetTags(ctx, d.agent.Actor(), v(pending.Number), []string{"impresoras"})
	require.NoError(t, err)
	reply(d.agent, pending.Number, "Hola, ¿qué error aparece en la pantalla?", true, "")
	reply(d.customer, pending.Number, "Sale el error E-42.", true, "", shot)
	reply(d.agent, pending.Number, "Es el tóner: lo cambiamos mañana.", false, "")
	reply(d.agent, pending.Number, "¿Nos confirmas el modelo de la impresora?", true, helpdesk.StatusPending)
	// A solved one, a closed one and one just opened.
	solved := e.openTicket(d.customer, "No llega el correo de confirmación")
	e.assignTo(d.agent, solved.Number)
	reply(d.agent, solved.Number, "Ya está: estaba en la carpeta de spam.", true, helpdesk.StatusSolved)
	closed := e.openTicket(d.customer, "Factura duplicada en octubre")
	e.setStatus(d, closed.Number, helpdesk.StatusSolved)
	_, err = e.svc.ConfirmSolution(ctx, d.customer.Actor(), v(closed.Number))
	require.NoError(t, err)
	fresh := e.openTicket(d.customer, "Cambiar la dirección de envío")
	other := e.newCustomer(d, "Jorge Pérez")
	e.openTicket(other, "Error 500 al guardar el perfil")

	saved, err := e.svc.CreateView(ctx, d.agent.Actor(), helpdesk.ViewInput{Name: "Urgentes sin asignar",
		Filter:  helpdesk.TicketFilter{Priorities: []helpdesk.Priority{helpdesk.PriorityUrgent}, Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeNobody}},
		Columns: helpdesk.DefaultViewColumns()})
	require.NoError(t, err)

	b := startBrowser(t, exe)
	base := e.url + "/" + d.tenant.Slug
	ticketURL := func(area string, n helpdesk.TicketNumber, suffix string) string {
		return fmt.Sprintf("%s%s/tickets/%d%s", base, area, n, suffix)
	}
	start := time.Now()
	runs := 0
	// check loads a page through actions, checks its status, then runs axe
	// on it: every rule at desktop and at phone width in the light scheme,
	// the colour rules at desktop width in the dark one.
	check := func(name, scheme string, status int, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		res := b.navigate(actions...)
		require.Equal(t, status, int(res.Status), "%s: %s", name, b.location())
		name += ", " + scheme
		if scheme == "dark" {
			b.checkA11yRules(name+", desktop", axeSource, axeColourRules)
			runs++
			return
		}
		b.checkA11y(name+", desktop", axeSource)
		b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		b.checkA11y(name+", phone", axeSource)
		b.desktop()
		runs += 2
	}
	open := func(url string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(url) }

	// Every page in the light colour scheme, then again in the dark one
	// (app.css has a dark palette). The scheme is set before the pages
	// load: Chromium does not reliably restyle a page whose emulated
	// colour scheme changes under it.
	for _, scheme := range []string{"light", "dark"} {
		b.colorScheme(scheme)
		rules := axeAllRules
		if scheme == "dark" {
			rules = axeColourRules
		}

		// Signed out.
		check("landing", scheme, http.StatusOK, open(e.url+"/"))
		b.assertAxeBites(axeSource, rules)
		check("portal home", scheme, http.StatusOK, open(base+"/"))
		check("login", scheme, http.StatusOK, open(base+"/login"))
		b.fillLogin("nadie@ferreteria.example", "no es la contraseña")
		check("login refused", scheme, http.StatusUnprocessableEntity, chromedp.Click(testID("login-submit")))
		check("signup", scheme, http.StatusOK, open(base+"/signup"))
		check("signup with errors", scheme, http.StatusUnprocessableEntity, chromedp.Click(testID("signup-submit")))
		check("not found", scheme, http.StatusNotFound, open(base+"/no-existe"))

		// The customer.
		b.signIn(base, d.customer.Email)
		check("portal home, signed in", scheme, http.StatusOK, open(base+"/"))
		check("my tickets", scheme, http.StatusOK, open(base+"/tickets"))
		check("new ticket", scheme, http.StatusOK, open(base+"/tickets/new"))
		check("new ticket with errors", scheme, http.StatusUnprocessableEntity, chromedp.Click(testID("new-ticket-submit")))
		check("ticket received", scheme, http.StatusOK, open(ticketURL("", fresh.Number, "/received")))
		check("ticket pending", scheme, http.StatusOK, open(ticketURL("", pending.Number, "")))
		check("ticket solved", scheme, http.StatusOK, open(ticketURL("", solved.Number, "")))
		check("ticket closed", scheme, http.StatusOK, open(ticketURL("", closed.Number, "")))
		check("not found, signed in", scheme, http.StatusNotFound, open(ticketURL("", 9999, "")))
		check("signed out", scheme, http.StatusOK, chromedp.Click(testID("logout")))

		// The agent.
		b.signIn(base, d.agent.Email)
		check("console", scheme, http.StatusOK, open(base+"/agent/"))
		check("console view", scheme, http.StatusOK, open(base+"/agent/views/all"))
		check("console view, empty", scheme, http.StatusOK, open(base+"/agent/views/on-hold"))
		check("console view, more filters", scheme, http.StatusOK, open(base+"/agent/views/all?tag=vip"))
		run(b, chromedp.Evaluate[bool](`document.querySelector('[data-testid="save-view"]').open = true`))
		b.checkA11yRules("console save view form, "+scheme+", desktop", axeSource, rules)
		runs++
		check("console saved views", scheme, http.StatusOK, open(base+"/agent/views"))
		check("console saved view edit", scheme, http.StatusOK, open(fmt.Sprintf("%s/agent/views/%d/edit", base, saved.ID)))
		check("console profile", scheme, http.StatusOK, open(base+"/agent/profile"))
		check("console new ticket", scheme, http.StatusOK, open(base+"/agent/tickets/new?q=cliente"))
		check("console new ticket with errors", scheme, http.StatusUnprocessableEntity, chromedp.Click(testID("agent-new-ticket-submit")))
		// The keyboard help ("?"), shown on wide screens only.
		run(b, chromedp.Evaluate[bool](`document.getElementById('shortcut-help').open = true`))
		b.checkA11yRules("console keyboard help, "+scheme+", desktop", axeSource, rules)
		runs++
		check("console workspace", scheme, http.StatusOK, open(ticketURL("/agent", pending.Number, "")))
		check("console not found", scheme, http.StatusNotFound, open(ticketURL("/agent", 9999, "")))
		b.navigate(chromedp.Click(testID("logout")))

		// The admin.
		b.signIn(base, d.admin.Email)
		for _, p := range []string{"/", "/audit", "/people", "/people/" + id64(d.agent.ID), "/categories", "/categories/new",
			"/groups", "/groups/new", "/fields", "/fields/new", "/settings", "/priority", "/organisations", "/customers",
			"/customers/" + id64(d.customer.ID)} {
			check("admin "+p, scheme, http.StatusOK, open(base+"/admin"+p))
		}
		check("admin form with errors", scheme, http.StatusUnprocessableEntity, chromedp.Clear(chromedp.CSS("#name")), chromedp.Click(testID("customer-save")))
		b.navigate(chromedp.Click(testID("logout")))
	}
	t.Logf("axe ran %d times in %v", runs, time.Since(start).Round(time.Millisecond))
}

// colorScheme emulates a light or dark colour scheme for the pages loaded
// from now on. It also asks for reduced motion, so that no colour is caught
// halfway through a transition.
func (b *browser) colorScheme(scheme string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{
		{Name: "prefers-color-scheme", Value: scheme},
		{Name: "prefers-reduced-motion", Value: "reduce"},
	}})
	require.NoError(b.t, err)
}

// signIn signs in through the login form of the desk at base.
func (b *browser) signIn(base, email string) {
	b.t.Helper()
	b.navigate(chromedp.Navigate(base + "/login"))
	b.fillLogin(email, testPassword)
	res := b.navigate(chromedp.Click(testID("login-submit")))
	require.Equal(b.t, http.StatusOK, int(res.Status))
	require.NotContains(b.t, b.location(), "/login", "signing in as %s", email)
}

// fillLogin types into the login form of the current page.
func (b *browser) fillLogin(email, password string) {
	b.t.Helper()
	b.do(
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
}

// assertAxeBites proves that the gate works on our pages (axe loads under
// the CSP and the chosen rules run): it adds an unnamed button and faint
// text to the current page, and expects axe to report them.
func (b *browser) assertAxeBites(axeSource []byte, rules string) {
	b.t.Helper()
	run(b, chromedp.Evaluate[bool](`(() => {
		const p = document.createElement('p');
		p.textContent = 'axe canary';
		p.style.color = matchMedia('(prefers-color-scheme: dark)').matches ? '#333' : '#aaa';
		document.querySelector('main').append(p, document.createElement('button'));
		return true;
	})()`))
	var ids []string
	for _, v := range b.axeViolations(axeSource, rules) {
		ids = append(ids, v.ID)
	}
	require.Contains(b.t, ids, "color-contrast", "axe misses faint text")
	if rules == axeAllRules {
		require.Contains(b.t, ids, "button-name", "axe misses a button without a name")
	}
	b.navigate(chromedp.Reload())
}

// checkA11y runs every axe rule on the current page (injecting axe once
// per document) and fails the test for each serious or critical
// violation; it logs the others.
func (b *browser) checkA11y(page string, axeSource []byte) {
	b.t.Helper()
	b.checkA11yRules(page, axeSource, axeAllRules)
}

// checkA11yRules is checkA11y with axe options that choose the rules.
func (b *browser) checkA11yRules(page string, axeSource []byte, rules string) {
	b.t.Helper()
	for _, v := range b.axeViolations(axeSource, rules) {
		switch v.Impact {
		case "serious", "critical":
			b.t.Errorf("%s: axe: %s", page, v)
		default:
			b.t.Logf("%s: axe: %s", page, v)
		}
	}
}

// axeViolations runs axe on the current page, injecting it once per
// document.
func (b *browser) axeViolations(axeSource []byte, rules string) []axeViolation {
	b.t.Helper()
	if !run(b, chromedp.Evaluate[bool](`typeof window.axe === 'object'`)) {
		run(b, chromedp.Evaluate[chromedp.Void](string(axeSource)))
	}
	b.nextFrames() // a changed viewport or opened element is laid out
	return run(b, chromedp.Evaluate[[]axeViolation](fmt.Sprintf(axeRun, rules), chromedp.EvalAwaitPromise))
}
