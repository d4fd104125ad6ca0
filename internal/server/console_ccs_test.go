package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ccsOf reads the ticket's CC addresses through the staff workspace.
func (e *env) ccsOf(d desk, n helpdesk.TicketNumber) []string {
	e.t.Helper()
	ws, err := e.svc.StaffWorkspace(context.Background(), d.agent.Actor(), n)
	require.NoError(e.t, err)
	return ws.CCs
}

func TestConsoleCCsPanel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("ccs")
	tk := e.consoleOpen(d.customer, "Copiar a Luis")
	path := "/" + d.tenant.Slug + "/agent/tickets/" + num(tk.Number)
	c := e.client()
	c.login(d, d.agent)
	require.Equal(t, 1, c.get(path).doc.Find(`[data-testid="ccs-none"]`).Length())

	res := c.post(path+"/ccs", url.Values{"version": {num2(tk.Version)}, "action": {"add"}, "cc": {" Luis@Cliente.example "}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, []string{"luis@cliente.example"}, e.ccsOf(d, tk.Number))
	page := c.get(path)
	assert.Contains(t, text(page, `[data-testid="ccs-list"]`), "luis@cliente.example")
	assert.Contains(t, text(page, `[data-testid="timeline"]`), "luis@cliente.example", "the change is in the history")

	// Refusals keep what was typed: a bad address, the requester's own.
	tk = e.staffTicket(d, tk.Number)
	res = c.post(path+"/ccs", url.Values{"version": {num2(tk.Version)}, "action": {"add"}, "cc": {"no es un correo"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	v, _ := res.doc.Find(`input[name="cc"]`).Attr("value")
	assert.Equal(t, "no es un correo", v)
	res = c.post(path+"/ccs", url.Values{"version": {num2(tk.Version)}, "action": {"add"}, "cc": {d.customer.Email}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, []string{"luis@cliente.example"}, e.ccsOf(d, tk.Number), "nothing changed")

	// A stale version is a conflict; removing works.
	require.Equal(t, http.StatusConflict, c.post(path+"/ccs", url.Values{"version": {num2(tk.Version - 1)}, "action": {"remove"}, "address": {"luis@cliente.example"}}).status)
	res = c.post(path+"/ccs", url.Values{"version": {num2(tk.Version)}, "action": {"remove"}, "address": {"luis@cliente.example"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Empty(t, e.ccsOf(d, tk.Number))

	// Another desk's agent finds no such ticket.
	other := e.newDesk("ccs-otra")
	o := e.client()
	o.login(other, other.agent)
	assert.Equal(t, http.StatusNotFound, o.post("/"+other.tenant.Slug+"/agent/tickets/"+num(tk.Number)+"/ccs",
		url.Values{"version": {num2(tk.Version)}, "action": {"add"}, "cc": {"x@y.example"}}).status)
}

// An agent logging a call stores the caller number and duration (shown on
// the ticket page) and copies the typed addresses; an unreadable duration
// is refused on its field with everything kept.
func TestConsoleNewTicketCallAndCCs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("nt-cc")
	c := e.client()
	c.login(d, d.agent)
	form := url.Values{
		"key": {c.agentFormKey(d)}, "requester": {"new"}, "requester_name": {"Rosa Llamada"},
		"requester_email": {"rosa@cliente.example"}, "channel": {"phone"}, "subject": {"Router"},
		"description": {"Llama por el router."}, "call_number": {"+34 600 333 444"}, "call_duration": {"abc"},
		"ccs": {"jefa@cliente.example, rosa@cliente.example; jefa@cliente.example"},
	}
	res := c.postMultipart("/"+d.tenant.Slug+"/agent/tickets/new", form, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Contains(t, text(res, `[data-testid="field-call_duration"]`), "válido", "the error is on the duration")
	v, _ := res.doc.Find(`input[name="call_duration"]`).Attr("value")
	assert.Equal(t, "abc", v)
	v, _ = res.doc.Find(`input[name="ccs"]`).Attr("value")
	assert.Contains(t, v, "jefa@cliente.example")

	form.Set("key", c.agentFormKey(d))
	form.Set("call_duration", "12:30")
	res = c.postMultipart("/"+d.tenant.Slug+"/agent/tickets/new", form, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	n := ticketNumberOf(t, res.header.Get("Location"))
	assert.Equal(t, []string{"jefa@cliente.example"}, e.ccsOf(d, n), "the requester's own address is not copied")
	page := c.get("/" + d.tenant.Slug + "/agent/tickets/" + num(n))
	assert.Equal(t, "+34 600 333 444", text(page, `[data-testid="call-caller"]`))
	assert.Contains(t, text(page, `[data-testid="call-duration"]`), "12")
	assert.Contains(t, text(page, `[data-testid="call-duration"]`), "30")

	// A call on a ticket that is not a phone one is refused.
	form.Set("key", c.agentFormKey(d))
	form.Set("channel", "email")
	res = c.postMultipart("/"+d.tenant.Slug+"/agent/tickets/new", form, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
}

// A customer copies colleagues from the portal's form.
func TestPortalNewTicketCCs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("pt-cc")
	c := e.client()
	c.login(d, d.customer)
	res := c.postMultipart("/"+d.tenant.Slug+"/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Cobro doble"}, "description": {"Me cobraron dos veces."},
		"ccs": {"mal correo"},
	}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Me cobraron dos veces.")
	res = c.postMultipart("/"+d.tenant.Slug+"/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Cobro doble"}, "description": {"Me cobraron dos veces."},
		"ccs": {"conta@cliente.example"},
	}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page, err := e.svc.Tickets(context.Background(), d.admin.Actor(), ticketQueryAll())
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1)
	assert.Equal(t, []string{"conta@cliente.example"}, e.ccsOf(d, page.Tickets[0].Number))
}
