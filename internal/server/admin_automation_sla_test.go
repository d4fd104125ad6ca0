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

// The rule editor offers the SLA state, the "requester waiting" anchor and
// the shared macros in words; a refused form keeps each choice; the saved
// rule reads as a sentence, and its preview runs.
func TestAutomationFormOffersSLAWaitingAndMacro(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("macros")
	ctx := context.Background()
	m, err := e.svc.CreateMacro(ctx, d.admin.Actor(), helpdesk.MacroInput{Name: "Seguimos en ello", Shared: true, Body: "Hola"})
	require.NoError(t, err)
	mid := "macro:" + strconv.FormatInt(int64(m.ID), 10)
	admin := e.client()
	admin.login(d, d.admin)

	page := admin.get(ruleURL(d, "/new?kind=timed"))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Contains(t, text(page, `select[name="anchor"]`), "el último mensaje del solicitante sin respuesta")
	assert.Contains(t, text(page, `select[name="cond_choice_0"]`), "Incumplido")
	assert.Contains(t, text(page, `select[name="act_choice_0"]`), "Seguimos en ello")

	form := url.Values{
		"kind": {"timed"}, "name": {"Espera vencida"}, "anchor": {"requester_waiting"}, "amount": {"0"}, "unit": {"minutes"},
		"calendar": {"0"}, "match": {"all"}, "active": {"1"}, "op": {"save"},
		"cond_field_0": {"sla"}, "cond_op_0": {"is"}, "cond_choice_0": {"sla:breached"}, "cond_text_0": {""},
		"act_type_0": {"apply_macro"}, "act_choice_0": {mid}, "act_text_0": {""},
	}
	res := admin.post(ruleURL(d, ""), form)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	for name, want := range map[string]string{"anchor": "requester_waiting", "cond_field_0": "sla", "cond_choice_0": "sla:breached",
		"act_type_0": "apply_macro", "act_choice_0": mid} {
		got, _ := res.doc.Find(`select[name="` + name + `"] option[selected]`).Attr("value")
		assert.Equal(t, want, got, name)
	}

	form.Set("op", "preview")
	form.Set("amount", "30")
	res = admin.post(ruleURL(d, ""), form)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, 1, res.doc.Find(`[data-testid="preview-summary"]`).Length())

	form.Set("op", "save")
	require.Equal(t, http.StatusSeeOther, admin.post(ruleURL(d, ""), form).status)
	page = admin.get(ruleURL(d, ""))
	assert.Contains(t, page.body, "Cuando pasan 30 minutos desde el último mensaje del solicitante sin respuesta")
	assert.Contains(t, page.body, "Si el SLA está incumplido: aplicar la macro «Seguimos en ello».")
	assert.NotContains(t, page.body, "requester_waiting")
	assert.NotContains(t, page.body, "apply_macro")
}
