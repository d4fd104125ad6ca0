package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// routeClass says how a route must behave when a user of tenant A calls it
// with tenant B's path.
type routeClass int

const (
	// global routes have no tenant in their path.
	global routeClass = iota + 1
	// publicPage is a page anyone may see; for A's user it must show B as
	// signed out and nothing private of B.
	publicPage
	// publicForm is an unsafe route anyone may call; an empty submission
	// must change nothing in B.
	publicForm
	// staffPage needs a staff session of B: A's session gets the login page.
	staffPage
	// customerPage needs a customer session of B: A's session gets the
	// login page, as for staffPage.
	customerPage
)

// routeClasses classifies every route. A route added to the router without
// a line here (or in an area's classify call) fails TestEveryRouteIsIsolated,
// so isolation is decided for each new route rather than forgotten.
var routeClasses = map[string]routeClass{
	"GET /healthz":          global,
	"GET /readyz":           global,
	"GET /robots.txt":       global,
	"GET /static/*":         global,
	"HEAD /static/*":        global,
	"GET /":                 global,
	"POST /":                global,
	"POST /lang":            global,
	"GET /{tenant}/":        publicPage,
	"GET /{tenant}/login":   publicPage,
	"GET /{tenant}/signup":  publicPage,
	"POST /{tenant}/login":  publicForm,
	"POST /{tenant}/logout": publicForm,
	"POST /{tenant}/signup": publicForm,
	"GET /{tenant}/agent/":  staffPage,
}

// classify adds an area's routes to routeClasses from its own test file's
// init; a route classified twice is a mistake.
func classify(m map[string]routeClass) {
	for k, v := range m {
		if _, dup := routeClasses[k]; dup {
			panic("route classified twice: " + k)
		}
		routeClasses[k] = v
	}
}

// snapshot fingerprints every row of tenant d in every tenant-owned table
// (any table with a tenant_id column), so tables added later are covered.
func snapshot(t *testing.T, e *env, d desk) string {
	t.Helper()
	ctx := context.Background()
	var out strings.Builder
	e.asTenant(d, func(tx pgx.Tx) {
		rows, err := tx.Query(ctx, `SELECT table_name FROM information_schema.columns
			WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`)
		require.NoError(t, err)
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		require.NotEmpty(t, tables)
		for _, table := range tables {
			var sum string
			q := `SELECT coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM ` +
				pgx.Identifier{table}.Sanitize() + ` x WHERE tenant_id = $1`
			require.NoError(t, tx.QueryRow(ctx, q, int64(d.tenant.ID)).Scan(&sum), table)
			out.WriteString(table + "=" + sum + ";")
		}
	})
	return out.String()
}

// fill replaces path parameters with tenant b's values.
func fill(pattern string, b desk) string {
	p := strings.ReplaceAll(pattern, "{tenant}", b.tenant.Slug)
	return strings.ReplaceAll(p, "/*", "/")
}

func TestEveryRouteIsIsolated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	// What must never show to A's users on B's routes: B's people.
	secretsOfB := []string{b.admin.Name, b.admin.Email, b.agent.Name, b.agent.Email, b.customer.Name, b.customer.Email}

	type route struct{ method, pattern string }
	var routes []route
	err := chi.Walk(e.srv.Router(), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, route{method, pattern})
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, routes)

	for _, who := range []struct {
		name string
		user func() *client
	}{
		{"admin", func() *client { c := e.client(); c.login(a, a.admin); return c }},
		{"agent", func() *client { c := e.client(); c.login(a, a.agent); return c }},
		{"customer", func() *client { c := e.client(); c.login(a, a.customer); return c }},
	} {
		// One sign-in per role: a sign-in per route would run into the
		// login rate limits (per account and per IP) once there are more
		// than a handful of tenant routes.
		c := who.user()
		for _, rt := range routes {
			key := rt.method + " " + rt.pattern
			class, ok := routeClasses[key]
			if !assert.True(t, ok, "route %q is not classified in routeClasses", key) || class == global {
				continue
			}
			t.Run(who.name+" "+key, func(t *testing.T) {
				before := snapshot(t, e, b)
				path := fill(rt.pattern, b)
				var res response
				if rt.method == http.MethodGet {
					res = c.get(path)
				} else {
					res = c.do(rt.method, path, url.Values{}, nil)
				}
				for _, s := range secretsOfB {
					assert.NotContains(t, res.body, s, "B's data leaked")
				}
				assert.Zero(t, res.doc.Find(`[data-testid="user-name"]`).Length(), "A's session must not count as signed in at B")
				switch class {
				case publicPage:
					assert.Equal(t, http.StatusOK, res.status)
				case publicForm:
					assert.Less(t, res.status, 500)
				case staffPage, customerPage:
					assert.Equal(t, http.StatusSeeOther, res.status)
					assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/beta/login"), res.header.Get("Location"))
				}
				assert.Equal(t, before, snapshot(t, e, b), "B's data changed")
				// A's session still works for A afterwards.
				if who.name != "customer" {
					assert.Equal(t, http.StatusOK, c.get("/alfa/agent/").status)
				}
			})
		}
	}
}
