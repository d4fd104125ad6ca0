package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func kbEditPath(d desk, a helpdesk.KBArticle, p string) string {
	return agentPath(d, "/kb/"+strconv.FormatInt(int64(a.ID), 10)+p)
}

// TestConsoleKBEditorRights: an agent writes drafts; publishing needs the
// editor flag (or admin), which the admin page gives; publish and delete
// are audited; another desk's articles are not found.
func TestConsoleKBEditorRights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	ka := e.kbSeed(a)
	kb := e.kbSeed(b)
	ag := e.client()
	ag.login(a, a.agent)

	res := ag.get(agentPath(a, "/kb"))
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, ka.internal.Title)
	assert.Equal(t, 1, res.doc.Find(`[data-testid="kb-drafts-only"]`).Length())
	// Another desk's article by id: not found, in every route.
	assert.Equal(t, http.StatusNotFound, ag.get(kbEditPath(a, kb.public, "")).status)
	assert.Equal(t, http.StatusNotFound, ag.get(kbEditPath(a, kb.public, "/revisions")).status)
	assert.Equal(t, http.StatusNotFound, ag.post(kbEditPath(a, kb.public, "/delete"), url.Values{}).status)

	sec := strconv.FormatInt(int64(ka.public.Section), 10)
	form := url.Values{"title": {"Cómo cambiar el correo"}, "section": {sec}, "locale": {"es"}, "audience": {"public"},
		"body": {"Ve a **Mi cuenta**."}, "to": {"published"}}
	res = ag.post(agentPath(a, "/kb/new"), form)
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Equal(t, "Cómo cambiar el correo", formValue(t, res, `[data-testid="kb-form"]`, "title"), "the form keeps what was typed")
	form.Set("to", "")
	res = ag.post(agentPath(a, "/kb/new"), form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	editURL := res.header.Get("Location")

	// Bad input: 422 with the text kept, nothing saved.
	bad := url.Values{"title": {""}, "section": {sec}, "locale": {"es"}, "audience": {"public"}, "body": {"Texto a medias"}}
	res = ag.post(agentPath(a, "/kb/new"), bad)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Texto a medias")

	// The admin makes the agent an editor; now they publish.
	adm := e.adminClient(a)
	res = adm.post(adminPath(a, "/kb/editors"), url.Values{"editor": {strconv.FormatInt(int64(a.agent.ID), 10)}})
	require.Equal(t, http.StatusSeeOther, res.status)
	page := ag.get(editURL)
	form.Set("version", formValue(t, page, `[data-testid="kb-form"]`, "version"))
	form.Set("to", "published")
	res = ag.post(editURL, form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	// The same version again is a conflict that keeps the text.
	res = ag.post(editURL, form)
	assert.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.body, "Ve a **Mi cuenta**.")

	res = ag.post(editURL+"/delete", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status)
	var actions []string
	e.asTenant(a, func(tx pgx.Tx) {
		rows, err := tx.Query(context.Background(), `SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'kb_%' ORDER BY id`, int64(a.tenant.ID))
		require.NoError(t, err)
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			actions = append(actions, s)
		}
	})
	assert.Equal(t, []string{"kb_article.publish", "kb_article.publish", "kb_article.publish", "kb_editor.update", "kb_article.publish", "kb_article.delete"}, actions)

	// The console's search finds internal articles to read, with neither a
	// link nor a button pasting their text into a reply a customer gets.
	res = ag.get(agentPath(a, "/kb/search?q=factura+interna"))
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, ka.internal.Title)
	assert.NotContains(t, res.body, kb.internal.Title)
	internal := res.doc.Find(`[data-testid="kb-results"] > li`).FilterFunction(func(_ int, li *goquery.Selection) bool {
		return strings.Contains(li.Text(), ka.internal.Title)
	})
	require.Equal(t, 1, internal.Length())
	assert.Zero(t, internal.Find(`[data-kb-insert]`).Length())
	assert.Equal(t, 1, internal.Find(`[data-testid="kb-internal-only"]`).Length())
	public := res.doc.Find(`[data-testid="kb-results"] > li`).FilterFunction(func(_ int, li *goquery.Selection) bool {
		return strings.Contains(li.Text(), ka.public.Title)
	})
	require.Equal(t, 1, public.Length())
	assert.Contains(t, public.Find(`[data-testid="kb-insert-text"]`).AttrOr("data-kb-insert", ""), "Cómo descargar la factura",
		"a public article offers its Markdown, loaded with the search")
}

// TestKBDraftFromTicket: a solved ticket becomes a draft without the
// requester's name, email or phone.
func TestKBDraftFromTicket(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	e.kbSeed(a)
	ctx := context.Background()
	tk, err := e.svc.OpenTicket(ctx, a.customer.Actor(), helpdesk.NewTicket{Subject: "No puedo descargar la factura", Channel: helpdesk.ChannelWeb,
		Description: "Hola, soy Customer alfa (customer@alfa.example, 600 123 456). La factura de marzo no baja."})
	require.NoError(t, err)
	_, err = e.svc.Reply(ctx, a.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number, Version: tk.Version},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Hola Customer, pulsa Descargar PDF en Mi cuenta → Facturación."}, Public: true, Status: helpdesk.StatusSolved})
	require.NoError(t, err)

	ag := e.client()
	ag.login(a, a.agent)
	n := strconv.FormatInt(int64(tk.Number), 10)
	res := ag.post(agentPath(a, "/kb/from-ticket/"+n), url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page := ag.get(res.header.Get("Location"))
	require.Equal(t, http.StatusOK, page.status)
	body := page.doc.Find(`[data-testid="kb-body"]`).Text()
	assert.Contains(t, body, "La factura de marzo no baja.")
	assert.Contains(t, body, "pulsa Descargar PDF")
	for _, secret := range []string{"Customer", "customer@alfa.example", "600 123 456", "alfa"} {
		assert.NotContains(t, body, secret)
	}
	assert.True(t, strings.Contains(page.doc.Find(`[data-testid="kb-state"]`).Text(), "Borrador"))
}
