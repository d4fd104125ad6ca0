package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The queue density is remembered per agent: another agent keeps theirs,
// and an unknown value changes nothing.
func TestConsoleQueueDensity(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("dens")
	e.consoleOpen(d.customer, "Una fila")
	queue := "/" + d.tenant.Slug + "/agent/"
	c := e.client()
	c.login(d, d.agent)
	page := c.get(queue)
	require.Equal(t, http.StatusOK, page.status)
	density := func(res response) string {
		v, _ := res.doc.Find(`[data-testid="queue"]`).Attr("data-density")
		return v
	}
	assert.Equal(t, "comfortable", density(page))
	all := c.get(queue + "views/all")
	require.Equal(t, 1, all.doc.Find(`[data-testid="ticket-row"]`).Length())
	assert.Zero(t, all.doc.Find(`[data-testid="col-due"]`).Length(), "no SLA policy: no due column")
	pressed, _ := page.doc.Find(`[data-testid="density-comfortable"]`).Attr("aria-pressed")
	assert.Equal(t, "true", pressed)

	res := c.post("/"+d.tenant.Slug+"/agent/density", url.Values{"density": {"compact"}, "next": {queue}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, queue, res.header.Get("Location"))
	assert.Equal(t, "compact", density(c.get(queue)))
	assert.Equal(t, 1, c.get(queue).doc.Find(`.queue-compact`).Length())

	res = c.post("/"+d.tenant.Slug+"/agent/density", url.Values{"density": {"tiny"}, "next": {"https://evil.example/"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.NotContains(t, res.header.Get("Location"), "evil.example")
	assert.Equal(t, "compact", density(c.get(queue)))

	o := e.client()
	o.login(d, d.admin)
	assert.Equal(t, "comfortable", density(o.get(queue)), "another agent keeps their own")
}
