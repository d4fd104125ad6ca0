package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestSLAAdminCalendarsPoliciesAndLadder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	ctx := context.Background()
	c := e.client()
	c.login(d, d.admin)

	page := c.get(adminPath(d, "/sla"))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, 1, page.doc.Find("[data-testid=sla-no-policies]").Length())

	// A calendar with a typo: refused, everything typed kept.
	form := url.Values{"name": {"Madrid"}, "time_zone": {"Europe/Madird"}, "day1": {"09:00-14:00, 15:00-18:00"},
		"day2": {"9-18"}, "holidays": {"12-25 Navidad\n2026-01-06 Reyes"}}
	res := c.post(adminPath(d, "/sla/calendars"), form)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, text(res, "[data-testid=error-time_zone]"))
	assert.NotEmpty(t, text(res, "[data-testid=error-day2]"))
	assert.Equal(t, "9-18", res.doc.Find("[data-testid=sla-day2]").AttrOr("value", ""))
	assert.Equal(t, "09:00-14:00, 15:00-18:00", res.doc.Find("[data-testid=sla-day1]").AttrOr("value", ""))
	assert.Contains(t, res.doc.Find("#sla-holidays").Text(), "2026-01-06 Reyes")
	form.Set("time_zone", "Europe/Madrid")
	form.Set("day2", "09:00-18:00")
	res = c.post(adminPath(d, "/sla/calendars"), form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	cfg, err := e.svc.SLAConfig(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, cfg.Calendars, 1)
	cal := cfg.Calendars[0]
	assert.Equal(t, "09:00-14:00, 15:00-18:00", helpdesk.FormatIntervals(cal.Week[time.Monday]))
	require.Len(t, cal.Holidays, 2)
	assert.True(t, cal.Holidays[0].Yearly())

	// A policy: a bad target first.
	calID := itoa(int64(cal.ID))
	pol := url.Values{"name": {"Urgentes"}, "priorities": {"urgent", "high"}, "channels": {"email"}, "calendar": {calID},
		"target_urgent_first_reply": {"60"}, "target_urgent_resolution": {"dos horas"},
		"esc1_percent": {"75"}, "esc1_notify_assignee": {"1"}, "esc3_percent": {"100"}, "esc3_raise": {"1"}, "esc3_next_tier": {"1"}}
	res = c.post(adminPath(d, "/sla/policies"), pol)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, "dos horas", res.doc.Find("[data-testid=target_urgent_resolution]").AttrOr("value", ""))
	assert.Equal(t, "100", res.doc.Find("[data-testid=esc2-percent]").AttrOr("value", ""), "the ladder is compacted: level 3 became level 2")
	pol.Set("target_urgent_resolution", "240")
	res = c.post(adminPath(d, "/sla/policies"), pol)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	second := url.Values{"name": {"General"}, "target_normal_resolution": {"2400"}, "target_low_resolution": {"4800"}}
	require.Equal(t, http.StatusSeeOther, c.post(adminPath(d, "/sla/policies"), second).status)

	cfg, err = e.svc.SLAConfig(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, cfg.Policies, 2)
	p := cfg.Policies[0]
	assert.Equal(t, "Urgentes", p.Name)
	assert.Equal(t, []helpdesk.Priority{helpdesk.PriorityUrgent, helpdesk.PriorityHigh}, p.Priorities)
	assert.Equal(t, cal.ID, p.Calendar)
	assert.Equal(t, helpdesk.SLATargets{FirstReply: 60, Resolution: 240}, p.Targets[helpdesk.PriorityUrgent])
	require.Len(t, p.Escalations, 2)
	assert.Equal(t, helpdesk.EscalationLevel{Level: 2, Percent: 100, RaisePriority: true, NextTier: true}, p.Escalations[1])

	page = c.get(adminPath(d, "/sla"))
	names := page.doc.Find("[data-testid=sla-policy-name]").Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
	assert.Equal(t, []string{"Urgentes", "General"}, names)
	assert.Contains(t, page.doc.Find("[data-testid=sla-policy]").First().Text(), "Prioridad: Crítica, Alta")

	// Reorder, edit (the form shows what is saved), delete.
	res = c.post(adminPath(d, "/sla/policies/"+itoa(int64(cfg.Policies[1].ID))+"/move"), url.Values{"dir": {"up"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	edit := c.get(adminPath(d, "/sla/policies/"+itoa(int64(p.ID))))
	require.Equal(t, http.StatusOK, edit.status)
	assert.Equal(t, "60", edit.doc.Find("[data-testid=target_urgent_first_reply]").AttrOr("value", ""))
	_, checked := edit.doc.Find("[data-testid=esc2_next_tier]").Attr("checked")
	assert.True(t, checked)
	require.Equal(t, http.StatusSeeOther, c.post(adminPath(d, "/sla/policies/"+itoa(int64(p.ID))+"/delete"), nil).status)
	cfg, err = e.svc.SLAConfig(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, cfg.Policies, 1)
	assert.Equal(t, "General", cfg.Policies[0].Name)

	// The "Por vencer" window.
	res = c.post(adminPath(d, "/sla/settings"), url.Values{"soon_window": {"muchos"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "muchos", res.doc.Find("#sla-soon_window").AttrOr("value", ""))
	require.Equal(t, http.StatusSeeOther, c.post(adminPath(d, "/sla/settings"), url.Values{"soon_window": {"30"}}).status)
	cfg, _, err = e.svc.SLAAdmin(ctx, d.admin.Actor())
	require.NoError(t, err)
	assert.Equal(t, 30*time.Minute, cfg.SoonWindow)
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// Every SLA change is on the audit log, with the values before and after.
func TestSLAAdminChangesAreAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	ctx := context.Background()
	cal, err := e.svc.SaveCalendar(ctx, d.admin.Actor(), 0, helpdesk.CalendarInput{Name: "Oficina", TimeZone: "Europe/Madrid", Hours: [7]string{"", "09:00-17:00"}})
	require.NoError(t, err)
	_, err = e.svc.SaveCalendar(ctx, d.admin.Actor(), cal.ID, helpdesk.CalendarInput{Name: "Oficina", TimeZone: "Europe/Madrid", Hours: [7]string{"", "08:00-15:00"}})
	require.NoError(t, err)
	p := e.slaPolicy(d)
	second, err := e.svc.SavePolicy(ctx, d.admin.Actor(), 0, helpdesk.SLAPolicyInput{Name: "Otra", Targets: map[helpdesk.Priority]helpdesk.SLATargets{helpdesk.PriorityLow: {Resolution: 60}}})
	require.NoError(t, err)
	require.NoError(t, e.svc.MovePolicy(ctx, d.admin.Actor(), second.ID, true))
	require.NoError(t, e.svc.DeletePolicy(ctx, d.admin.Actor(), p.ID))
	require.NoError(t, e.svc.SetSoonWindow(ctx, d.admin.Actor(), 30*time.Minute))

	page, err := e.svc.AuditLog(ctx, d.admin.Actor(), helpdesk.AuditQuery{Kind: ""})
	require.NoError(t, err)
	var actions []string
	for _, en := range page.Entries {
		if strings.HasPrefix(en.Action, "sla_") {
			actions = append(actions, en.Action)
		}
	}
	assert.Equal(t, []string{"sla_settings.update", "sla_policy.delete", "sla_policy.move", "sla_policy.create",
		"sla_policy.create", "sla_calendar.update", "sla_calendar.create"}, actions, "newest first")
	for _, en := range page.Entries {
		if en.Action == "sla_calendar.update" {
			assert.Contains(t, en.Before["hours"], "09:00-17:00")
			assert.Contains(t, en.After["hours"], "08:00-15:00")
		}
	}
}
