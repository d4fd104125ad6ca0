package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// An admin reads rules, their audit entries and the reminder setting as
// sentences with names and the desk's dates, never stored identifiers.
func TestAutomationAndAuditSpeakInSentences(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("frases")
	ctx := context.Background()
	g, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Nivel 2", 1, nil)
	require.NoError(t, err)
	gid := strconv.FormatInt(int64(g.ID), 10)
	_, err = e.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Alta a nivel 2", Active: true,
		Event:      helpdesk.OnCreated,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondPriority, Op: helpdesk.OpIs, Value: "high"}},
		Actions: []helpdesk.Action{{Type: helpdesk.ActSetGroup, Value: gid},
			{Type: helpdesk.ActNotify, Value: string(helpdesk.RecipientGroupLeads), Text: "Hola"}}})
	require.NoError(t, err)
	_, err = e.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Urgente o VIP", Active: true,
		Event: helpdesk.OnCreatedOrUpdated, MatchAny: true,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondSubject, Op: helpdesk.OpContains, Value: "urgente"}, {Field: helpdesk.CondTag, Op: helpdesk.OpContains, Value: "vip"}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActSetPriority, Value: "urgent"}}})
	require.NoError(t, err)
	_, err = e.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "Seguimiento", Active: true,
		Anchor: helpdesk.AnchorPending, Minutes: 48 * 60,
		Conditions: []helpdesk.Condition{{Field: helpdesk.CondTag, Op: helpdesk.OpNotContains, Value: "vip"}, {Field: helpdesk.CondChannel, Op: helpdesk.OpIs, Value: "email"}},
		Actions:    []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "seguimiento"}}})
	require.NoError(t, err)
	admin := e.client()
	admin.login(d, d.admin)
	require.Equal(t, http.StatusSeeOther, admin.post(ruleURL(d, "/settings"), url.Values{"reminder_hours": {"48"}}).status)

	page := admin.get(ruleURL(d, ""))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Contains(t, page.body, "Si la prioridad es Alta: mover al grupo Nivel 2, avisar a los responsables del grupo.")
	assert.Contains(t, page.body, "1 condición · 2 acciones")
	assert.Contains(t, page.body, "Si el ticket no tiene la etiqueta «vip» y el canal es Correo: añadir la etiqueta «seguimiento».")
	assert.Contains(t, page.body, "Cuando pasan 2 días desde que pasó a Pendiente")
	assert.Contains(t, page.body, "2 condiciones · 1 acción")
	assert.Contains(t, page.body, "Si el asunto contiene «urgente» o el ticket tiene la etiqueta «vip»: cambiar la prioridad a Crítica.")

	audit := admin.get(adminPath(d, "/audit"))
	require.Equal(t, http.StatusOK, audit.status, audit.body)
	body := text(audit, "main")
	assert.Contains(t, body, "la prioridad es Alta")
	assert.Contains(t, body, "mover al grupo Nivel 2 y avisar a los responsables del grupo")
	assert.Contains(t, body, "Regla por tiempo")
	assert.Contains(t, body, "Al menos una condición")
	assert.Contains(t, body, "2 días")
	for _, raw := range []string{"add_tag", "not_contains", "set_group", "group_leads", "timed", "trigger", "pending_reminder_hours", `"high"`} {
		assert.NotContains(t, body, raw)
	}
	assert.Regexp(t, regexp.MustCompile(`\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) \d{4}, \d\d:\d\d`), body)
	assert.NotRegexp(t, regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d`), body)
}

// A rule's run log names the ticket, what changed and what failed and why;
// the ticket's history says the failure too; the list counts the runs.
func TestRuleRunLogPageAndFailureOnTheTimeline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("bitacora")
	ctx := context.Background()
	r, err := e.svc.SaveRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Avisar al agente", Active: true,
		Event:   helpdesk.OnCreated,
		Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "visto"}, {Type: helpdesk.ActNotify, Value: "assignee", Text: "Nuevo"}}})
	require.NoError(t, err)
	tk, err := e.svc.OpenTicket(ctx, d.customer.Actor(), helpdesk.NewTicket{Subject: "Sin agente", Description: "x", Channel: helpdesk.ChannelWeb})
	require.NoError(t, err)
	admin := e.client()
	admin.login(d, d.admin)

	list := admin.get(ruleURL(d, ""))
	require.Equal(t, http.StatusOK, list.status)
	assert.Equal(t, "Últimos 7 días: 1 coincidencia · 1 con cambios · 1 con fallos", text(list, `[data-testid="rule-runs-link"]`))

	runs := admin.get(ruleURL(d, "/"+strconv.FormatInt(int64(r.ID), 10)+"/runs"))
	require.Equal(t, http.StatusOK, runs.status, runs.body)
	assert.Equal(t, 1, runs.doc.Find(`[data-testid="run"]`).Length())
	row := text(runs, `[data-testid="run"]`)
	assert.Contains(t, row, tk.Number.String()+" · Sin agente")
	assert.Contains(t, row, "añadir la etiqueta «visto»")
	assert.Equal(t, "avisar al agente asignado: no hay a quién avisar (sin agente asignado o sin grupo)", text(runs, `[data-testid="run-failure"]`))

	page := admin.get(agentPath(d, "/tickets/"+strconv.FormatInt(int64(tk.Number), 10)))
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "La regla «Avisar al agente» no pudo aplicar «Enviar notificación»: no hay a quién avisar (sin agente asignado o sin grupo).")

	other := e.newDesk("ajena")
	foreign := e.client()
	foreign.login(other, other.admin)
	assert.Equal(t, http.StatusNotFound, foreign.get(adminPath(other, "/automation/"+strconv.FormatInt(int64(r.ID), 10)+"/runs")).status)
}
