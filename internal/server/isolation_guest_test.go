package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The guest pages are public. "Send me my link again" is a page and a form
// like login. A tracking link's routes answer 404 to anything but a current
// token of their own tenant and change nothing, which the walk in
// TestEveryRouteIsIsolated checks with a placeholder token (publicForm:
// below 500, nothing of B changed or shown) and TestGuestLinksAreIsolated
// with real tokens of the other tenant. GET and POST /{tenant}/tickets/new
// are reclassified in portal_guest_test.go.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/track":                          publicPage,
		"POST /{tenant}/track":                         publicForm,
		"GET /{tenant}/track/{token}":                  publicForm,
		"GET /{tenant}/track/{token}/received":         publicForm,
		"POST /{tenant}/track/{token}/reply":           publicForm,
		"GET /{tenant}/track/{token}/attachments/{id}": publicForm,
		"GET /{tenant}/track/{token}/live":             publicForm,
	})
}

// TestGuestLinksAreIsolated uses each tenant's real tracking link at the
// other tenant: every route answers 404 and neither tenant changes.
func TestGuestLinksAreIsolated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	ctx := context.Background()
	c := e.client()
	tokens := map[string]string{"alfa": c.openAsGuest("alfa", guestFields("")), "beta": c.openAsGuest("beta", guestFields(""))}
	files := map[string]string{}
	for slug, d := range map[string]desk{"alfa": a, "beta": b} {
		_, err := e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: 1}, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{
			Body: "Adjunto de " + slug, Attachments: []helpdesk.NewAttachment{{Filename: "a.png", ContentType: "image/png", Data: pngBytes}},
		}, Public: true})
		require.NoError(t, err)
		href := c.get("/"+slug+"/track/"+tokens[slug]).doc.Find(`[data-testid="attachment-link"]`).AttrOr("href", "")
		files[slug] = href[strings.LastIndex(href, "/")+1:]
		_, err = strconv.ParseInt(files[slug], 10, 64)
		require.NoError(t, err, href)
	}
	beforeA, beforeB := snapshot(t, e, a), snapshot(t, e, b)
	for _, p := range []struct{ at, from string }{{"beta", "alfa"}, {"alfa", "beta"}} {
		tok := tokens[p.from]
		base := "/" + p.at + "/track/" + tok
		for _, path := range []string{base, base + "/received", base + "/live?v=1", base + "/attachments/" + files[p.from], base + "/attachments/" + files[p.at]} {
			res := c.get(path)
			assert.Equal(t, http.StatusNotFound, res.status, path)
			assert.NotContains(t, res.body, "Adjunto de")
		}
		res := c.do(http.MethodGet, base+"/live?v=1", nil, http.Header{"Hx-Request": {"true"}})
		assert.Equal(t, http.StatusNotFound, res.status)
		assert.NotContains(t, res.body, "Adjunto de")
		res = c.post(base+"/reply", url.Values{"version": {"2"}, "body": {"Hola"}})
		assert.Equal(t, http.StatusNotFound, res.status)
		res = c.postMultipart(base+"/reply", url.Values{"version": {"2"}, "body": {"Hola"}}, []upFile{{"a.png", pngBytes}})
		assert.Equal(t, http.StatusNotFound, res.status)
	}
	assert.Equal(t, beforeA, snapshot(t, e, a))
	assert.Equal(t, beforeB, snapshot(t, e, b))
	// Each link still works at home.
	assert.Equal(t, http.StatusOK, c.get("/alfa/track/"+tokens["alfa"]).status)
	assert.Equal(t, http.StatusOK, c.get("/beta/track/"+tokens["beta"]).status)
}
