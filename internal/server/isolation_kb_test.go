package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Knowledge base routes. The help centre is public (what it shows depends
// on who reads, tested below); pages addressed by "{ref}" or "{id}" answer
// the friendly 404 for the walk's literal placeholders, so they take
// publicForm's checks. The console's editor and search need a staff session
// of the tenant, the admin page an admin one.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/help":                      publicPage,
		"GET /{tenant}/help/search":               publicPage,
		"GET /{tenant}/help/suggest":              publicPage,
		"GET /{tenant}/help/categories/{ref}":     publicForm,
		"GET /{tenant}/help/sections/{ref}":       publicForm,
		"GET /{tenant}/help/articles/{ref}":       publicForm,
		"POST /{tenant}/help/articles/{ref}/vote": publicForm,
		"GET /{tenant}/help/images/{id}":          publicForm,
		"GET /{tenant}/sitemap.xml":               publicPage,

		"GET /{tenant}/agent/kb":                               staffPage,
		"GET /{tenant}/agent/kb/new":                           staffPage,
		"POST /{tenant}/agent/kb/new":                          staffPage,
		"GET /{tenant}/agent/kb/search":                        staffPage,
		"POST /{tenant}/agent/kb/from-ticket/{number}":         staffPage,
		"GET /{tenant}/agent/kb/{id}":                          staffPage,
		"POST /{tenant}/agent/kb/{id}":                         staffPage,
		"POST /{tenant}/agent/kb/{id}/delete":                  staffPage,
		"POST /{tenant}/agent/kb/{id}/images":                  staffPage,
		"GET /{tenant}/agent/kb/{id}/revisions":                staffPage,
		"POST /{tenant}/agent/kb/{id}/revisions/{rev}/restore": staffPage,

		"GET /{tenant}/admin/kb":                  staffPage,
		"POST /{tenant}/admin/kb/settings":        staffPage,
		"POST /{tenant}/admin/kb/categories":      staffPage,
		"POST /{tenant}/admin/kb/categories/{id}": staffPage,
		"POST /{tenant}/admin/kb/sections":        staffPage,
		"POST /{tenant}/admin/kb/sections/{id}":   staffPage,
		"POST /{tenant}/admin/kb/editors":         staffPage,
	})
}

// kbDesk publishes one article per audience (plus a draft) in d, each
// titled with the desk's slug so another desk's pages can be checked for
// it, all matching the word "factura".
type kbDesk struct {
	public, customers, internal, draft helpdesk.KBArticle
}

func (e *env) kbSeed(d desk) kbDesk {
	e.t.Helper()
	ctx := context.Background()
	admin := d.admin.Actor()
	cat, err := e.svc.SaveKBCategory(ctx, admin, 0, helpdesk.KBCategoryInput{Name: "Facturación " + d.tenant.Slug})
	require.NoError(e.t, err)
	sec, err := e.svc.SaveKBSection(ctx, admin, 0, helpdesk.KBSectionInput{Category: cat.ID, Name: "Facturas"})
	require.NoError(e.t, err)
	art := func(title, audience string, to helpdesk.KBState) helpdesk.KBArticle {
		a, err := e.svc.SaveKBArticle(ctx, admin, 0, helpdesk.KBSave{To: to, Input: helpdesk.KBArticleInput{
			Section: sec.ID, Locale: "es", Title: title, Audience: audience,
			Summary: "Resumen de " + title, Body: "Cómo descargar la factura en PDF (" + title + ").",
		}})
		require.NoError(e.t, err)
		return a
	}
	s := d.tenant.Slug
	return kbDesk{
		public:    art("Factura pública "+s, "public", helpdesk.KBPublished),
		customers: art("Factura de clientes "+s, "customers", helpdesk.KBPublished),
		internal:  art("Factura interna "+s, "internal", helpdesk.KBPublished),
		draft:     art("Factura en borrador "+s, "public", helpdesk.KBDraft),
	}
}

func articlePath(d desk, a helpdesk.KBArticle) string {
	return "/" + d.tenant.Slug + "/help/articles/" + strconv.FormatInt(int64(a.ID), 10) + "-" + a.Slug
}

// TestHelpCentreAudiences: a guest, a customer, an agent of the desk and a
// user of another desk each see exactly what they should in the listing,
// an article, the search and the suggestions.
func TestHelpCentreAudiences(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	ka := e.kbSeed(a)
	kb := e.kbSeed(b)

	guest := e.client()
	cust := e.client()
	cust.login(a, a.customer)
	agent := e.client()
	agent.login(a, a.agent)
	other := e.client() // signed in at beta only: a guest at alfa
	other.login(b, b.customer)

	all := []helpdesk.KBArticle{ka.public, ka.customers, ka.internal, ka.draft}
	for _, c := range []struct {
		name string
		c    *client
		sees []helpdesk.KBArticle
	}{
		{"guest", guest, []helpdesk.KBArticle{ka.public}},
		{"customer", cust, []helpdesk.KBArticle{ka.public, ka.customers}},
		{"agent", agent, []helpdesk.KBArticle{ka.public, ka.customers}}, // internal only in the console
		{"other desk", other, []helpdesk.KBArticle{ka.public}},
	} {
		t.Run(c.name, func(t *testing.T) {
			pages := map[string]string{
				"listing":     "/alfa/help",
				"category":    "/alfa/help/categories/" + strconv.FormatInt(int64(ka.public.Category), 10),
				"search":      "/alfa/help/search?q=factura",
				"suggestions": "/alfa/help/suggest?subject=factura",
			}
			for what, p := range pages {
				res := c.c.get(p)
				if what == "category" {
					res = c.c.get(res.header.Get("Location")) // canonical slug
				}
				require.Equal(t, http.StatusOK, res.status, what)
				for _, art := range all {
					if contains(titles(c.sees), art.Title) {
						assert.Contains(t, res.body, art.Title, "%s must show %q", what, art.Title)
					} else {
						assert.NotContains(t, res.body, art.Title, "%s must not show %q", what, art.Title)
						assert.NotContains(t, res.body, "Resumen de "+art.Title, what)
					}
				}
				// Nothing of the other desk, ever.
				for _, art := range []helpdesk.KBArticle{kb.public, kb.customers, kb.internal} {
					assert.NotContains(t, res.body, art.Title, what)
				}
			}
			for _, art := range all {
				res := c.c.get(articlePath(a, art))
				if contains(titles(c.sees), art.Title) {
					assert.Equal(t, http.StatusOK, res.status, art.Title)
					assert.Equal(t, art.Title, text(res, "h1"))
				} else {
					assert.Equal(t, http.StatusNotFound, res.status, art.Title)
					assert.NotContains(t, res.body, art.Title)
				}
			}
			// The other desk's articles at this desk's address: not found.
			res := c.c.get("/alfa/help/articles/" + strconv.FormatInt(int64(kb.public.ID), 10))
			assert.Equal(t, http.StatusNotFound, res.status)
			res = c.c.post("/alfa/help/articles/"+strconv.FormatInt(int64(kb.public.ID), 10)+"/vote", url.Values{"helpful": {"yes"}, "key": {"AAAAAAAAAAAAAAAAAAAAAAAA"}})
			assert.Equal(t, http.StatusNotFound, res.status)
		})
	}
}

func titles(arts []helpdesk.KBArticle) []string {
	out := make([]string, len(arts))
	for i, a := range arts {
		out[i] = a.Title
	}
	return out
}

// TestHelpCentrePages: canonical slugs, meta, votes, sitemap, robots, and
// the switch that turns the help centre off.
func TestHelpCentrePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	ka := e.kbSeed(a)
	c := e.client()

	// An outdated or missing slug redirects to the canonical address.
	res := c.get("/alfa/help/articles/" + strconv.FormatInt(int64(ka.public.ID), 10) + "-viejo")
	assert.Equal(t, http.StatusMovedPermanently, res.status)
	assert.Equal(t, articlePath(a, ka.public), res.header.Get("Location"))
	res = c.get(articlePath(a, ka.public))
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.doc.Find(`link[rel="canonical"]`).AttrOr("href", ""), articlePath(a, ka.public))
	assert.Equal(t, "Resumen de "+ka.public.Title, res.doc.Find(`meta[name="description"]`).AttrOr("content", ""))
	assert.Equal(t, 4, res.doc.Find(`[data-testid="help-breadcrumb"] li`).Length())
	assert.Contains(t, res.doc.Find(`[data-testid="help-open-ticket"]`).AttrOr("href", ""), "/alfa/tickets/new?subject=")

	// A vote, with a comment.
	key := res.doc.Find(`[data-testid="help-vote"] input[name="key"]`).AttrOr("value", "")
	for range 2 { // a double click is one vote
		res = c.post(articlePath(a, ka.public)+"/vote", url.Values{"key": {key}, "helpful": {"no"}, "comment": {"Falta un paso"}})
		require.Equal(t, http.StatusSeeOther, res.status)
	}
	var comment string
	e.asTenant(a, func(tx pgx.Tx) {
		require.NoError(t, tx.QueryRow(context.Background(), `SELECT comment FROM kb_votes WHERE tenant_id = $1`, int64(a.tenant.ID)).Scan(&comment))
	})
	assert.Equal(t, "Falta un paso", comment)

	// Search highlights; hostile search text is only text.
	res = c.get("/alfa/help/search?q=facturas")
	assert.Equal(t, "factura", strings.ToLower(res.doc.Find(".help-snippet mark").First().Text()))
	res = c.get("/alfa/help/search?q=" + url.QueryEscape(`<script>alert(1)</script> '); DROP TABLE kb_articles;--`))
	assert.Equal(t, http.StatusOK, res.status)
	assert.NotContains(t, res.body, "<script>alert(1)")

	// Sitemap: public, published articles only.
	res = c.get("/alfa/sitemap.xml")
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, articlePath(a, ka.public))
	assert.NotContains(t, res.body, "/help/articles/"+strconv.FormatInt(int64(ka.customers.ID), 10))
	assert.NotContains(t, res.body, "/help/articles/"+strconv.FormatInt(int64(ka.draft.ID), 10))
	res = c.get("/robots.txt")
	assert.Contains(t, res.body, "Allow: /*/help/")
	assert.Contains(t, res.body, "Disallow: /\n")

	// Off: the help centre is gone, and the new-ticket form has no suggestions.
	require.NoError(t, e.svc.SetHelpCentre(context.Background(), a.admin.Actor(), false))
	assert.Equal(t, http.StatusNotFound, c.get("/alfa/help").status)
	assert.Equal(t, http.StatusNotFound, c.get(articlePath(a, ka.public)).status)
	assert.Equal(t, http.StatusNotFound, c.get("/alfa/sitemap.xml").status)
}
