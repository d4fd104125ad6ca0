package server_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestBrowserSLA loads the SLA pages in Chromium: the console's badges,
// views and SLA panel, and the admin pages for calendars and policies. It
// takes screenshots (ATIENDE_SCREENSHOTS keeps them) and runs axe on each
// page, in light and dark, at desktop and phone width.
func TestBrowserSLA(t *testing.T) {
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
	admin := d.admin.Actor()
	cal, err := e.svc.SaveCalendar(ctx, admin, 0, helpdesk.CalendarInput{Name: "Oficina de Madrid", TimeZone: "Europe/Madrid",
		Hours: [7]string{"", "09:00-14:00, 15:00-18:00", "09:00-14:00, 15:00-18:00", "09:00-14:00, 15:00-18:00",
			"09:00-14:00, 15:00-18:00", "08:00-15:00", ""},
		Holidays: []string{"12-25 Navidad", "01-01 Año Nuevo", "2026-01-06 Reyes"}})
	require.NoError(t, err)
	e.slaPolicy(d)
	urgent := map[helpdesk.Priority]helpdesk.SLATargets{helpdesk.PriorityUrgent: {FirstReply: 30, NextReply: 60, Resolution: 480}}
	_, err = e.svc.SavePolicy(ctx, admin, 0, helpdesk.SLAPolicyInput{Name: "Clientes VIP", Priorities: []string{"urgent"},
		Channels: []string{"email", "phone"}, Calendar: cal.ID, PauseOnHold: true, Targets: urgent,
		Escalations: []helpdesk.EscalationLevel{{Percent: 75, NotifyAssignee: true, NotifyLeads: true}, {Percent: 100, RaisePriority: true, NextTier: true, NotifyAdmins: true}}})
	require.NoError(t, err)

	soon := e.consoleOpen(d.customer, "El servidor de correo no responde")
	_, err = e.svc.SetPriority(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: soon.Number}, helpdesk.PriorityUrgent)
	require.NoError(t, err)
	late := e.consoleOpen(d.customer, "Factura duplicada en octubre")
	e.consoleOpen(d.customer, "Cambiar la dirección de envío")
	waiting := e.consoleOpen(d.customer, "La impresora no imprime")
	_, err = e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: waiting.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "¿Qué modelo es?"}, Public: true, Status: helpdesk.StatusPending})
	require.NoError(t, err)
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE tickets SET next_due_at = now() - interval '95 minutes' WHERE id = $1`, int64(late.ID))
		require.NoError(t, err)
	})

	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/" + d.tenant.Slug
	open := func(url string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(url) }
	pages := []struct{ name, url string }{
		{"sla-queue", base + "/agent/views/all?sort=due"},
		{"sla-due-soon", base + "/agent/views/due-soon"},
		{"sla-overdue", base + "/agent/views/overdue"},
		{"sla-ticket", fmt.Sprintf("%s/agent/tickets/%d", base, soon.Number)},
		{"sla-ticket-paused", fmt.Sprintf("%s/agent/tickets/%d", base, waiting.Number)},
		{"sla-admin", base + "/admin/sla"},
		{"sla-admin-calendar", fmt.Sprintf("%s/admin/sla/calendars/%d", base, cal.ID)},
		{"sla-admin-policy-new", base + "/admin/sla/policies/new"},
	}
	b.signIn(base, d.admin.Email)
	for _, scheme := range []string{"light", "dark"} {
		b.colorScheme(scheme)
		for _, p := range pages {
			res := b.navigate(open(p.url))
			require.Equal(t, http.StatusOK, int(res.Status), p.name)
			if scheme == "dark" {
				b.checkA11yRules(p.name+", dark", axeSource, axeColourRules)
				b.screenshot(shots, p.name+"-dark.png")
				continue
			}
			b.screenshot(shots, p.name+".png")
			b.checkA11y(p.name+", desktop", axeSource)
			b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
			b.checkA11y(p.name+", phone", axeSource)
			b.screenshot(shots, p.name+"-phone.png")
			b.desktop()
		}
		// A refused policy form, with its errors shown.
		b.navigate(open(base + "/admin/sla/policies/new"))
		res := b.navigate(chromedp.Click(testID("sla-policy-save")))
		require.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
		if scheme == "light" {
			b.checkA11y("sla-admin-policy-errors", axeSource)
			b.screenshot(shots, "sla-admin-policy-errors.png")
		}
	}
}
