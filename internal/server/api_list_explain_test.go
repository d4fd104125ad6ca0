package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestExplainAPIList prints where PostgreSQL spends the time of one
// GET /tickets of the REST API (the first page, every status, by last
// update), statement by statement, as auto_explain measures it. A
// diagnostic, run by hand with ATIENDE_EXPLAIN_CREATE=1 and -v.
func TestExplainAPIList(t *testing.T) {
	e, d, collect := explainEnv(t)
	c := e.apiClient(e.apiToken(d, "Integración", helpdesk.ScopeTicketsRead))
	for i := range 60 {
		e.consoleOpen(d.customer, fmt.Sprintf("Caso %d", i))
	}
	list := func() {
		res := c.call(http.MethodGet, apiBase(d)+"/tickets", "")
		require.Equal(t, http.StatusOK, res.status, string(res.body))
	}
	for range 3 {
		list()
	}
	const runs = 20
	collect(runs, func() {
		for range runs {
			list()
		}
	})
}
