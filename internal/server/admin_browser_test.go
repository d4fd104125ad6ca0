package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserAdminConfiguresTheDesk drives Chromium through the admin
// pages: an admin creates an N2 group, a category routed to it and a
// dropdown field customers see, and invites an agent; the customer's
// new-ticket form then offers the category and the field, and the change
// log lists the changes. Every admin page is photographed at desktop and
// phone width.
func TestBrowserAdminConfiguresTheDesk(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("taller")
	ctx := context.Background()
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/taller"
	both := func(name string) {
		t.Helper()
		b.screenshot(shots, "admin-"+name+".png")
		b.phoneScreenshot(shots, "admin-"+name+"-phone.png")
	}
	submit := func(id string) {
		t.Helper()
		res := b.navigate(chromedp.Click(testID(id)))
		require.Equal(t, http.StatusOK, int(res.Status), "after %s: %s", id, b.location())
	}

	b.signIn(base, d.admin.Email)
	b.navigate(chromedp.Navigate(base + "/admin/"))
	b.do(chromedp.WaitVisible(testID("admin-home")))
	both("home")

	// A group at tier 2 with the agent in it.
	b.navigate(chromedp.Navigate(base + "/admin/groups/new"))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#name"), "Especialistas N2"),
		chromedp.SetValue(chromedp.CSS("#tier"), "2"),
		chromedp.Click(testID("member-"+id64(d.agent.ID))),
		chromedp.Click(testID("assignment-least_loaded")),
	)
	both("group-form")
	submit("group-save")
	assert.Contains(t, b.text(testID("flash")), "Especialistas N2")
	both("groups")
	groups, err := e.svc.AdminGroups(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, groups, 1)
	b.navigate(chromedp.Navigate(base + "/admin/groups/" + id64(groups[0].ID)))
	both("group-edit")

	// A category routed to it.
	b.navigate(chromedp.Navigate(base + "/admin/categories/new"))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#name"), "Incidencia de red"),
		chromedp.SendKeys(chromedp.CSS("#description"), "Wifi, VPN y cortes de red."),
		chromedp.SetValue(chromedp.CSS("#default_group"), id64(groups[0].ID)),
		chromedp.SetValue(chromedp.CSS("#default_priority"), "high"),
	)
	both("category-form")
	submit("category-save")
	both("categories")

	// A dropdown field customers see.
	b.navigate(chromedp.Navigate(base + "/admin/fields/new"))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#label"), "Sede"),
		chromedp.SetValue(chromedp.CSS("#type"), "dropdown"),
		chromedp.SendKeys(chromedp.CSS("#options"), "Madrid\nBarcelona\nValencia"),
		chromedp.Click(testID("customer-visible")),
	)
	both("field-form")
	submit("field-save")
	both("fields")

	// Invite an agent: the link is shown once.
	b.navigate(chromedp.Navigate(base + "/admin/people"))
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), "nueva@taller.example"))
	submit("invite-send")
	link := run(b, chromedp.Value(testID("invite-link")))
	require.Contains(t, link, "/taller/invitations/")
	both("people")
	b.navigate(chromedp.Navigate(base + "/admin/people/" + id64(d.agent.ID)))
	both("person")

	// The other admin pages.
	for _, p := range []struct{ path, name string }{
		{"/admin/settings", "settings"}, {"/admin/priority", "priority"}, {"/admin/organisations", "organisations"},
		{"/admin/customers", "customers"}, {"/admin/customers/" + id64(d.customer.ID), "customer"},
		{"/admin/fields/new", "field-new"},
	} {
		res := b.navigate(chromedp.Navigate(base + p.path))
		require.Equal(t, http.StatusOK, int(res.Status), p.path)
		both(p.name)
	}

	// The change log lists the group, the category, the field and the invitation.
	b.navigate(chromedp.Navigate(base + "/admin/audit"))
	log := b.text(testID("audit-entries"))
	for _, want := range []string{"Grupo creado", "Categoría creada", "Incidencia de red", "Campo creado", "Sede", "Invitación creada", "nueva@taller.example"} {
		assert.Contains(t, log, want)
	}
	both("audit")
	b.navigate(chromedp.Click(testID("logout")))

	// The invitee's page.
	b.navigate(chromedp.Navigate(e.url + link[strings.Index(link, "/taller/"):]))
	b.do(chromedp.WaitVisible(testID("invitation-form")))
	both("invitation")

	// The customer's form offers the category, with its description, and the field.
	b.signIn(base, d.customer.Email)
	b.navigate(chromedp.Navigate(base + "/tickets/new"))
	form := b.text(testID("new-ticket-form"))
	assert.Contains(t, form, "Incidencia de red")
	assert.Contains(t, form, "Sede")
	assert.Contains(t, form, "Barcelona")
	b.screenshot(shots, "admin-portal-new-ticket.png")
	b.assertCleanConsole()
	b.navigate(chromedp.Click(testID("logout")))

	// A refused edit comes back with the message and everything typed (the
	// 422 is the last thing the console logs).
	b.signIn(base, d.admin.Email)
	b.navigate(chromedp.Navigate(base + "/admin/categories"))
	b.navigate(chromedp.Click(testID("category-name")))
	b.do(
		chromedp.Clear(chromedp.CSS("#name")),
		chromedp.SetValue(chromedp.CSS("#position"), "mucho"),
		chromedp.SetValue(chromedp.CSS("#description"), "Texto nuevo <b>sin</b> guardar"),
	)
	res := b.navigate(chromedp.Click(testID("category-save")))
	require.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	assert.Equal(t, "Texto nuevo <b>sin</b> guardar", run(b, chromedp.Value(chromedp.CSS("#description"))))
	assert.Equal(t, "mucho", run(b, chromedp.Value(chromedp.CSS("#position"))))
	assert.Equal(t, "Este campo es obligatorio.", b.text(testID("error-name")))
	both("category-errors")
}
