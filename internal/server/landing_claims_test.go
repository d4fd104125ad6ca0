package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/i18n"
)

// The landing page promises only what the route table serves: every fixed
// claim has its routes, and each optional one (the API, reports, the
// knowledge base) appears exactly when its routes exist. Another branch
// adding /{tenant}/api/v1 turns the API claim on with no edit here.
func TestLandingClaimsMatchTheRouteTable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var patterns []string
	require.NoError(t, chi.Walk(e.srv.Router(), func(_, p string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		patterns = append(patterns, p)
		return nil
	}))
	has := func(prefix string) bool {
		for _, p := range patterns {
			if strings.HasPrefix(p, prefix) {
				return true
			}
		}
		return false
	}
	// The fixed claims: portal, console, SLA, email and portal channels, automation.
	for _, prefix := range []string{"/{tenant}/tickets", "/{tenant}/agent/", "/{tenant}/admin/sla", "/{tenant}/admin/email", "/{tenant}/admin/automation"} {
		assert.True(t, has(prefix), "the landing page promises what %s serves", prefix)
	}
	for _, l := range i18n.Supported {
		// The language is the visitor's choice (the switch's cookie).
		page := e.client().do(http.MethodGet, "/", nil, http.Header{"Cookie": {"atiende_lang=" + l.String()}})
		require.Equal(t, http.StatusOK, page.status)
		hero := text(page, `[data-testid="landing-hero"]`)
		for _, claim := range []struct{ key, prefix string }{
			{"landing.feature.api", "/{tenant}/api/v1/"},
			{"landing.feature.reports", "/{tenant}/agent/reports"},
			{"landing.feature.kb", "/{tenant}/help"},
		} {
			assert.Equal(t, has(claim.prefix), strings.Contains(hero, l.T(claim.key)), "%s: %s shown iff %s is served", l, claim.key, claim.prefix)
		}
		if !has("/{tenant}/api/v1/") {
			assert.NotContains(t, hero, "API", "%s: no API is served, none is promised", l)
		}
	}
}
