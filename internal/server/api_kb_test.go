package server_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// A chatbot reads the knowledge base: published articles of every
// audience its staff identity reads, never a draft, by id, help-centre
// reference or slug, and searched.
func TestAPIReadsTheKnowledgeBase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	kb := e.kbSeed(d)
	c := e.apiClient(e.apiToken(d, "Chatbot", helpdesk.ScopeKBRead))
	titles := func(res apiResponse) []string {
		var out []string
		for _, a := range res.json(t)["data"].([]any) {
			out = append(out, a.(map[string]any)["title"].(string))
		}
		return out
	}
	list := c.call(http.MethodGet, apiBase(d)+"/kb/articles?language=es", nil)
	require.Equal(t, http.StatusOK, list.status, string(list.body))
	assert.ElementsMatch(t, []string{kb.public.Title, kb.customers.Title, kb.internal.Title}, titles(list))

	found := c.call(http.MethodGet, apiBase(d)+"/kb/articles?q=factura+PDF&limit=2", nil)
	require.Equal(t, http.StatusOK, found.status, string(found.body))
	hits := found.json(t)["data"].([]any)
	require.Len(t, hits, 2)
	assert.NotEmpty(t, hits[0].(map[string]any)["snippet"])
	assert.NotContains(t, titles(found), kb.draft.Title)

	id := strconv.FormatInt(int64(kb.public.ID), 10)
	for _, ref := range []string{id, id + "-" + kb.public.Slug, kb.public.Slug} {
		one := c.call(http.MethodGet, apiBase(d)+"/kb/articles/"+ref, nil)
		require.Equal(t, http.StatusOK, one.status, ref+": "+string(one.body))
		a := one.json(t)
		assert.Equal(t, kb.public.Title, a["title"], ref)
		assert.Contains(t, a["body"], "factura en PDF", ref)
		assert.Equal(t, "/demo/help/articles/"+id+"-"+kb.public.Slug, a["url"], ref)
	}
	internal := c.call(http.MethodGet, apiBase(d)+"/kb/articles/"+strconv.FormatInt(int64(kb.internal.ID), 10), nil)
	require.Equal(t, http.StatusOK, internal.status)
	assert.NotContains(t, internal.json(t), "url", "the help centre never shows an internal article")
	for _, ref := range []string{strconv.FormatInt(int64(kb.draft.ID), 10), kb.draft.Slug, "no-existe", "999999"} {
		assert.Equal(t, http.StatusNotFound, c.call(http.MethodGet, apiBase(d)+"/kb/articles/"+ref, nil).status, ref)
	}
	bad := c.call(http.MethodGet, apiBase(d)+"/kb/articles?language=fr", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)

	// An archived category takes its articles out of the API too.
	_, err := e.svc.SaveKBCategory(context.Background(), d.admin.Actor(), kb.public.Category,
		helpdesk.KBCategoryInput{Name: "Facturación demo", Archived: true})
	require.NoError(t, err)
	assert.Empty(t, c.call(http.MethodGet, apiBase(d)+"/kb/articles", nil).json(t)["data"])
	assert.Empty(t, c.call(http.MethodGet, apiBase(d)+"/kb/articles?q=factura", nil).json(t)["data"])
	assert.Equal(t, http.StatusNotFound, c.call(http.MethodGet, apiBase(d)+"/kb/articles/"+id, nil).status)
}

// A BI tool reads the overview: the same figures as the reports page.
func TestAPIReadsTheReportsOverview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	tk := e.consoleOpen(d.customer, "Uno")
	e.assignTo(d.agent, tk.Number)
	_, err := e.svc.Reply(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Hecho"}, Public: true, Status: helpdesk.StatusSolved})
	require.NoError(t, err)
	e.consoleOpen(d.customer, "Dos")
	c := e.apiClient(e.apiToken(d, "BI", helpdesk.ScopeReportsRead))

	res := c.call(http.MethodGet, apiBase(d)+"/reports/overview", nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	ov := res.json(t)
	cur := ov["current"].(map[string]any)
	assert.EqualValues(t, 2, cur["created"])
	assert.EqualValues(t, 1, cur["solved"])
	assert.EqualValues(t, 1, cur["one_touch"])
	assert.Nil(t, cur["csat"], "no ratings yet")
	assert.Len(t, ov["series"], 30)
	assert.EqualValues(t, 0, ov["previous"].(map[string]any)["created"])

	loc := time.UTC
	if d.tenant.TimeZone != "" {
		loc, err = time.LoadLocation(d.tenant.TimeZone)
		require.NoError(t, err)
	}
	today := time.Now().In(loc).Format("2006-01-02")
	day := c.call(http.MethodGet, apiBase(d)+"/reports/overview?from="+today+"&to="+today+"&channel=web", nil)
	require.Equal(t, http.StatusOK, day.status, string(day.body))
	assert.Len(t, day.json(t)["series"], 1)

	for _, q := range []string{"from=2025-13-01&to=2025-01-01", "from=2025-01-01", "group=x", "priority=alta"} {
		bad := c.call(http.MethodGet, apiBase(d)+"/reports/overview?"+q, nil)
		assert.Equal(t, http.StatusUnprocessableEntity, bad.status, q)
	}
}
