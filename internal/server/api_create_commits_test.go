package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// One ticket through the API with an Idempotency-Key is one commit: the
// key's claim, the ticket and the stored answer share one transaction.
func TestAPICreationCommitsOnce(t *testing.T) {
	t.Parallel()
	e, counter := newCountingEnv(t)
	d := e.newDesk("demo")
	c := e.apiClient(e.apiToken(d, "Centralita", helpdesk.ScopeTicketsWrite, helpdesk.ScopeTicketsRead))
	body := `{"subject":"Llamada","description":"Transcripción","requester":{"email":"luis@example.com"},"channel":"phone",` +
		`"phone":{"caller_number":"+34600000000","duration_seconds":60}}`
	warm := c.call(http.MethodPost, apiBase(d)+"/tickets", strings.Replace(body, "Llamada", "Primera", 1), "Idempotency-Key", "calentar")
	require.Equal(t, http.StatusCreated, warm.status, string(warm.body))
	var res apiResponse
	n := counter.during(func() { res = c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "contar-1") })
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	logCounted(t, "API creation", n)
	assert.Equal(t, 1, commits(withoutTokenTouch(n)), "one commit per ticket")
	// Budgets (were 44 statements, 30 round trips, 16 of them holding the
	// desk's rows; then 40): see TestPortalCreationCommitsOnce; the call is
	// saved in the batch that reads the answer back.
	n = withoutNotify(n)
	assert.LessOrEqual(t, n.statements, 36, "statements")
	assert.LessOrEqual(t, n.trips, 17, "round trips")
	assert.LessOrEqual(t, held(n), 6, "round trips from the number to the commit")

	var again apiResponse
	replay := counter.during(func() { again = c.call(http.MethodPost, apiBase(d)+"/tickets", body, "Idempotency-Key", "contar-1") })
	logCounted(t, "API replay", replay)
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.Equal(t, string(res.body), string(again.body))
}

// withoutTokenTouch leaves out the token's last-use stamp, which writes
// once a minute per token and address, not once per request (right after
// the warm-up request it updates no row).
func withoutTokenTouch(n counted) counted {
	var log []string
	var at []int64
	for i, s := range n.log {
		if !strings.HasPrefix(s, "UPDATE api_tokens SET last_used_at") {
			log, at = append(log, s), append(at, n.at[i])
		}
	}
	n.log, n.at = log, at
	return n
}
