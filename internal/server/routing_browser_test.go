package server_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestBrowserAutomationPages drives the automation pages as an admin: the
// list, a new trigger refused with row errors, its preview, the saved rule
// and a time-based rule; each page is screenshotted at desktop and phone
// width and checked with axe (serious and critical violations fail), in
// the light and the dark scheme. The trigger combines a condition with a
// nested group (any of two channels). The saved trigger then runs on a new
// ticket and its run log is checked the same way.
func TestBrowserAutomationPages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	axeSource, err := os.ReadFile(axeScript)
	require.NoError(t, err)
	e := newEnv(t)
	d := e.newDesk("taller")
	ctx := context.Background()
	_, err = e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	for _, s := range []string{"La impresora no imprime", "Impresora atascada", "No puedo entrar al correo"} {
		e.openTicket(d.customer, s)
	}
	_, err = e.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "Pendientes 48 h", Active: true, Position: 1,
		Anchor: helpdesk.AnchorPending, Minutes: 48 * 60, Actions: []helpdesk.Action{{Type: helpdesk.ActNotify, Value: "requester", Text: "¿Sigues necesitando ayuda?"}}})
	require.NoError(t, err)
	// A rule with the SLA state, the requester's wait and a macro.
	m, err := e.svc.CreateMacro(ctx, d.admin.Actor(), helpdesk.MacroInput{Name: "Seguimos en ello", Shared: true, Body: "Hola"})
	require.NoError(t, err)
	_, err = e.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "Espera con SLA incumplido", Active: true,
		Anchor: helpdesk.AnchorRequesterWaiting, Minutes: 30,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondSLA, Op: helpdesk.OpIs, Value: string(helpdesk.SLAStateBreached)}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActApplyMacro, Value: strconv.FormatInt(int64(m.ID), 10)}}})
	require.NoError(t, err)

	dir := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/" + d.tenant.Slug
	b.desktop()
	for _, scheme := range []string{"light", "dark"} {
		b.colorScheme(scheme)
		b.signIn(base, d.admin.Email)
		check := func(name string, status int, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			res := b.navigate(actions...)
			require.Equal(t, status, int(res.Status), "%s: %s", name, b.location())
			if scheme == "dark" {
				b.checkA11yRules(name+", dark", axeSource, axeColourRules)
				b.screenshot(dir, "automation-"+name+"-dark.png")
				return
			}
			b.checkA11y(name+", desktop", axeSource)
			b.screenshot(dir, "automation-"+name+".png")
			b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
			b.checkA11y(name+", phone", axeSource)
			b.screenshot(dir, "automation-"+name+"-phone.png")
			b.desktop()
		}
		check("console", http.StatusOK, chromedp.Navigate(base+"/agent/"))
		check("list", http.StatusOK, chromedp.Navigate(base+"/admin/automation"))
		require.Contains(t, b.text(testID("timed")), "Si el SLA está incumplido: aplicar la macro «Seguimos en ello».")
		check("new-trigger", http.StatusOK, chromedp.Click(testID("new-trigger")))
		b.do(
			chromedp.SetValue(chromedp.CSS(`select[name="cond_field_0"]`), "subject"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_op_0"]`), "contains"),
			chromedp.SendKeys(chromedp.CSS(`input[name="cond_text_0"]`), "impresora"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_field_1"]`), "priority"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_op_1"]`), "contains"),
			chromedp.SetValue(chromedp.CSS(`#rule-match`), "any"),
			chromedp.SetValue(chromedp.CSS(`select[name="act_type_0"]`), "add_tag"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name="act_text_0"]`), "hardware"),
		)
		check("trigger-errors", http.StatusUnprocessableEntity, chromedp.Click(testID("rule-save")))
		b.do(
			chromedp.SendKeys(chromedp.CSS(`#rule-name`), "Impresoras "+scheme),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_field_1"]`), ""),
		)
		check("trigger-preview", http.StatusOK, chromedp.Click(testID("rule-preview")))
		check("saved", http.StatusOK, chromedp.Click(testID("rule-save")))
		// A rule with a nested group: the subject says "tóner" and (the
		// channel is the portal or email).
		b.navigate(chromedp.Click(testID("new-trigger")))
		b.do(
			chromedp.SendKeys(chromedp.CSS(`#rule-name`), "Tóner "+scheme),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_field_0"]`), "subject"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_op_0"]`), "contains"),
			chromedp.SendKeys(chromedp.CSS(`input[name="cond_text_0"]`), "tóner"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_group_2"]`), "1"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_field_2"]`), "channel"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_choice_2"]`), "channel:web"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_group_3"]`), "1"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_field_3"]`), "channel"),
			chromedp.SetValue(chromedp.CSS(`select[name="cond_choice_3"]`), "channel:email"),
			chromedp.SetValue(chromedp.CSS(`#rule-group_match_1`), "any"),
			chromedp.SetValue(chromedp.CSS(`select[name="act_type_0"]`), "add_tag"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name="act_text_0"]`), "consumibles"),
		)
		check("grouped", http.StatusOK, chromedp.Click(testID("rule-save")))
		require.Contains(t, b.text(testID("triggers")), "el asunto contiene «tóner» y (el canal es Portal o el canal es Correo)")
		check("timed", http.StatusOK, chromedp.Click(chromedp.CSS(`[data-testid="timed"] a`)))
		// The rule runs on a new ticket; its log says what it did.
		e.openTicket(d.customer, "Impresora sin tóner "+scheme)
		check("list-counted", http.StatusOK, chromedp.Navigate(base+"/admin/automation"))
		check("runs", http.StatusOK, chromedp.Click(testID("rule-runs-link")))
		require.Contains(t, b.text(testID("runs")), "añadir la etiqueta «hardware»")
		b.navigate(chromedp.Click(testID("logout")))
	}
}
