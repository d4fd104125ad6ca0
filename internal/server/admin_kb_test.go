package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKBArchivedCategory: an admin archives a category from the admin page;
// its articles leave the help centre, its search, the sitemap and the
// console's article search, while the admin page keeps it, marked, to
// restore.
func TestKBArchivedCategory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	ka := e.kbSeed(a)
	catID := strconv.FormatInt(int64(ka.public.Category), 10)
	catPath := "/alfa/help/categories/" + catID
	form := url.Values{"name": {"Facturación alfa"}, "position": {"0"}}

	adm := e.client()
	adm.login(a, a.admin)
	archived := url.Values{"archived": {"true"}}
	for k, v := range form {
		archived[k] = v
	}
	res := adm.post("/alfa/admin/kb/categories/"+catID, archived)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = adm.get("/alfa/admin/kb")
	require.Equal(t, http.StatusOK, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="kb-category-archived"]`))

	guest := e.client()
	assert.NotContains(t, guest.get("/alfa/help").body, "Facturación alfa")
	assert.Equal(t, http.StatusNotFound, guest.get(catPath).status)
	assert.Equal(t, http.StatusNotFound, guest.get(articlePath(a, ka.public)).status)
	assert.NotContains(t, guest.get("/alfa/help/search?q=factura").body, ka.public.Title)
	assert.NotContains(t, guest.get("/alfa/sitemap.xml").body, articlePath(a, ka.public))
	ag := e.client()
	ag.login(a, a.agent)
	assert.NotContains(t, ag.get("/alfa/agent/kb/search?q=factura").body, ka.public.Title)

	// Unticked: back as it was.
	res = adm.post("/alfa/admin/kb/categories/"+catID, form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, http.StatusMovedPermanently, guest.get(catPath).status, "to its canonical address")
	assert.Equal(t, http.StatusOK, guest.get(articlePath(a, ka.public)).status)
	assert.Contains(t, guest.get("/alfa/help/search?q=factura").body, ka.public.Title)
}
