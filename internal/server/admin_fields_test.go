package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestAdminFieldsDefineAndThePortalAsksThem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("campos")
	other := e.newDesk("ajeno")
	ctx := context.Background()
	c := e.adminClient(d)

	// Refused: no options for a dropdown, required but hidden, a bad key.
	res := c.post(adminPath(d, "/fields"), url.Values{"label": {"Sede"}, "key": {"Mala Clave"}, "type": {"dropdown"}, "required": {"1"}, "options": {"\n \n"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, "Escribe al menos una opción, una por línea.", text(res, `[data-testid="error-options"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-required"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-key"]`))
	assert.Equal(t, "Mala Clave", res.doc.Find(`#key`).AttrOr("value", ""))
	assert.Equal(t, "dropdown", res.doc.Find(`#type option[selected]`).AttrOr("value", ""))

	res = c.post(adminPath(d, "/fields"), url.Values{"label": {"Sede"}, "type": {"dropdown"}, "options": {"Madrid\nBarcelona\n"},
		"customer_visible": {"1"}, "required": {"1"}, "position": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = c.post(adminPath(d, "/fields"), url.Values{"label": {"Sistemas afectados"}, "type": {"multiselect"}, "options": {"Correo\nVPN\nERP"},
		"customer_visible": {"1"}, "position": {"2"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = c.post(adminPath(d, "/fields"), url.Values{"label": {"Sede"}, "key": {"sede"}, "type": {"text"}})
	assert.Equal(t, "Ya hay un campo con esta clave.", text(res, `[data-testid="error-key"]`))

	defs, err := e.svc.AdminFields(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, defs, 2)
	sede, sistemas := defs[0], defs[1]
	assert.Equal(t, "sede", sede.Key)
	assert.Equal(t, "sistemas_afectados", sistemas.Key)
	assert.Equal(t, helpdesk.FieldMultiSelect, sistemas.Type)

	// The portal renders both; the multi-select as labelled checkboxes.
	cust := e.client()
	cust.login(d, d.customer)
	form := cust.get("/campos/tickets/new")
	require.Equal(t, http.StatusOK, form.status)
	assert.Equal(t, 1, form.doc.Find(`select[name="`+fieldInput(sede)+`"]`).Length())
	boxes := form.doc.Find(`fieldset#` + fieldInput(sistemas) + ` input[type="checkbox"][name="` + fieldInput(sistemas) + `"]`)
	assert.Equal(t, 3, boxes.Length())
	assert.Contains(t, form.doc.Find(`fieldset#`+fieldInput(sistemas)+` legend`).Text(), "Sistemas afectados")

	// A refused submission keeps every ticked box; a forged option is refused.
	res = cust.postMultipart("/campos/tickets/new", url.Values{
		"key": {cust.formKey(d)}, "subject": {""}, "description": {"Texto"},
		fieldInput(sede): {"Madrid"}, fieldInput(sistemas): {"VPN", "ERP"},
	}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, 2, res.doc.Find(`input[name="`+fieldInput(sistemas)+`"][checked]`).Length())
	assert.Equal(t, "VPN", res.doc.Find(`input[name="`+fieldInput(sistemas)+`"][checked]`).First().AttrOr("value", ""))
	res = cust.postMultipart("/campos/tickets/new", url.Values{
		"key": {cust.formKey(d)}, "subject": {"Sin VPN"}, "description": {"Texto"},
		fieldInput(sede): {"Madrid"}, fieldInput(sistemas): {"VPN", "Inventada"},
	}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-`+fieldInput(sistemas)+`"]`))

	res = cust.postMultipart("/campos/tickets/new", url.Values{
		"key": {cust.formKey(d)}, "subject": {"Sin VPN"}, "description": {"Texto"},
		fieldInput(sede): {"Barcelona"}, fieldInput(sistemas): {"ERP", "Correo", "ERP"},
	}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page, err := e.svc.Tickets(ctx, d.admin.Actor(), ticketQueryAll())
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1)
	tk, err := e.svc.Ticket(ctx, d.admin.Actor(), page.Tickets[0].Number)
	require.NoError(t, err)
	v, ok := tk.Field(sistemas.ID)
	require.True(t, ok)
	assert.Equal(t, []string{"Correo", "ERP"}, v.Values(), "in the options' order, once each")

	// Edit keeps key and type; archive removes it from the portal.
	res = c.post(adminPath(d, "/fields/"+id64(sistemas.ID)), url.Values{"label": {"Sistemas"}, "key": {"otra"}, "type": {"text"},
		"options": {"Correo\nVPN\nERP\nTeléfono"}, "customer_visible": {"1"}, "position": {"2"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got, err := e.svc.AdminField(ctx, d.admin.Actor(), sistemas.ID)
	require.NoError(t, err)
	assert.Equal(t, "sistemas_afectados", got.Key)
	assert.Equal(t, helpdesk.FieldMultiSelect, got.Type)
	assert.Len(t, got.Options, 4)
	require.Equal(t, http.StatusSeeOther, c.post(adminPath(d, "/fields/"+id64(sistemas.ID)+"/archive"), url.Values{}).status)
	assert.NotContains(t, cust.get("/campos/tickets/new").body, "Sistemas")

	// Another desk's field is not found here.
	foreign, err := e.svc.AddField(ctx, other.admin.Actor(), helpdesk.FieldInput{Label: "Ajeno", Type: "text"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, c.get(adminPath(d, "/fields/"+id64(foreign.ID))).status)
	assert.Equal(t, http.StatusNotFound, c.post(adminPath(d, "/fields/"+id64(foreign.ID)+"/archive"), url.Values{}).status)

	log := c.get(adminPath(d, "/audit?kind=field"))
	assert.Equal(t, 4, log.doc.Find(`[data-testid="audit-entry"]`).Length())
}
