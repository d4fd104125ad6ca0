package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func (e *env) ticketCount(d desk) int {
	e.t.Helper()
	var n int
	e.asTenant(d, func(tx pgx.Tx) {
		require.NoError(e.t, tx.QueryRow(context.Background(), `SELECT count(*) FROM tickets WHERE tenant_id = $1`, int64(d.tenant.ID)).Scan(&n))
	})
	return n
}

// Twenty clients retry one request at once with one key: one ticket, and
// every answer is the first one.
func TestAPIIdempotencyKeyMakesOneTicket(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	c := e.apiClient(e.apiToken(d, "Chatbot", helpdesk.ScopeTicketsWrite, helpdesk.ScopeTicketsRead))
	body := `{"subject":"Chat: pedido","description":"Transcripción…","requester":{"email":"luis@example.com"},"channel":"chat"}`
	var wg sync.WaitGroup
	res := make([]apiResponse, 20)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "7f1c-pedido")
		}()
	}
	wg.Wait()
	for _, r := range res {
		require.Equal(t, http.StatusCreated, r.status, string(r.body))
		assert.JSONEq(t, string(res[0].body), string(r.body))
	}
	assert.Equal(t, 1, e.ticketCount(d))
	// A later retry (after a timeout, say) gets the same body, marked.
	again := c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "7f1c-pedido")
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.JSONEq(t, string(res[0].body), string(again.body))
	// The same key for another request is refused; a new key acts.
	other := c.call(http.MethodPost, apiBase(d)+"/tickets", strings.Replace(body, "pedido", "otro", 1), "Idempotency-Key", "7f1c-pedido")
	assert.Equal(t, http.StatusUnprocessableEntity, other.status)
	assert.Equal(t, "idempotency_key_reused", other.json(t)["code"])
	assert.Equal(t, http.StatusCreated, c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "otra").status)
	assert.Equal(t, 2, e.ticketCount(d))
	bad := c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "con espacio")
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
}

func TestAPIRateLimitAnswers429WithRetryAfter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	_, secret, err := e.svc.CreateAPIToken(context.Background(), d.admin.Actor(), helpdesk.APITokenInput{
		Name: "Lento", Scopes: []string{"tickets:read"}, ActingAs: "integration", Language: "es", RatePerMin: "2"})
	require.NoError(t, err)
	c := e.apiClient(secret)
	first := c.call(http.MethodGet, apiBase(d)+"/categories", nil)
	require.Equal(t, http.StatusOK, first.status)
	assert.Equal(t, "2", first.header.Get("RateLimit-Limit"))
	assert.Equal(t, "1", first.header.Get("RateLimit-Remaining"))
	c.call(http.MethodGet, apiBase(d)+"/categories", nil)
	limited := c.call(http.MethodGet, apiBase(d)+"/categories", nil)
	if limited.status == http.StatusOK { // the minute turned between calls
		limited = c.call(http.MethodGet, apiBase(d)+"/categories", nil)
		limited = c.call(http.MethodGet, apiBase(d)+"/categories", nil)
	}
	require.Equal(t, http.StatusTooManyRequests, limited.status)
	assert.NotEmpty(t, limited.header.Get("Retry-After"))
	assert.Contains(t, limited.json(t)["title"], "Demasiadas peticiones", "the token's language")
}

// An admin creates a token on the page: the secret shows once and is
// stored only as a hash; using it records the instant and address;
// revoking ends it. Both are in the audit log.
func TestAPIAdminPageCreatesAndRevokesTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	admin := e.adminClient(d)
	page := admin.get("/demo/admin/api")
	require.Equal(t, http.StatusOK, page.status)
	bad := admin.post("/demo/admin/api", url.Values{"name": {"CRM"}, "acting_as": {"integration"}, "language": {"es"}})
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Equal(t, "CRM", bad.doc.Find("#name").AttrOr("value", ""), "the form keeps what was typed")
	res := admin.post("/demo/admin/api", url.Values{"name": {"CRM"}, "scopes": {"tickets:read", "tickets:write"},
		"acting_as": {"integration"}, "language": {"en"}, "rate": {"100"}})
	require.Equal(t, http.StatusCreated, res.status, res.body)
	secret := text(res, `[data-testid="api-token-secret"]`)
	require.True(t, strings.HasPrefix(secret, helpdesk.APITokenPrefix), secret)
	var stored int
	e.asTenant(d, func(tx pgx.Tx) {
		require.NoError(t, tx.QueryRow(context.Background(), `SELECT count(*) FROM api_tokens WHERE secret_hash::text LIKE '%' || $1 || '%' OR hint = $1`, secret).Scan(&stored))
	})
	assert.Zero(t, stored, "the secret is not stored")
	assert.Zero(t, admin.get("/demo/admin/api").doc.Find(`[data-testid="api-token-secret"]`).Length(), "shown once")

	c := e.apiClient(secret)
	assert.Equal(t, http.StatusOK, c.call(http.MethodGet, apiBase(d)+"/tickets", nil).status)
	list := admin.get("/demo/admin/api")
	assert.Contains(t, text(list, `[data-testid="api-token-last-used"]`), "127.0.0.1")
	id := list.doc.Find(`[data-testid="api-token"]`).AttrOr("data-id", "")
	rv := admin.post("/demo/admin/api/"+id+"/revoke", nil)
	require.Equal(t, http.StatusSeeOther, rv.status)
	assert.Equal(t, http.StatusUnauthorized, c.call(http.MethodGet, apiBase(d)+"/tickets", nil).status)
	assert.NotContains(t, admin.get("/demo/admin/people").body, "@api.invalid", "integration identities are not people")
	audit := admin.get("/demo/admin/audit")
	assert.Contains(t, audit.body, "api_token.create")
	assert.Contains(t, audit.body, "api_token.revoke")
	// An agent does not see the page.
	agent := e.client()
	agent.login(d, d.agent)
	assert.Equal(t, http.StatusNotFound, agent.get("/demo/admin/api").status)
}

// A client that gives up waiting (its timeout) and retries with the same
// key gets one ticket and, from then on, the same body: whether the first
// request finished after the client left (its answer kept) or was cut
// short (its key released for the retry to run).
func TestAPIRetryAfterTimeoutReturnsTheSameBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	e.consoleOpen(d.customer, "El primero")
	c := e.apiClient(e.apiToken(d, "Chatbot", helpdesk.ScopeTicketsWrite))
	body := `{"subject":"Chat: sin conexión","description":"Transcripción…","requester":{"email":"luis@example.com"}}`
	e.asTenant(d, func(tx pgx.Tx) {
		// Hold back every insert of a ticket: the first request waits
		// past the client's patience.
		_, err := tx.Exec(context.Background(), `LOCK TABLE tickets IN SHARE MODE`)
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, e.url+apiBase(d)+"/tickets", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "espera-1")
		impatient := &http.Client{Timeout: 300 * time.Millisecond}
		_, err = impatient.Do(req)
		require.Error(t, err, "the client times out")
	})
	var first apiResponse
	require.Eventually(t, func() bool {
		first = c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "espera-1")
		return first.status != http.StatusConflict // 409 while the first is still running
	}, 20*time.Second, 50*time.Millisecond)
	require.Equal(t, http.StatusCreated, first.status, string(first.body))
	again := c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "espera-1")
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.Equal(t, string(first.body), string(again.body), "byte for byte")
	assert.Equal(t, 2, e.ticketCount(d), "the first ticket and one from the API")
}
