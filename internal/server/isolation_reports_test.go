package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The reports are console pages: a staff session of the tenant, and the
// domain narrows what each reader sees (admins and group leads all, agents
// their own tickets).
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/agent/reports":                staffPage,
		"GET /{tenant}/agent/reports/breakdown":      staffPage,
		"GET /{tenant}/agent/reports/csat":           staffPage,
		"GET /{tenant}/agent/reports/sla":            staffPage,
		"GET /{tenant}/agent/reports/tickets":        staffPage,
		"GET /{tenant}/agent/reports/export/{table}": staffPage,
	})
}

// reportPaths are every report page and export, with parameters that
// select something.
var reportPaths = []string{
	"/agent/reports", "/agent/reports/breakdown?by=agent", "/agent/reports/breakdown?by=arrivals",
	"/agent/reports/csat", "/agent/reports/sla", "/agent/reports/tickets?set=created",
	"/agent/reports/export/metrics.csv", "/agent/reports/export/summary.csv", "/agent/reports/export/volume.csv",
	"/agent/reports/export/breakdown-group.csv", "/agent/reports/export/arrivals.csv",
	"/agent/reports/export/csat.csv", "/agent/reports/export/sla.csv", "/agent/reports/export/sla-breached.csv",
	"/agent/reports/export/tickets.csv?set=created",
}

// Tenant A's admin reads every report and export of A: nothing of B's
// tickets shows, whatever filter names B's ids.
func TestReportsShowOnlyTheTenantsTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	e.consoleOpen(a.customer, "Asunto de alfa")
	secret := e.consoleOpen(b.customer, "Secreto de beta")
	e.assignTo(b.agent, secret.Number)

	admin := e.client()
	admin.login(a, a.admin)
	for _, p := range reportPaths {
		res := admin.get("/alfa" + p)
		assert.Equal(t, http.StatusOK, res.status, p)
		assert.NotContains(t, res.body, "Secreto de beta", p)
		assert.NotContains(t, res.body, b.agent.Name, p)
	}
	res := admin.get("/alfa/agent/reports/tickets?set=created&agent=" + idOf(b.agent.ID))
	assert.Equal(t, http.StatusOK, res.status)
	assert.NotContains(t, res.body, "Secreto de beta", "B's agent id selects nothing in A")
	assert.Contains(t, admin.get("/alfa/agent/reports/tickets?set=created").body, "Asunto de alfa")

	// A customer of A is no reader of reports.
	cust := e.client()
	cust.login(a, a.customer)
	for _, p := range reportPaths[:2] {
		res := cust.get("/alfa" + p)
		assert.NotEqual(t, http.StatusOK, res.status, p)
		assert.NotContains(t, res.body, "Asunto de alfa", p)
	}
}

// An agent who leads no group sees their own figures, whatever agent the
// URL asks for.
func TestReportsShowAnAgentTheirOwnTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	mine := e.consoleOpen(a.customer, "Mío")
	e.assignTo(a.agent, mine.Number)
	other := e.consoleOpen(a.customer, "De otra persona")
	e.assignTo(a.admin, other.Number)

	ag := e.client()
	ag.login(a, a.agent)
	res := ag.get("/alfa/agent/reports/tickets?set=created&agent=" + idOf(a.admin.ID))
	assert.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, "Mío")
	assert.NotContains(t, res.body, "De otra persona")
	assert.Contains(t, res.body, `data-testid="report-scope"`)
	csv := ag.get("/alfa/agent/reports/export/metrics.csv")
	assert.Equal(t, http.StatusOK, csv.status)
	assert.True(t, strings.Contains(csv.body, "Mío") && !strings.Contains(csv.body, "De otra persona"), csv.body)
}
