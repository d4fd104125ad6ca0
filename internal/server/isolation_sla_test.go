package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The SLA settings pages are the admin area.s (admins only, also checked in the
// domain): they need a staff session of the tenant.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/admin/sla":                       staffPage,
		"POST /{tenant}/admin/sla/settings":             staffPage,
		"GET /{tenant}/admin/sla/calendars/new":         staffPage,
		"POST /{tenant}/admin/sla/calendars":            staffPage,
		"GET /{tenant}/admin/sla/calendars/{id}":        staffPage,
		"POST /{tenant}/admin/sla/calendars/{id}":       staffPage,
		"GET /{tenant}/admin/sla/policies/new":          staffPage,
		"POST /{tenant}/admin/sla/policies":             staffPage,
		"GET /{tenant}/admin/sla/policies/{id}":         staffPage,
		"POST /{tenant}/admin/sla/policies/{id}":        staffPage,
		"POST /{tenant}/admin/sla/policies/{id}/move":   staffPage,
		"POST /{tenant}/admin/sla/policies/{id}/delete": staffPage,
	})
}

// Tenant A's admin, on A's own URLs, names B's calendar and policy: not
// found, and nothing of B changes. A's agent gets 404 on every SLA page.
func TestSLAAdminForeignIDsAndAgentsAreNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	ctx := context.Background()
	cal, err := e.svc.SaveCalendar(ctx, b.admin.Actor(), 0, helpdesk.CalendarInput{Name: "Beta", TimeZone: "UTC",
		Hours: [7]string{"", "09:00-17:00"}})
	require.NoError(t, err)
	pol := e.slaPolicy(b)
	before := snapshot(t, e, b)

	admin := e.client()
	admin.login(a, a.admin)
	calID, polID := strconv.FormatInt(int64(cal.ID), 10), strconv.FormatInt(int64(pol.ID), 10)
	for _, p := range []string{"/sla/calendars/" + calID, "/sla/policies/" + polID} {
		assert.Equal(t, http.StatusNotFound, admin.get(adminPath(a, p)).status, p)
		assert.Equal(t, http.StatusNotFound, admin.post(adminPath(a, p), url.Values{"name": {"Robada"}, "time_zone": {"UTC"},
			"day1": {"09:00-10:00"}, "target_low_first_reply": {"5"}}).status, p)
	}
	assert.Equal(t, http.StatusNotFound, admin.post(adminPath(a, "/sla/policies/"+polID+"/move"), url.Values{"dir": {"up"}}).status)
	assert.Equal(t, http.StatusNotFound, admin.post(adminPath(a, "/sla/policies/"+polID+"/delete"), nil).status)
	// A policy of A naming B's calendar is refused on the field.
	res := admin.post(adminPath(a, "/sla/policies"), url.Values{"name": {"Mía"}, "calendar": {calID}, "target_low_first_reply": {"5"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, "[data-testid=error-calendar]"))
	assert.Equal(t, before, snapshot(t, e, b), "B's data changed")

	agent := e.client()
	agent.login(a, a.agent)
	for _, p := range []string{"/sla", "/sla/calendars/new", "/sla/policies/new"} {
		assert.Equal(t, http.StatusNotFound, agent.get(adminPath(a, p)).status, p)
	}
	assert.Equal(t, http.StatusNotFound, agent.post(adminPath(a, "/sla/settings"), url.Values{"soon_window": {"30"}}).status)
}
