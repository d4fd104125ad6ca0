package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// apiRoute is a route of the JSON API: a bearer token of the desk, never a
// session, opens it. With A's session cookie and no token it answers 401
// and changes nothing (the generic walk checks that); with tokens, see
// TestAPIRoutesAreIsolated.
const apiRoute routeClass = 100

func init() {
	m := map[string]routeClass{
		"GET /{tenant}/admin/api":              staffPage,
		"POST /{tenant}/admin/api":             staffPage,
		"POST /{tenant}/admin/api/{id}/revoke": staffPage,
		"GET /{tenant}/api/v1/openapi.json":    publicPage,
		"GET /{tenant}/api/v1/docs":            publicPage,
	}
	for _, r := range apiRoutes {
		m[r] = apiRoute
	}
	classify(m)
}

// apiRoutes are the API's authenticated routes.
var apiRoutes = []string{
	"GET /{tenant}/api/v1/tickets", "POST /{tenant}/api/v1/tickets", "GET /{tenant}/api/v1/tickets/search",
	"GET /{tenant}/api/v1/tickets/{number}", "PATCH /{tenant}/api/v1/tickets/{number}",
	"POST /{tenant}/api/v1/tickets/{number}/merge", "POST /{tenant}/api/v1/tickets/{number}/links",
	"GET /{tenant}/api/v1/tickets/{number}/comments", "POST /{tenant}/api/v1/tickets/{number}/comments",
	"GET /{tenant}/api/v1/customers", "POST /{tenant}/api/v1/customers",
	"GET /{tenant}/api/v1/customers/{id}", "PATCH /{tenant}/api/v1/customers/{id}",
	"GET /{tenant}/api/v1/organisations", "POST /{tenant}/api/v1/organisations",
	"GET /{tenant}/api/v1/organisations/{id}", "PATCH /{tenant}/api/v1/organisations/{id}",
	"GET /{tenant}/api/v1/agents", "GET /{tenant}/api/v1/groups", "GET /{tenant}/api/v1/categories",
	"GET /{tenant}/api/v1/custom-fields",
	"GET /{tenant}/api/v1/webhooks", "POST /{tenant}/api/v1/webhooks", "GET /{tenant}/api/v1/webhooks/{id}",
	"PATCH /{tenant}/api/v1/webhooks/{id}", "POST /{tenant}/api/v1/webhooks/{id}/test",
	"GET /{tenant}/api/v1/kb/articles", "GET /{tenant}/api/v1/kb/articles/{ref}", "GET /{tenant}/api/v1/reports/overview",
}

// apiBodies are bodies that would act if the route let them through.
var apiBodies = map[string]string{
	"POST /{tenant}/api/v1/tickets":                   `{"subject":"Robado","description":"x","requester":{"email":"intruso@example.com"}}`,
	"PATCH /{tenant}/api/v1/tickets/{number}":         `{"priority":"urgent","status":"solved"}`,
	"POST /{tenant}/api/v1/tickets/{number}/merge":    `{"into":1}`,
	"POST /{tenant}/api/v1/tickets/{number}/links":    `{"number":1}`,
	"POST /{tenant}/api/v1/tickets/{number}/comments": `{"body":"intruso","public":true}`,
	"POST /{tenant}/api/v1/customers":                 `{"name":"Intruso","email":"intruso2@example.com"}`,
	"PATCH /{tenant}/api/v1/customers/{id}":           `{"name":"Robado"}`,
	"POST /{tenant}/api/v1/organisations":             `{"name":"Robada"}`,
	"PATCH /{tenant}/api/v1/organisations/{id}":       `{"name":"Robada"}`,
	"POST /{tenant}/api/v1/webhooks":                  `{"url":"https://example.com/robado","events":["ticket.created"]}`,
	"PATCH /{tenant}/api/v1/webhooks/{id}":            `{"url":"https://example.com/robado"}`,
}

func bodyFor(key string) any {
	if b, ok := apiBodies[key]; ok {
		return b
	}
	return nil
}

// TestEveryAPIRouteIsDocumented walks the router: every API route must be
// an operation of the OpenAPI document, with its scope.
func TestEveryAPIRouteIsDocumented(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	doc, err := apiSpec()
	require.NoError(t, err)
	n := 0
	err = chi.Walk(e.srv.Router(), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		rest, ok := strings.CutPrefix(pattern, "/{tenant}/api/v1")
		if !ok {
			return nil
		}
		n++
		item := doc.Paths.Value(rest)
		if assert.NotNil(t, item, "%s %s is missing from api_openapi.json", method, pattern) {
			assert.NotNil(t, item.GetOperation(method), "%s %s is missing from api_openapi.json", method, pattern)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, len(apiRoutes)+2, n, "apiRoutes lists every authenticated API route")
}

// routeScope is the scope the document names for a route.
func routeScope(t *testing.T, method, pattern string) helpdesk.APIScope {
	doc, err := apiSpec()
	require.NoError(t, err)
	op := doc.Paths.Value(strings.TrimPrefix(pattern, "/{tenant}/api/v1")).GetOperation(method)
	require.NotNil(t, op, pattern)
	s, _ := op.Extensions["x-scope"].(string)
	require.NotEmpty(t, s, pattern)
	return helpdesk.APIScope(s)
}

func allScopes() []helpdesk.APIScope { return helpdesk.APIScopes() }

// A's token on B's paths is unknown there (401); on A's paths with B's
// ids it finds nothing (404). Either way nothing of B changes.
func TestAPIRoutesAreIsolated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		e.consoleOpen(b.customer, "Ticket de beta "+strconv.Itoa(i))
	}
	org, err := e.svc.SaveOrganisation(ctx, b.admin.Actor(), 0, helpdesk.OrganisationInput{Name: "Beta SA"})
	require.NoError(t, err)
	hook, _, err := e.svc.CreateWebhook(ctx, b.admin.Actor(), helpdesk.WebhookInput{URL: "https://example.com/beta",
		Events: []string{helpdesk.HookTicketCreated}, Active: true})
	require.NoError(t, err)
	kb := e.kbSeed(b)
	tokenA := e.apiClient(e.apiToken(a, "Intrusa", allScopes()...))
	before := snapshot(t, e, b)
	for _, key := range apiRoutes {
		method, pattern, _ := strings.Cut(key, " ")
		id := strconv.FormatInt(int64(b.customer.ID), 10)
		if strings.Contains(pattern, "/organisations/") {
			id = strconv.FormatInt(int64(org.ID), 10)
		}
		if strings.Contains(pattern, "/webhooks/") {
			id = strconv.FormatInt(int64(hook.ID), 10)
		}
		fill := func(d desk) string {
			p := strings.ReplaceAll(pattern, "{tenant}", d.tenant.Slug)
			p = strings.ReplaceAll(p, "{number}", "3")
			p = strings.ReplaceAll(p, "{ref}", strconv.FormatInt(int64(kb.public.ID), 10))
			return strings.ReplaceAll(p, "{id}", id)
		}
		body := bodyFor(key)
		res := tokenA.call(method, fill(b), body, "If-Match", `"1"`)
		assert.Equal(t, http.StatusUnauthorized, res.status, "A's token on B: %s", key)
		if strings.Contains(pattern, "{") && strings.Count(pattern, "{") > 1 {
			res = tokenA.call(method, fill(a), body, "If-Match", `"1"`)
			assert.Equal(t, http.StatusNotFound, res.status, "B's ids on A: %s: %s", key, res.body)
		}
		for _, s := range []string{b.customer.Email, b.admin.Email, "Ticket de beta", kb.public.Title, kb.internal.Title} {
			assert.NotContains(t, string(res.body), s, key)
		}
	}
	// A's requester given as B's customer is refused on the field.
	res := tokenA.call(http.MethodPost, apiBase(a)+"/tickets", map[string]any{"subject": "x", "description": "x",
		"requester": map[string]any{"id": b.customer.ID}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, before, snapshot(t, e, b), "B's data changed")
}

// Every endpoint × every scope: a token without the endpoint's scope gets
// 403; one with only that scope gets past the scope check.
func TestAPIScopesAreEnforcedPerEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	tk := e.consoleOpen(d.customer, "Con permisos")
	num := strconv.FormatInt(int64(tk.Number), 10)
	id := strconv.FormatInt(int64(d.customer.ID), 10)
	without, only := map[helpdesk.APIScope]*apiClient{}, map[helpdesk.APIScope]*apiClient{}
	for _, s := range allScopes() {
		var rest []helpdesk.APIScope
		for _, o := range allScopes() {
			if o != s {
				rest = append(rest, o)
			}
		}
		without[s] = e.apiClient(e.apiToken(d, "Sin "+string(s), rest...))
		only[s] = e.apiClient(e.apiToken(d, "Solo "+string(s), s))
	}
	for _, key := range apiRoutes {
		method, pattern, _ := strings.Cut(key, " ")
		scope := routeScope(t, method, pattern)
		p := strings.NewReplacer("{tenant}", "alfa", "{number}", num, "{id}", id, "{ref}", id).Replace(pattern)
		for _, s := range allScopes() {
			c := only[s]
			res := c.call(method, p, bodyFor(key), "If-Match", `"999"`)
			if s == scope {
				assert.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, res.status, "%s with %s: %s", key, s, res.body)
			} else {
				assert.Equal(t, http.StatusForbidden, res.status, "%s with only %s", key, s)
			}
		}
		res := without[scope].call(method, p, bodyFor(key), "If-Match", `"999"`)
		assert.Equal(t, http.StatusForbidden, res.status, "%s without %s", key, scope)
	}
}
