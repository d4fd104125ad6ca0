package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// landingClaim is a feature the landing page may promise, and the route
// prefix whose presence makes the promise true. The page reads the route
// table on every visit, so a build promises exactly what it serves.
type landingClaim struct {
	Key    string // the feature's message key
	Prefix string // a route pattern prefix that serves it
}

// optionalClaims are the landing page's conditional promises, in page
// order. The fixed ones (portal, console, SLA, channels, automation) are
// served by every build.
var optionalClaims = []landingClaim{
	{Key: "landing.feature.api", Prefix: "/{tenant}/api/v1/"},
	{Key: "landing.feature.reports", Prefix: "/{tenant}/agent/reports"},
	{Key: "landing.feature.kb", Prefix: "/{tenant}/help"},
}

// servedClaims returns the message keys of optionalClaims whose routes
// exist in rt.
func servedClaims(rt chi.Routes) []string {
	served := map[string]bool{}
	_ = chi.Walk(rt, func(_, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		for _, c := range optionalClaims {
			if strings.HasPrefix(pattern, c.Prefix) {
				served[c.Key] = true
			}
		}
		return nil
	})
	var out []string
	for _, c := range optionalClaims {
		if served[c.Key] {
			out = append(out, c.Key)
		}
	}
	return out
}
