package server_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// A phone system opens a ticket for a new caller: the requester is
// created, the call is kept, and history names the integration.
func TestAPIOpensPhoneTicketAndReadsItBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	c := e.apiClient(e.apiToken(d, "Centralita", helpdesk.ScopeTicketsRead, helpdesk.ScopeTicketsWrite))
	agentID := strconv.FormatInt(int64(d.agent.ID), 10)
	res := c.call(http.MethodPost, apiBase(d)+"/tickets", `{"subject": "Llamada: no funciona el router",
		"description": "El cliente llama: sin conexión desde las 9.",
		"requester": {"email": "ana@example.com", "name": "Ana Pérez"}, "channel": "phone", "urgency": "high",
		"tags": ["router"], "tenant_id": 999,
		"phone": {"caller_number": "+34 600 000 000", "duration_seconds": 240, "call_start": "2026-01-05T09:00:00Z", "agent_id": `+agentID+`}}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	tk := res.json(t)
	assert.Equal(t, "phone", tk["channel"])
	assert.Equal(t, "new", tk["status"])
	assert.Equal(t, "Ana Pérez", tk["requester"].(map[string]any)["name"])
	phone := tk["phone"].(map[string]any)
	assert.Equal(t, "+34 600 000 000", phone["caller_number"])
	assert.EqualValues(t, 240, phone["duration_seconds"])
	assert.Equal(t, "Agent demo", phone["agent"].(map[string]any)["name"])
	n := strconv.Itoa(int(tk["number"].(float64)))
	assert.Equal(t, "/demo/api/v1/tickets/"+n, res.header.Get("Location"))

	got := c.call(http.MethodGet, apiBase(d)+"/tickets/"+n, nil)
	require.Equal(t, http.StatusOK, got.status)
	full := got.json(t)
	require.NotEmpty(t, full["comments"])
	require.NotEmpty(t, full["events"])
	ev := full["events"].([]any)[0].(map[string]any)
	assert.Equal(t, "Centralita", ev["actor"].(map[string]any)["name"], "history names the integration")
	assert.Equal(t, `"1"`, got.header.Get("ETag"))

	// The console shows the call and the integration.
	admin := e.adminClient(d)
	page := admin.get("/demo/agent/tickets/" + n)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "Centralita")
	assert.Equal(t, "+34 600 000 000", text(page, `[data-testid="call-caller"]`))
	assert.Equal(t, "4 min 0 s", text(page, `[data-testid="call-duration"]`))
	assert.Equal(t, "Agent demo", text(page, `[data-testid="call-agent"]`))

	list := c.call(http.MethodGet, apiBase(d)+"/tickets?channel=phone&limit=1", nil)
	require.Equal(t, http.StatusOK, list.status)
	assert.Len(t, list.json(t)["data"], 1)
	found := c.call(http.MethodGet, apiBase(d)+"/tickets/search?q=router", nil)
	require.Equal(t, http.StatusOK, found.status)
	assert.Equal(t, false, found.json(t)["bounded"], "a word of a small desk is ranked over every match")
}

func TestAPIUpdatesWithIfMatchAndAnswersProblems(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	c := e.apiClient(e.apiToken(d, "CRM", helpdesk.ScopeTicketsRead, helpdesk.ScopeTicketsWrite))
	res := c.call(http.MethodPost, apiBase(d)+"/tickets", map[string]any{"subject": "Factura", "description": "Hola",
		"requester": map[string]any{"id": d.customer.ID}})
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	n := strconv.Itoa(int(res.json(t)["number"].(float64)))
	path := apiBase(d) + "/tickets/" + n

	assert.Equal(t, http.StatusPreconditionRequired, c.call(http.MethodPatch, path, `{"priority":"high"}`).status)
	agent := strconv.FormatInt(int64(d.agent.ID), 10)
	up := c.call(http.MethodPatch, path, `{"priority":"high","assignee_id":`+agent+`,"status":"pending","add_tags":["vip"]}`, "If-Match", `"1"`)
	require.Equal(t, http.StatusOK, up.status, string(up.body))
	tk := up.json(t)
	assert.Equal(t, "high", tk["priority"])
	assert.Equal(t, "pending", tk["status"])
	assert.Equal(t, "Agent demo", tk["assignee"].(map[string]any)["name"])
	assert.Equal(t, float64(2), tk["version"], "four members, one update")
	assert.Equal(t, `"2"`, up.header.Get("ETag"))
	stale := c.call(http.MethodPatch, path, `{"priority":"low"}`, "If-Match", `"1"`)
	assert.Equal(t, http.StatusConflict, stale.status)
	assert.Equal(t, "stale_version", stale.json(t)["code"])

	bad := c.call(http.MethodPost, apiBase(d)+"/tickets", `{"subject": "", "requester": {"email": "no-es-correo"}}`)
	require.Equal(t, http.StatusUnprocessableEntity, bad.status)
	p := bad.json(t)
	assert.Equal(t, "validation", p["code"])
	assert.NotEmpty(t, p["errors"])
	assert.Equal(t, "application/problem+json", bad.header.Get("Content-Type"))

	com := c.call(http.MethodPost, path+"/comments", `{"body":"Revisado","public":false}`)
	require.Equal(t, http.StatusCreated, com.status, string(com.body))
	relay := c.call(http.MethodPost, path+"/comments", `{"body":"Sigo sin factura","public":true,"as_requester":true,"channel":"chat"}`)
	require.Equal(t, http.StatusCreated, relay.status, string(relay.body))
	cl := c.call(http.MethodGet, path+"/comments", nil)
	data := cl.json(t)["data"].([]any)
	require.Len(t, data, 3)
	last := data[2].(map[string]any)
	assert.Equal(t, "customer", last["author"].(map[string]any)["kind"], "a relayed message is the requester's")
	assert.Equal(t, d.customer.Name, last["author"].(map[string]any)["name"])

	assert.Equal(t, http.StatusUnauthorized, e.apiClient("").call(http.MethodGet, apiBase(d)+"/tickets", nil).status)
	assert.Equal(t, http.StatusUnauthorized, e.apiClient("atd_nope").call(http.MethodGet, apiBase(d)+"/tickets", nil).status)
	ro := e.apiClient(e.apiToken(d, "Lector", helpdesk.ScopeTicketsRead))
	forb := ro.call(http.MethodPatch, path, `{"priority":"low"}`, "If-Match", `"9"`)
	assert.Equal(t, http.StatusForbidden, forb.status)
	assert.Equal(t, "insufficient_scope", forb.json(t)["code"])
	assert.Equal(t, http.StatusNotFound, ro.call(http.MethodGet, apiBase(d)+"/tickets/99999", nil).status)
}

// An integration with webhooks:admin subscribes itself and reads the log.
func TestAPIManagesWebhooks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("demo")
	c := e.apiClient(e.apiToken(d, "CRM", helpdesk.ScopeWebhooksAdmin))
	res := c.call(http.MethodPost, apiBase(d)+"/webhooks", `{"url":"https://crm.example.com/hooks","events":["ticket.created","ticket.replied"]}`)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	hook := res.json(t)
	assert.NotEmpty(t, hook["secret"])
	path := apiBase(d) + "/webhooks/" + strconv.Itoa(int(hook["id"].(float64)))
	assert.Equal(t, http.StatusAccepted, c.call(http.MethodPost, path+"/test", nil).status)
	got := c.call(http.MethodGet, path, nil).json(t)
	assert.Nil(t, got["secret"], "the secret is shown once")
	require.Len(t, got["deliveries"], 1)
	up := c.call(http.MethodPatch, path, `{"active":false}`)
	require.Equal(t, http.StatusOK, up.status)
	assert.Equal(t, false, up.json(t)["active"])
	bad := c.call(http.MethodPost, apiBase(d)+"/webhooks", `{"url":"ftp://x","events":[]}`)
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Len(t, c.call(http.MethodGet, apiBase(d)+"/webhooks", nil).json(t)["data"], 1)
}
