package server_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/netguard"
)

// The webhook pages are admin pages: a staff session of the desk.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/admin/webhooks":                                    staffPage,
		"POST /{tenant}/admin/webhooks":                                   staffPage,
		"GET /{tenant}/admin/webhooks/{id}":                               staffPage,
		"POST /{tenant}/admin/webhooks/{id}":                              staffPage,
		"POST /{tenant}/admin/webhooks/{id}/test":                         staffPage,
		"POST /{tenant}/admin/webhooks/{id}/rotate":                       staffPage,
		"POST /{tenant}/admin/webhooks/{id}/delete":                       staffPage,
		"POST /{tenant}/admin/webhooks/{id}/deliveries/{delivery}/resend": staffPage,
	})
}

func loopbackReceiver(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte("recibido"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// An admin subscribes a local receiver, sends a test event and sees the
// signed delivery in the log; another desk's admin finds none of it.
func TestWebhookAdminPagesAndIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, helpdesk.WithWebhooks(jobs.NewHTTPSender(true), netguard.CheckHost(true)))
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	rc := loopbackReceiver(t)
	admin := e.adminClient(b)
	bad := admin.post("/beta/admin/webhooks", url.Values{"url": {"ftp://x"}, "active": {"on"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.NotEmpty(t, text(bad, `[data-testid="error-events"]`))
	res := admin.post("/beta/admin/webhooks", url.Values{"url": {rc.URL + "/hook"}, "events": {"ticket.created"}, "active": {"on"}})
	require.Equal(t, http.StatusCreated, res.status, res.body)
	require.NotEmpty(t, text(res, `[data-testid="webhook-secret"]`))
	hooks, err := e.svc.Webhooks(context.Background(), b.admin.Actor())
	require.NoError(t, err)
	require.Len(t, hooks, 1)
	id := strconv.FormatInt(int64(hooks[0].ID), 10)
	require.Equal(t, http.StatusSeeOther, admin.post("/beta/admin/webhooks/"+id+"/test", nil).status)
	_, err = e.svc.DeliverWebhooks(context.Background(), b.tenant.ID, hooks[0].ID)
	require.NoError(t, err)
	page := admin.get("/beta/admin/webhooks/" + id)
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "delivered", page.doc.Find(`[data-testid="webhook-delivery"]`).AttrOr("data-state", ""))
	assert.Equal(t, "200", text(page, `[data-testid="delivery-status"]`))
	assert.Contains(t, page.body, "recibido")

	before := snapshot(t, e, b)
	other := e.adminClient(a)
	for _, p := range []string{"", "/test", "/rotate", "/delete", "/deliveries/1/resend"} {
		if p == "" {
			assert.Equal(t, http.StatusNotFound, other.get("/alfa/admin/webhooks/"+id).status)
		}
		assert.Equal(t, http.StatusNotFound, other.post("/alfa/admin/webhooks/"+id+p, url.Values{"url": {"https://example.com"},
			"events": {"ticket.created"}}).status, p)
	}
	assert.Equal(t, before, snapshot(t, e, b), "B's data changed")
	hooksA, err := e.svc.Webhooks(context.Background(), a.admin.Actor())
	require.NoError(t, err)
	assert.Empty(t, hooksA)
}
