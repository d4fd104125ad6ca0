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

func ruleURL(d desk, suffix string) string { return adminPath(d, "/automation"+suffix) }

func TestAutomationPagesCreatePreviewAndKeepTypedInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("auto")
	ctx := context.Background()
	for _, s := range []string{"Impresora rota", "Impresora atascada", "Red caída"} {
		_, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: s, Description: "x", Channel: helpdesk.ChannelWeb})
		require.NoError(t, err)
	}
	admin := e.client()
	admin.login(d, d.admin)

	page := admin.get(ruleURL(d, ""))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, 1, page.doc.Find(`[data-testid="triggers-empty"]`).Length())
	page = admin.get(ruleURL(d, "/new?kind=trigger"))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, 4, page.doc.Find(`[data-testid^="condition-"]`).Length())

	form := url.Values{
		"kind": {"trigger"}, "name": {"Impresoras"}, "event": {"created"}, "position": {"1"}, "active": {"1"},
		"cond_field_0": {"subject"}, "cond_op_0": {"contains"}, "cond_choice_0": {""}, "cond_text_0": {"impresora"},
		"cond_field_1": {""}, "cond_op_1": {"is"}, "cond_choice_1": {""}, "cond_text_1": {""},
		"cond_field_2": {"priority"}, "cond_op_2": {"is"}, "cond_choice_2": {"priority:normal"}, "cond_text_2": {""},
		"act_type_0": {"add_tag"}, "act_choice_0": {""}, "act_text_0": {"hardware"},
		"act_type_1": {"set_priority"}, "act_choice_1": {"priority:high"}, "act_text_1": {""},
	}
	// Preview: what it would match now, nothing saved.
	prev := form
	prev.Set("op", "preview")
	res := admin.post(ruleURL(d, ""), prev)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, 2, res.doc.Find(`[data-testid="preview-ticket"]`).Length())
	assert.Contains(t, text(res, `[data-testid="preview-summary"]`), "2")
	rules, err := e.svc.Rules(ctx, d.admin.Actor(), helpdesk.RuleTrigger)
	require.NoError(t, err)
	assert.Empty(t, rules)

	// An invalid row: the error shows on that row (the third, after an
	// empty one), and everything typed is kept.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("op", "save")
	bad.Set("cond_op_2", "contains")
	bad.Set("act_type_1", "set_group")
	bad.Set("act_choice_1", "priority:high")
	res = admin.post(ruleURL(d, ""), bad)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="error-condition_2"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-action_1"]`))
	assert.Zero(t, res.doc.Find(`[data-testid="error-condition_0"]`).Length())
	name, _ := res.doc.Find(`#rule-name`).Attr("value")
	assert.Equal(t, "Impresoras", name)
	typed, _ := res.doc.Find(`input[name="cond_text_0"]`).Attr("value")
	assert.Equal(t, "impresora", typed)
	sel, _ := res.doc.Find(`select[name="cond_op_2"] option[selected]`).Attr("value")
	assert.Equal(t, "contains", sel)
	assert.Equal(t, "hardware", res.doc.Find(`textarea[name="act_text_0"]`).Text())

	form.Set("op", "save")
	res = admin.post(ruleURL(d, ""), form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	rules, err = e.svc.Rules(ctx, d.admin.Actor(), helpdesk.RuleTrigger)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	assert.Equal(t, []helpdesk.Condition{{Field: helpdesk.CondSubject, Op: helpdesk.OpContains, Value: "impresora"},
		{Field: helpdesk.CondPriority, Op: helpdesk.OpIs, Value: "normal"}}, rules[0].Conditions)

	// It works: a new matching ticket gets the tag and the history line.
	tk, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "Impresora 3", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	page = admin.get(agentPath(d, "/tickets/"+strconv.FormatInt(int64(tk.Number), 10)))
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "Se aplicó la regla «Impresoras».")

	// The edit form shows the stored rule; the list links to it.
	page = admin.get(ruleURL(d, ""))
	assert.Equal(t, "Impresoras", text(page, `[data-testid="rule"] .cell-subject a`))
	edit := admin.get(ruleURL(d, "/"+strconv.FormatInt(int64(rules[0].ID), 10)))
	require.Equal(t, http.StatusOK, edit.status, edit.body)
	sel, _ = edit.doc.Find(`select[name="cond_choice_1"] option[selected]`).Attr("value")
	assert.Equal(t, "priority:normal", sel)

	// Delete.
	res = admin.post(ruleURL(d, "/"+strconv.FormatInt(int64(rules[0].ID), 10)+"/delete"), url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status)
	rules, err = e.svc.Rules(ctx, d.admin.Actor(), helpdesk.RuleTrigger)
	require.NoError(t, err)
	assert.Empty(t, rules)
}

func TestAutomationForeignRuleIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := e.newDesk("alfa"), e.newDesk("beta")
	ctx := context.Background()
	ag := e.client()
	ag.login(a, a.agent)
	for _, p := range []string{"", "/new?kind=timed"} {
		assert.Equal(t, http.StatusNotFound, ag.get(ruleURL(a, p)).status, p)
	}
	assert.Equal(t, http.StatusNotFound, ag.post(ruleURL(a, ""), url.Values{"kind": {"trigger"}, "name": {"x"}}).status)

	theirs, err := e.svc.SaveRule(ctx, b.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "De beta", Active: true,
		Event: helpdesk.OnCreated, Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "x"}}})
	require.NoError(t, err)
	admin := e.client()
	admin.login(a, a.admin)
	id := strconv.FormatInt(int64(theirs.ID), 10)
	assert.Equal(t, http.StatusNotFound, admin.get(ruleURL(a, "/"+id)).status)
	assert.Equal(t, http.StatusNotFound, admin.post(ruleURL(a, "/"+id), url.Values{"kind": {"trigger"}, "name": {"Mía"},
		"event": {"created"}, "act_type_0": {"add_tag"}, "act_text_0": {"y"}}).status)
	assert.Equal(t, http.StatusNotFound, admin.post(ruleURL(a, "/"+id+"/delete"), url.Values{}).status)
	assert.Equal(t, http.StatusNotFound, admin.get(ruleURL(a, "/abc")).status)
	got, err := e.svc.Rule(ctx, b.admin.Actor(), theirs.ID)
	require.NoError(t, err)
	assert.Equal(t, "De beta", got.Name, "unchanged")

	// A's admin may not pick B's group in a rule either.
	g, err := e.svc.CreateGroup(ctx, b.admin.Actor(), "Grupo beta", 1, nil)
	require.NoError(t, err)
	res := admin.post(ruleURL(a, ""), url.Values{"kind": {"trigger"}, "name": {"Robar"}, "event": {"created"}, "op": {"save"},
		"act_type_0": {"set_group"}, "act_choice_0": {"group:" + strconv.FormatInt(int64(g.ID), 10)}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-action_0"]`))
}

func TestReminderSettingAndAvailability(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("dispo")
	ctx := context.Background()
	admin := e.client()
	admin.login(d, d.admin)
	res := admin.post(ruleURL(d, "/settings"), url.Values{"reminder_hours": {"mañana"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	v, _ := res.doc.Find(`#reminder-hours`).Attr("value")
	assert.Equal(t, "mañana", v, "typed value kept")
	assert.NotEmpty(t, text(res, `[data-testid="error-reminder_hours"]`))
	res = admin.post(ruleURL(d, "/settings"), url.Values{"reminder_hours": {"48"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	st, err := e.svc.AutomationSettings(ctx, d.admin.Actor())
	require.NoError(t, err)
	assert.Equal(t, 48.0, st.PendingReminderAfter.Hours())

	// The agent goes away and hands back an unstarted ticket.
	tk, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "s", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	_, err = e.svc.Assign(ctx, d.admin.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.Assignment{Agent: &d.agent.ID})
	require.NoError(t, err)
	ag := e.client()
	ag.login(d, d.agent)
	home := ag.get(agentPath(d, "/"))
	assert.Equal(t, 1, home.doc.Find(`[data-testid="availability-form"]`).Length())
	assert.Zero(t, home.doc.Find(`[data-testid="automation-link"]`).Length(), "agents do not see the admin link")
	res = ag.post(agentPath(d, "/availability"), url.Values{"availability": {"away"}, "handback": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got, err := e.svc.Ticket(ctx, d.admin.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Zero(t, got.Assignee)
	mine, err := e.svc.AgentSettings(ctx, d.agent.Actor())
	require.NoError(t, err)
	assert.Equal(t, helpdesk.Away, mine.Availability)
	assert.Equal(t, http.StatusUnprocessableEntity, ag.post(agentPath(d, "/availability"), url.Values{"availability": {"dormido"}}).status)
	customer := e.client()
	customer.login(d, d.customer)
	res = customer.post(agentPath(d, "/availability"), url.Values{"availability": {"away"}})
	assert.Equal(t, http.StatusNotFound, res.status, "customers never reach the console")
}
