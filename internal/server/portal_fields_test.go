package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// portalFields are the custom fields of a desk for the portal tests.
type portalFields struct {
	place, units, agree, hidden, retired helpdesk.CustomFieldDef
}

// fieldInput is the new-ticket form's name for d.
func fieldInput(d helpdesk.CustomFieldDef) string {
	return "field_" + strconv.FormatInt(int64(d.ID), 10)
}

// newPortalFields defines, through the store as the admin pages will, a
// required dropdown, an optional number and an optional checkbox that
// customers see, a text field they do not, and a retired visible one.
func (e *env) newPortalFields(d desk) portalFields {
	e.t.Helper()
	ctx := context.Background()
	create := func(def helpdesk.CustomFieldDef) helpdesk.CustomFieldDef {
		require.NoError(e.t, def.Validate())
		out, err := e.store.CreateCustomFieldDef(ctx, d.tenant.ID, def)
		require.NoError(e.t, err)
		return out
	}
	return portalFields{
		place: create(helpdesk.CustomFieldDef{Key: "ubicacion", Label: "Ubicación", Type: helpdesk.FieldDropdown,
			Options: []helpdesk.CustomFieldOption{
				{Value: "mad", Label: "Madrid"}, {Value: "bcn", Label: "Barcelona"}, {Value: "remoto", Label: "Remoto"},
			},
			CustomerVisible: true, Required: true, Active: true}),
		units: create(helpdesk.CustomFieldDef{Key: "equipos", Label: "Equipos afectados", Type: helpdesk.FieldNumber,
			CustomerVisible: true, Active: true}),
		agree: create(helpdesk.CustomFieldDef{Key: "remoto_ok", Label: "Podéis conectaros a mi equipo", Type: helpdesk.FieldCheckbox,
			CustomerVisible: true, Active: true}),
		hidden: create(helpdesk.CustomFieldDef{Key: "coste_interno", Label: "Coste interno", Type: helpdesk.FieldText, Active: true}),
		retired: create(helpdesk.CustomFieldDef{Key: "antiguo", Label: "Campo retirado", Type: helpdesk.FieldText,
			CustomerVisible: true, Active: false}),
	}
}

func TestNewTicketShowsTheCustomerVisibleFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	f := e.newPortalFields(d)

	c := e.client()
	c.login(d, d.customer)
	form := c.get("/alfa/tickets/new")
	require.Equal(t, http.StatusOK, form.status)

	place := form.doc.Find(`select#` + fieldInput(f.place) + `[name="` + fieldInput(f.place) + `"]`)
	require.Equal(t, 1, place.Length(), "the dropdown is a select")
	_, required := place.Attr("required")
	assert.True(t, required)
	assert.Equal(t, "Ubicación", strings.TrimSpace(form.doc.Find(`label[for="`+fieldInput(f.place)+`"]`).Text()), "a required field is not marked optional")
	assert.Equal(t, []string{"", "mad", "bcn", "remoto"}, place.Find("option").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "?") }))
	assert.Equal(t, "Barcelona", strings.TrimSpace(place.Find(`option[value="bcn"]`).Text()))

	units := form.doc.Find(`input#` + fieldInput(f.units))
	require.Equal(t, 1, units.Length())
	assert.Equal(t, "decimal", units.AttrOr("inputmode", ""))
	assert.Contains(t, form.doc.Find(`label[for="`+fieldInput(f.units)+`"]`).Text(), "(opcional)")

	agree := form.doc.Find(`input#` + fieldInput(f.agree))
	assert.Equal(t, "checkbox", agree.AttrOr("type", ""))
	assert.Contains(t, agree.Parent().Text(), "Podéis conectaros a mi equipo", "the checkbox is labelled")

	assert.Zero(t, form.doc.Find(`[name="`+fieldInput(f.hidden)+`"]`).Length(), "a field customers do not see is not offered")
	assert.NotContains(t, form.body, "Coste interno")
	assert.Zero(t, form.doc.Find(`[name="`+fieldInput(f.retired)+`"]`).Length(), "an inactive field is not offered")
	assert.NotContains(t, form.body, "Campo retirado")
}

func TestNewTicketStoresCustomFieldsAndIgnoresHiddenOnes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	f := e.newPortalFields(d)
	ctx := context.Background()

	c := e.client()
	c.login(d, d.customer)
	res := c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Sin red en la oficina"}, "description": {"No hay conexión desde esta mañana."},
		fieldInput(f.place):  {"bcn"},
		fieldInput(f.units):  {"12,5"},
		fieldInput(f.agree):  {"true"},
		fieldInput(f.hidden): {"forjado por el cliente"},
		"field_999999":       {"campo que no existe"},
	}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	page, err := e.svc.Tickets(ctx, d.admin.Actor(), ticketQueryAll())
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1)
	tk, err := e.svc.Ticket(ctx, d.admin.Actor(), page.Tickets[0].Number)
	require.NoError(t, err)
	got := map[helpdesk.CustomFieldID]string{}
	for _, v := range tk.Fields {
		got[v.Field] = v.String()
	}
	assert.Equal(t, map[helpdesk.CustomFieldID]string{f.place.ID: "bcn", f.units.ID: "12.5", f.agree.ID: "true"}, got,
		"the visible fields are stored; a forged hidden or unknown one is not")

	// An unticked checkbox is simply not sent: stored as unticked.
	res = c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Otra cosa"}, "description": {"Texto."},
		fieldInput(f.place): {"remoto"}, fieldInput(f.hidden): {"otra vez"},
	}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page, err = e.svc.Tickets(ctx, d.admin.Actor(), ticketQueryAll())
	require.NoError(t, err)
	require.Len(t, page.Tickets, 2)
	for _, row := range page.Tickets {
		tk, err := e.svc.Ticket(ctx, d.admin.Actor(), row.Number)
		require.NoError(t, err)
		_, has := tk.Field(f.hidden.ID)
		assert.False(t, has, "ticket %s: the hidden field is never set from the portal", tk.Number)
	}
}

func TestNewTicketShowsCustomFieldErrorsAndKeepsInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	f := e.newPortalFields(d)
	ctx := context.Background()

	c := e.client()
	c.login(d, d.customer)
	// The subject is missing too: every problem shows at once, not the
	// custom fields only once the rest is right.
	res := c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {""}, "description": {"Texto que no se pierde"},
		fieldInput(f.units): {"doce"},
		fieldInput(f.agree): {"true"},
	}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, strings.TrimSpace(res.doc.Find(`[data-testid="error-subject"]`).Text()))
	assert.Equal(t, "Este campo es obligatorio.", strings.TrimSpace(res.doc.Find(`[data-testid="error-`+fieldInput(f.place)+`"]`).Text()))
	assert.Equal(t, "Introduce un número.", strings.TrimSpace(res.doc.Find(`[data-testid="error-`+fieldInput(f.units)+`"]`).Text()))
	units := res.doc.Find(`input#` + fieldInput(f.units))
	assert.Equal(t, "doce", units.AttrOr("value", ""), "the typed value is kept")
	assert.Equal(t, "true", units.AttrOr("aria-invalid", ""))
	assert.Contains(t, units.AttrOr("aria-describedby", ""), fieldInput(f.units)+"-error")
	_, checked := res.doc.Find(`input#` + fieldInput(f.agree)).Attr("checked")
	assert.True(t, checked, "the ticked checkbox stays ticked")
	assert.Contains(t, res.body, "Texto que no se pierde")

	summary := res.doc.Find(`[data-testid="error-summary"]`)
	assert.Equal(t, "Ubicación: Este campo es obligatorio.", strings.TrimSpace(summary.Find(`a[href="#`+fieldInput(f.place)+`"]`).Text()))
	assert.Equal(t, "Equipos afectados: Introduce un número.", strings.TrimSpace(summary.Find(`a[href="#`+fieldInput(f.units)+`"]`).Text()))
	assert.NotContains(t, summary.Text(), "field:", "no domain key leaks into the page")

	// With the rest right, the domain's own refusal lands on the field too,
	// and the chosen option stays chosen.
	res = c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Asunto"}, "description": {"Texto"},
		fieldInput(f.place): {"mad"}, fieldInput(f.units): {"1e400"},
	}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, "Introduce un número.", strings.TrimSpace(res.doc.Find(`[data-testid="error-`+fieldInput(f.units)+`"]`).Text()))
	assert.Equal(t, "mad", res.doc.Find(`#`+fieldInput(f.place)+` option[selected]`).AttrOr("value", ""))
	_, checked = res.doc.Find(`input#` + fieldInput(f.agree)).Attr("checked")
	assert.False(t, checked, "an unticked checkbox stays unticked")

	page, err := e.svc.Tickets(ctx, d.admin.Actor(), ticketQueryAll())
	require.NoError(t, err)
	assert.Empty(t, page.Tickets, "nothing was opened")
}
