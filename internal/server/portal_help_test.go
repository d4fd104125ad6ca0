package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestHelpSuggestionsOnTheNewTicketForms: both new-ticket forms suggest
// articles for their audience, the help centre's "open a ticket" fills in
// the subject, and an opened suggestion counts as a deflection until its
// form opens a ticket.
func TestHelpSuggestionsOnTheNewTicketForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	ka := e.kbSeed(a)

	guest := e.client()
	res := guest.get("/alfa/tickets/new?subject=factura")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "factura", res.doc.Find(`[data-testid="guest-form"] input[name="subject"]`).AttrOr("value", ""))
	list := text(res, `[data-testid="help-suggestion-list"]`)
	assert.Contains(t, list, ka.public.Title)
	assert.NotContains(t, list, ka.customers.Title)
	assert.NotContains(t, list, ka.internal.Title)
	key := res.doc.Find(`[data-testid="guest-form"] input[name="key"]`).AttrOr("value", "")
	href := res.doc.Find(`[data-testid="help-suggestion"]`).First().AttrOr("href", "")
	assert.Contains(t, href, "?from="+key)
	// Without a subject: the plain link to the help centre.
	res = guest.get("/alfa/tickets/new")
	assert.Equal(t, "/alfa/help", res.doc.Find(`[data-testid="help-suggest-link"]`).AttrOr("href", ""))

	cust := e.client()
	cust.login(a, a.customer)
	res = cust.get("/alfa/tickets/new?subject=factura")
	list = text(res, `[data-testid="help-suggestion-list"]`)
	assert.Contains(t, list, ka.customers.Title)
	assert.NotContains(t, list, ka.internal.Title)
	// The htmx fragment.
	res = cust.get("/alfa/help/suggest?subject=factura&key=" + key)
	assert.Contains(t, text(res, `[data-testid="help-suggestion-list"]`), ka.customers.Title)

	// The guest opens the suggestion: one open, not submitted; then the
	// same form opens a ticket: no deflection.
	require.Equal(t, http.StatusOK, guest.get(href).status)
	opens := func() (n, submitted int) {
		e.asTenant(a, func(tx pgx.Tx) {
			require.NoError(t, tx.QueryRow(context.Background(),
				`SELECT count(*), count(*) FILTER (WHERE submitted) FROM kb_suggestion_opens`).Scan(&n, &submitted))
		})
		return n, submitted
	}
	n, sub := opens()
	assert.Equal(t, [2]int{1, 0}, [2]int{n, sub})
	guest.openAsGuest("alfa", guestFields(key))
	n, sub = opens()
	assert.Equal(t, [2]int{1, 1}, [2]int{n, sub})

	// Help centre off: no suggestions, not even the link.
	require.NoError(t, e.svc.SetHelpCentre(context.Background(), a.admin.Actor(), false))
	res = cust.get("/alfa/tickets/new?subject=factura")
	assert.Zero(t, res.doc.Find(`[data-testid="help-suggestions"]`).Length())
	assert.Equal(t, http.StatusNotFound, cust.get("/alfa/help/suggest?subject=factura").status)
}

// TestHelpCentreLanguages: an English visitor reads the English version of
// a translated article, the Spanish one of an untranslated article with a
// note, and category names in English.
func TestHelpCentreLanguages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	ka := e.kbSeed(a)
	ctx := context.Background()
	en, err := e.svc.SaveKBArticle(ctx, a.admin.Actor(), 0, helpdesk.KBSave{To: helpdesk.KBPublished, TranslationOf: ka.public.ID,
		Input: helpdesk.KBArticleInput{Section: ka.public.Section, Locale: "en", Title: "Public invoice", Body: "How to download the invoice.", Audience: "public"}})
	require.NoError(t, err)

	c := e.client()
	res := c.post("/lang", url.Values{"lang": {"en"}, "next": {"/alfa/help"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	res = c.get("/alfa/help")
	assert.Contains(t, text(res, `[data-testid="help-popular"]`), "Public invoice")
	assert.NotContains(t, text(res, `[data-testid="help-popular"]`), ka.public.Title)
	// The Spanish article in English: its translation is offered, no note.
	res = c.get(articlePath(a, en))
	assert.Equal(t, "Public invoice", text(res, "h1"))
	assert.Zero(t, res.doc.Find(`[data-testid="help-fallback"]`).Length())
	assert.Equal(t, "es", res.doc.Find(`[data-testid="help-translations"] a`).AttrOr("hreflang", ""))
	// An untranslated one: shown in Spanish, with a note and lang="es".
	res = c.get(articlePath(a, ka.customers))
	assert.Equal(t, http.StatusNotFound, res.status, "customers only")
	draft, err := e.svc.SaveKBArticle(ctx, a.admin.Actor(), 0, helpdesk.KBSave{To: helpdesk.KBPublished,
		Input: helpdesk.KBArticleInput{Section: ka.public.Section, Locale: "es", Title: "Solo en español", Body: "Texto.", Audience: "public"}})
	require.NoError(t, err)
	res = c.get(articlePath(a, draft))
	assert.Contains(t, text(res, `[data-testid="help-fallback"]`), "Spanish")
	assert.Equal(t, "es", res.doc.Find(`[data-testid="help-article"]`).AttrOr("lang", ""))
}

// TestConsoleKBRevisions: the revisions page diffs two saves and restores
// the first.
func TestConsoleKBRevisions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	ka := e.kbSeed(a)
	ctx := context.Background()
	in := helpdesk.KBArticleInput{Section: ka.public.Section, Locale: "es", Title: ka.public.Title, Body: "Cuerpo nuevo.", Audience: "public", Version: ka.public.Version}
	_, err := e.svc.SaveKBArticle(ctx, a.admin.Actor(), ka.public.ID, helpdesk.KBSave{Input: in})
	require.NoError(t, err)
	c := e.adminClient(a)
	res := c.get(kbEditPath(a, ka.public, "/revisions?from=1&to=2"))
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, 2, res.doc.Find(`[data-testid="kb-revision-table"] tbody tr`).Length())
	assert.Contains(t, text(res, `[data-testid="kb-diff"] ins`), "Cuerpo nuevo.")
	assert.Contains(t, text(res, `[data-testid="kb-diff"] del`), "Cómo descargar la factura")
	res = c.post(kbEditPath(a, ka.public, "/revisions/1/restore"), url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status)
	got, _, err := e.svc.KBEditArticle(ctx, a.admin.Actor(), ka.public.ID)
	require.NoError(t, err)
	assert.Contains(t, got.Body, "Cómo descargar la factura")
	assert.Equal(t, 3, got.Version)
	assert.Equal(t, http.StatusNotFound, c.post(kbEditPath(a, ka.public, "/revisions/9/restore"), url.Values{}).status)
}
