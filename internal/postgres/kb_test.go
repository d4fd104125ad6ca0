package postgres_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// kbArticles is the relevance fixture: title, locale, audience, body, tags;
// an English article translates the one before it.
var kbArticles = []struct {
	title, locale, audience, body, tags string
}{
	{"Cómo descargar tu factura", "es", "public", "Entra en **Mi cuenta → Facturación** y pulsa *Descargar PDF*. Las facturas de los últimos 24 meses están disponibles.", "facturación, pdf"},
	{"How to download your invoice", "en", "public", "Go to **My account → Billing** and press *Download PDF*. Invoices of the last 24 months are there.", "billing"},
	{"Cambiar el método de pago", "es", "public", "Puedes pagar con tarjeta o domiciliación bancaria. El cambio se aplica en el siguiente recibo.", "pagos"},
	{"Restablecer la contraseña", "es", "public", "Si olvidaste tu contraseña, pulsa «¿La olvidaste?» en el acceso y sigue el enlace que te enviamos por correo.", "acceso"},
	{"Configurar la impresora de red", "es", "customers", "Añade la impresora desde Ajustes → Impresoras con la dirección que te dio tu administrador.", "impresoras"},
	{"Guía interna: reembolsos", "es", "internal", "Los reembolsos de más de 100 € los aprueba un responsable. Nunca prometas plazos al cliente.", "reembolso"},
	{"Conectar a la VPN desde el portátil", "es", "public", "Instala el cliente VPN, importa el perfil y conéctate con tu usuario de siempre.", "vpn, portátil"},
}

func kbFixture(t *testing.T, d *desk) []helpdesk.KBArticle {
	t.Helper()
	ctx := d.ctx()
	admin := d.admin.Actor()
	cat, err := d.svc.SaveKBCategory(ctx, admin, 0, helpdesk.KBCategoryInput{Name: "Cuenta y facturación", NameEN: "Account and billing"})
	require.NoError(t, err)
	sec, err := d.svc.SaveKBSection(ctx, admin, 0, helpdesk.KBSectionInput{Category: cat.ID, Name: "Primeros pasos"})
	require.NoError(t, err)
	var out []helpdesk.KBArticle
	for i, f := range kbArticles {
		save := helpdesk.KBSave{To: helpdesk.KBPublished, Input: helpdesk.KBArticleInput{Section: sec.ID, Locale: f.locale,
			Title: f.title, Body: f.body, Tags: f.tags, Audience: f.audience, Position: i}}
		if f.locale == "en" {
			save.TranslationOf = out[i-1].ID
		}
		a, err := d.svc.SaveKBArticle(ctx, admin, 0, save)
		require.NoError(t, err, f.title)
		out = append(out, a)
	}
	return out
}

func TestKBSearchRelevance(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	d := newDesk(t, pool, "acme")
	arts := kbFixture(t, d)
	guest := helpdesk.Actor{Kind: helpdesk.ActorGuest, Tenant: d.tenant.ID}
	cases := []struct {
		query, lang string
		by          helpdesk.Actor
		want        int // index in kbArticles; -1: nothing
	}{
		{"factura", "es", guest, 0},
		{"facturas", "es", guest, 0},
		{"facutra", "es", guest, 0},     // typo
		{"FACTURACIÓN", "es", guest, 0}, // accent and case
		{"descargar pdf", "es", guest, 0},
		{"no puedo descargar mi factura de marzo", "es", guest, 0}, // a sentence: any word
		{"invoice", "en", guest, 1},                                // English words
		{"invoices", "en", guest, 1},                               // English plural
		{"invoice", "es", guest, 0},                                // found through the English version, shown in the reader's language
		{"factura", "en", guest, 1},                                // and the other way round
		{"contrasena", "es", guest, 3},
		{"contraseñas olvidadas", "es", guest, 3},
		{"restablecer", "es", guest, 3},
		{"metodo de pago", "es", guest, 2},
		{"tarjeta", "es", guest, 2},
		{"vpn", "es", guest, 6},
		{"portatil", "es", guest, 6},
		{"impresora", "es", guest, -1}, // customers only
		{"impresora", "es", d.cust.Actor(), 4},
		{"reembolsos", "es", d.cust.Actor(), -1},         // internal
		{"reembolsos", "es", d.agent.Actor(), -1},        // internal: never in the help centre
		{"reembolsos console", "es", d.agent.Actor(), 5}, // but in the console
		{"'); DROP TABLE kb_articles;--", "es", guest, -1},
		{strings.Repeat("factura ", 2000), "es", guest, 0},
	}
	for _, c := range cases {
		from := helpdesk.KBFromHelp
		if q, ok := strings.CutSuffix(c.query, " console"); ok {
			c.query, from = q, helpdesk.KBFromConsole
		}
		hits, err := d.svc.SearchHelp(d.ctx(), c.by, c.query, c.lang, from)
		require.NoError(t, err, c.query)
		if c.want < 0 {
			assert.Empty(t, hits, c.query)
			continue
		}
		if assert.NotEmpty(t, hits, c.query) {
			assert.Equal(t, arts[c.want].Title, hits[0].Article.Title, "top result for %q", c.query)
		}
		for _, h := range hits {
			if from == helpdesk.KBFromHelp {
				assert.NotEqual(t, helpdesk.KBInternal, h.Article.Audience, c.query)
			}
		}
	}
	// Snippets mark the matching words (accents folded).
	hits, err := d.svc.SearchHelp(d.ctx(), guest, "facturas", "es", helpdesk.KBFromHelp)
	require.NoError(t, err)
	assert.Contains(t, hits[0].Snippet, helpdesk.KBMarkStart+"facturas"+helpdesk.KBMarkStop)
}

func TestKBIsolationRevisionsAndDeflection(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	b := newDesk(t, pool, "beta")
	arts := kbFixture(t, a)
	ctx := a.ctx()

	// B sees nothing of A: not by id, not in search, not in lists.
	_, err := b.svc.HelpArticle(ctx, b.cust.Actor(), arts[0].ID, "es")
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, _, err = b.svc.KBEditArticle(ctx, b.admin.Actor(), arts[0].ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	hits, err := b.svc.SearchHelp(ctx, b.agent.Actor(), "factura", "es", helpdesk.KBFromConsole)
	require.NoError(t, err)
	assert.Empty(t, hits)
	home, err := b.svc.HelpCentre(ctx, b.cust.Actor(), "es")
	require.NoError(t, err)
	assert.Empty(t, home.Categories)
	assert.Empty(t, home.Popular)

	// Revisions: every save kept, a diff between two, a restore.
	admin := a.admin.Actor()
	art := arts[2]
	in := helpdesk.KBArticleInput{Section: art.Section, Locale: "es", Title: art.Title, Body: "Solo con tarjeta.", Audience: "public", Version: art.Version}
	art2, err := a.svc.SaveKBArticle(ctx, admin, art.ID, helpdesk.KBSave{Input: in})
	require.NoError(t, err)
	assert.Equal(t, art.Version+1, art2.Version)
	_, err = a.svc.SaveKBArticle(ctx, admin, art.ID, helpdesk.KBSave{Input: in}) // stale version
	assert.ErrorIs(t, err, helpdesk.ErrConflict)
	revs, err := a.svc.KBRevisions(ctx, admin, art.ID)
	require.NoError(t, err)
	require.Len(t, revs, 2)
	diff, err := a.svc.KBDiff(ctx, admin, art.ID, 1, 2)
	require.NoError(t, err)
	assert.Contains(t, diff, helpdesk.DiffLine{Op: helpdesk.DiffAdded, Text: "Solo con tarjeta."})
	restored, err := a.svc.RestoreKBRevision(ctx, admin, art.ID, 1)
	require.NoError(t, err)
	assert.Equal(t, art.Body, restored.Body)
	// Search follows the current version only.
	hits, err = a.svc.SearchHelp(ctx, admin, "domiciliacion", "es", helpdesk.KBFromConsole)
	require.NoError(t, err)
	require.Len(t, hits, 1)

	// A non-editor agent writes drafts only.
	_, err = a.svc.SaveKBArticle(ctx, a.agent.Actor(), 0, helpdesk.KBSave{To: helpdesk.KBPublished,
		Input: helpdesk.KBArticleInput{Section: art.Section, Locale: "es", Title: "Borrador", Audience: "public"}})
	assert.ErrorIs(t, err, helpdesk.ErrForbidden)
	draft, err := a.svc.SaveKBArticle(ctx, a.agent.Actor(), 0, helpdesk.KBSave{
		Input: helpdesk.KBArticleInput{Section: art.Section, Locale: "es", Title: "Borrador", Audience: "public"}})
	require.NoError(t, err)
	assert.Equal(t, helpdesk.KBDraft, draft.State)
	_, err = a.svc.HelpArticle(ctx, a.cust.Actor(), draft.ID, "es")
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "a draft is not in the help centre")

	// Deflection: a suggestion opened from a form that never submitted.
	guest := helpdesk.Actor{Kind: helpdesk.ActorGuest, Tenant: a.tenant.ID}
	require.NoError(t, a.svc.OpenedSuggestion(ctx, guest, "form-1", arts[0].ID))
	require.NoError(t, a.svc.OpenedSuggestion(ctx, guest, "form-2", arts[0].ID))
	require.NoError(t, a.svc.KBFormSubmitted(ctx, a.tenant.ID, "form-2"))
	require.NoError(t, a.svc.OpenedSuggestion(ctx, guest, "form-3", arts[5].ID)) // internal: not counted
	require.NoError(t, a.svc.VoteKB(ctx, guest, arts[0].ID, "vote-1", true, ""))
	require.NoError(t, a.svc.VoteKB(ctx, guest, arts[0].ID, "vote-1", true, ""), "the same form again: one vote")
	_, err = a.svc.HelpArticle(ctx, guest, arts[0].ID, "es")
	require.NoError(t, err)
	_, err = a.svc.SearchHelp(ctx, guest, "cancelar suscripción", "es", helpdesk.KBFromHelp)
	require.NoError(t, err)
	a.clock.Advance(2 * 60 * 60 * 1e9)
	rep, err := a.svc.KBReport(ctx, admin, a.clock.Now().Add(-24*60*60*1e9), 30*60*1e9)
	require.NoError(t, err)
	var first helpdesk.KBArticleStats
	for _, st := range rep.Articles {
		if st.Article == arts[0].ID {
			first = st
		}
	}
	assert.Equal(t, helpdesk.KBArticleStats{Article: arts[0].ID, Title: arts[0].Title, Views: 1, Helpful: 1, Deflections: 1}, first)
	assert.Equal(t, []helpdesk.KBQueryCount{{Query: "cancelar suscripción", Count: 1}}, rep.EmptySearch)

	// Deleting removes the article with its search documents and figures.
	require.NoError(t, a.svc.DeleteKBArticle(ctx, admin, arts[0].ID))
	hits, err = a.svc.SearchHelp(ctx, admin, "factura", "es", helpdesk.KBFromConsole)
	require.NoError(t, err)
	for _, h := range hits {
		assert.NotEqual(t, arts[0].ID, h.Article.ID)
	}
}
