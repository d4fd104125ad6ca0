package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestGuestFormOffersTheDesksCategoriesAndVisibleFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	other := e.newDesk("beta")
	ctx := context.Background()
	cat, err := e.svc.CreateCategory(ctx, d.admin.Actor(), "Facturación")
	require.NoError(t, err)
	_, err = e.svc.CreateCategory(ctx, other.admin.Actor(), "Secreto de beta")
	require.NoError(t, err)
	f := e.newPortalFields(d)

	form := e.client().get("/acme/tickets/new")
	require.Equal(t, http.StatusOK, form.status)
	g := form.doc.Find(`[data-testid="guest-form"]`)
	require.Equal(t, 1, g.Length())
	assert.Equal(t, []string{"", strconv.FormatInt(int64(cat.ID), 10)},
		g.Find(`select[name="category"] option`).Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "?") }))
	assert.NotContains(t, form.body, "Secreto de beta", "another desk's category is not offered")

	place := g.Find(`select#` + fieldInput(f.place))
	require.Equal(t, 1, place.Length())
	_, required := place.Attr("required")
	assert.True(t, required)
	assert.Equal(t, "decimal", g.Find(`input#`+fieldInput(f.units)).AttrOr("inputmode", ""))
	assert.Equal(t, "checkbox", g.Find(`input#`+fieldInput(f.agree)).AttrOr("type", ""))
	assert.Zero(t, g.Find(`[name="`+fieldInput(f.hidden)+`"]`).Length(), "a field customers do not see is not offered")
	assert.NotContains(t, form.body, "Coste interno")
	assert.Zero(t, g.Find(`[name="`+fieldInput(f.retired)+`"]`).Length(), "an inactive field is not offered")

	// A desk with neither shows neither.
	plain := e.client().get("/beta/tickets/new")
	require.Equal(t, http.StatusOK, plain.status)
	assert.Equal(t, 1, plain.doc.Find(`select[name="category"]`).Length(), "beta has a category")
	assert.Zero(t, plain.doc.Find(`[name^="field_"]`).Length())
}

func TestGuestTicketStoresCategoryAndFieldsAndIgnoresHiddenOnes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	ctx := context.Background()
	cat, err := e.svc.CreateCategory(ctx, d.admin.Actor(), "Facturación")
	require.NoError(t, err)
	f := e.newPortalFields(d)

	c := e.client()
	fields := guestFields("")
	fields.Set("category", strconv.FormatInt(int64(cat.ID), 10))
	fields.Set(fieldInput(f.place), "bcn")
	fields.Set(fieldInput(f.units), "12,5")
	fields.Set(fieldInput(f.agree), "true")
	fields.Set(fieldInput(f.hidden), "forjado por el invitado")
	fields.Set(fieldInput(f.retired), "retirado")
	fields.Set("field_999999", "campo que no existe")
	c.openAsGuest("acme", fields)

	page, err := e.svc.Tickets(ctx, d.admin.Actor(), ticketQueryAll())
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1)
	tk, err := e.svc.Ticket(ctx, d.admin.Actor(), page.Tickets[0].Number)
	require.NoError(t, err)
	assert.Equal(t, cat.ID, tk.Category)
	got := map[helpdesk.CustomFieldID]string{}
	for _, v := range tk.Fields {
		got[v.Field] = v.String()
	}
	assert.Equal(t, map[helpdesk.CustomFieldID]string{f.place.ID: "bcn", f.units.ID: "12.5", f.agree.ID: "true"}, got,
		"the visible fields are stored; a forged hidden, retired or unknown one is not")
}

func TestGuestMissingRequiredFieldKeepsEverythingTyped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	ctx := context.Background()
	cat, err := e.svc.CreateCategory(ctx, d.admin.Actor(), "Facturación")
	require.NoError(t, err)
	f := e.newPortalFields(d)

	c := e.client()
	fields := guestFields(c.guestKey("acme"))
	catID := strconv.FormatInt(int64(cat.ID), 10)
	fields.Set("category", catID)
	fields.Set(fieldInput(f.units), "3")
	fields.Set(fieldInput(f.agree), "true")
	res := c.post("/acme/tickets/new", fields)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="error-`+fieldInput(f.place)+`"]`))
	assert.Contains(t, text(res, `[data-testid="error-summary"]`), "Ubicación", "the summary names the field")
	assert.Equal(t, "Gema Invitada", res.doc.Find(`input[name="name"]`).AttrOr("value", ""))
	assert.Equal(t, "gema@example.com", res.doc.Find(`input[name="email"]`).AttrOr("value", ""))
	assert.Equal(t, "No puedo entrar en la tienda", res.doc.Find(`input[name="subject"]`).AttrOr("value", ""))
	assert.Equal(t, "Me dice que la contraseña no es válida.", strings.TrimSpace(res.doc.Find(`textarea[name="description"]`).Text()))
	assert.Equal(t, 1, res.doc.Find(`input[name="urgency"][value="high"][checked]`).Length())
	assert.Equal(t, catID, res.doc.Find(`select[name="category"] option[selected]`).AttrOr("value", ""))
	assert.Equal(t, "3", res.doc.Find(`input#`+fieldInput(f.units)).AttrOr("value", ""))
	assert.Equal(t, 1, res.doc.Find(`input#`+fieldInput(f.agree)+`[checked]`).Length())
	assert.Zero(t, e.countTickets(d))

	// With the rest of the form wrong too, every problem shows at once.
	fields.Set("email", "no-es-un-correo")
	res = c.post("/acme/tickets/new", fields)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-email"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-`+fieldInput(f.place)+`"]`))
	assert.Zero(t, e.countTickets(d))
}
