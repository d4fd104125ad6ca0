package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An empty desk form names each missing field in the summary and links to
// it; the rules for the address and the password are on the page before
// anyone fails them.
func TestDeskFormSummaryNamesTheFieldsAndRulesComeFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	page := c.get("/")
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "De 2 a 40 letras minúsculas")
	assert.Contains(t, page.body, "Al menos 10 caracteres")

	res := c.post("/", url.Values{"name": {""}, "slug": {""}, "admin_name": {""}, "email": {""}, "password": {""}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	links := res.doc.Find(`[data-testid="error-summary"] li a`)
	require.Equal(t, 5, links.Length(), res.body)
	want := map[string]string{"#name": "Nombre de la empresa o del equipo: ", "#slug": "Dirección: ",
		"#admin_name": "Tu nombre: ", "#email": "Correo electrónico: ", "#password": "Contraseña: "}
	seen := map[string]bool{}
	for i := range links.Length() {
		a := links.Eq(i)
		href := a.AttrOr("href", "")
		assert.Contains(t, a.Text(), want[href], href)
		seen[a.Text()] = true
		assert.Equal(t, 1, res.doc.Find(href).Length(), "the link leads to its field")
	}
	assert.Len(t, seen, 5, "no two lines of the summary read the same")
}
