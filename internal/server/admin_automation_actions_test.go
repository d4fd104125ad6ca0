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

// TestRuleActionsReachFollowersFieldsAndWebhooks: a trigger written
// through the form on a custom field's value adds an agent as follower,
// sets another custom field and sends the ticket to a webhook
// subscription (a delivery in that subscription's log); an escalation to
// a group that is not of a higher tier is refused and recorded as a failed
// action in the run log, never silently. A field or webhook of another
// desk is refused on its row.
func TestRuleActionsReachFollowersFieldsAndWebhooks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d, other := e.newDesk("acciones"), e.newDesk("acciones-b")
	ctx := context.Background()
	by := d.admin.Actor()
	country, err := e.svc.AddField(ctx, by, helpdesk.FieldInput{Label: "País", Type: "text", CustomerVisible: true})
	require.NoError(t, err)
	order, err := e.svc.AddField(ctx, by, helpdesk.FieldInput{Label: "Revisión", Type: "text"})
	require.NoError(t, err)
	hook, _, err := e.svc.CreateWebhook(ctx, by, helpdesk.WebhookInput{URL: "https://hooks.example.com/atiende",
		Events: []string{helpdesk.HookTicketCreated}, Active: true})
	require.NoError(t, err)
	foreign, _, err := e.svc.CreateWebhook(ctx, other.admin.Actor(), helpdesk.WebhookInput{URL: "https://b.example.com/x",
		Events: []string{helpdesk.HookTicketCreated}, Active: true})
	require.NoError(t, err)
	high, err := e.svc.AddGroup(ctx, by, helpdesk.GroupInput{Name: "Nivel 2", Tier: "2", Assignment: "manual", Members: []helpdesk.UserID{d.agent.ID}})
	require.NoError(t, err)
	low, err := e.svc.AddGroup(ctx, by, helpdesk.GroupInput{Name: "Nivel 1", Tier: "1", Assignment: "manual", Members: []helpdesk.UserID{d.agent.ID}})
	require.NoError(t, err)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	admin := e.client()
	admin.login(d, d.admin)
	form := url.Values{
		"kind": {"trigger"}, "name": {"Chile"}, "event": {"created"}, "match": {"all"}, "active": {"1"}, "op": {"save"},
		"cond_field_0": {"custom_field"}, "cond_op_0": {"is"}, "cond_choice_0": {"cfield:" + id(int64(country.ID))}, "cond_text_0": {"Chile"},
		"act_type_0": {"add_follower"}, "act_choice_0": {"agent:" + id(int64(d.agent.ID))}, "act_text_0": {""},
		"act_type_1": {"set_field"}, "act_choice_1": {"cfield:" + id(int64(order.ID))}, "act_text_1": {"pendiente"},
		"act_type_2": {"send_webhook"}, "act_choice_2": {"webhook:" + id(int64(foreign.ID))}, "act_text_2": {""},
		"act_type_3": {"set_group"}, "act_choice_3": {"group:" + id(int64(high.ID))}, "act_text_3": {""},
		"act_type_4": {"escalate"}, "act_choice_4": {"group:" + id(int64(low.ID))}, "act_text_4": {""},
	}
	res := admin.post(ruleURL(d, ""), form)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="error-action_2"]`), "another desk's webhook")
	sel, _ := res.doc.Find(`select[name="cond_choice_0"] option[selected]`).Attr("value")
	assert.Equal(t, "cfield:"+id(int64(country.ID)), sel, "the form keeps the chosen field")

	form.Set("act_choice_2", "webhook:"+id(int64(hook.ID)))
	res = admin.post(ruleURL(d, ""), form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	list := admin.get(ruleURL(d, ""))
	sentence := text(list, `[data-testid="triggers"] [data-testid="rule"]`)
	assert.Contains(t, sentence, "el campo País es «Chile»")
	assert.Contains(t, sentence, "añadir a Agent acciones como seguidor")
	assert.Contains(t, sentence, "poner Revisión a «pendiente»")
	assert.Contains(t, sentence, "enviar el ticket por webhook a https://hooks.example.com/atiende")

	// The rule moves the ticket to Nivel 2 first, so escalating to Nivel 1
	// is refused.
	tk, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "Sin luz", Description: "x", Channel: helpdesk.ChannelWeb,
		Fields: map[helpdesk.CustomFieldID]string{country.ID: "Chile"}})
	require.NoError(t, err)
	got, err := e.svc.Ticket(ctx, by, tk.Number)
	require.NoError(t, err)
	assert.Contains(t, got.Followers, d.agent.ID)
	assert.Equal(t, "pendiente", fieldValue(got, order.ID))
	assert.Zero(t, got.Escalations)

	_, deliveries, err := e.svc.WebhookLog(ctx, by, hook.ID, 10)
	require.NoError(t, err)
	events := map[string]int{}
	for _, dl := range deliveries {
		events[dl.Event]++
	}
	assert.Equal(t, 1, events[helpdesk.HookRuleFired], "the rule's delivery is in the subscription's log")

	rules, err := e.svc.Rules(ctx, by, helpdesk.RuleTrigger)
	require.NoError(t, err)
	runs := admin.get(ruleURL(d, "/"+id(int64(rules[0].ID))+"/runs"))
	require.Equal(t, http.StatusOK, runs.status)
	assert.Equal(t, 1, runs.doc.Find(`[data-testid="run-failure"]`).Length(), "the refused escalation is in the log")
	assert.Contains(t, text(runs, `[data-testid="run-failure"]`), "escalar a Nivel 1")

	// A ticket from elsewhere does not match.
	tk2, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "Otro", Description: "x", Channel: helpdesk.ChannelWeb,
		Fields: map[helpdesk.CustomFieldID]string{country.ID: "Perú"}})
	require.NoError(t, err)
	got, err = e.svc.Ticket(ctx, by, tk2.Number)
	require.NoError(t, err)
	assert.Empty(t, got.Followers)
}

func fieldValue(t helpdesk.Ticket, id helpdesk.CustomFieldID) string {
	for _, v := range t.Fields {
		if v.Field == id {
			return v.String()
		}
	}
	return ""
}
