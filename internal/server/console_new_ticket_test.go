package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// agentFormKey opens the console's new-ticket form and returns its key.
func (c *client) agentFormKey(d desk) string {
	c.t.Helper()
	res := c.get("/" + d.tenant.Slug + "/agent/tickets/new")
	require.Equal(c.t, http.StatusOK, res.status, res.body)
	require.Equal(c.t, 1, res.doc.Find(`[data-testid="agent-new-ticket-form"]`).Length())
	key, ok := res.doc.Find(`input[name="key"]`).Attr("value")
	require.True(c.t, ok)
	return key
}

// ticketNumberOf reads the ticket number a console redirect points at.
func ticketNumberOf(t *testing.T, loc string) helpdesk.TicketNumber {
	t.Helper()
	i := strings.LastIndex(loc, "/")
	n, err := strconv.ParseInt(loc[i+1:], 10, 64)
	require.NoError(t, err, loc)
	return helpdesk.TicketNumber(n)
}

func TestConsoleNewTicketForCallerInline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("nt-call")
	ctx := context.Background()
	n2, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N2", 2, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	c := e.client()
	c.login(d, d.agent)
	home := c.get("/" + d.tenant.Slug + "/agent/")
	require.Equal(t, 1, home.doc.Find(`[data-testid="new-ticket-link"]`).Length())

	key := c.agentFormKey(d)
	form := url.Values{
		"key": {key}, "requester": {"new"}, "requester_name": {"Rosa Llamada"},
		"requester_email": {"rosa@cliente.example"}, "phone": {"+34 600 111 222"},
		"channel": {"phone"}, "subject": {"No funciona el router"}, "description": {"Llama porque el router parpadea."},
		"priority": {"high"}, "group": {strconv.FormatInt(int64(n2.ID), 10)},
	}
	res := c.postMultipart("/"+d.tenant.Slug+"/agent/tickets/new", form, []upFile{{name: "foto.png", data: pngBytes}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	n := ticketNumberOf(t, res.header.Get("Location"))
	tk := e.staffTicket(d, n)
	require.Equal(t, "Rosa Llamada", tk.Requester.Name)
	require.NotZero(t, tk.Requester.User, "an inline requester becomes a customer account")
	require.Equal(t, helpdesk.ChannelPhone, tk.Channel)
	require.Equal(t, n2.ID, tk.Group)
	require.Equal(t, helpdesk.Priority("high"), tk.Priority)
	first := e.timelineOf(d, n)[0].Comment
	require.NotNil(t, first)
	require.Equal(t, helpdesk.Public, first.Visibility)
	require.Len(t, first.Attachments, 1)

	// The same form submitted again lands on the same ticket.
	before := e.countTickets(d)
	again := c.postMultipart("/"+d.tenant.Slug+"/agent/tickets/new", form, nil)
	require.Equal(t, http.StatusSeeOther, again.status, again.body)
	require.Equal(t, res.header.Get("Location"), again.header.Get("Location"))
	require.Equal(t, before, e.countTickets(d))

	// The new customer is found by phone as one types, and by name
	// without JavaScript.
	frag := c.get("/" + d.tenant.Slug + "/agent/tickets/new/requesters?q=600+111")
	require.Equal(t, http.StatusOK, frag.status)
	require.Contains(t, text(frag, `[data-testid="requester-matches"]`), "Rosa Llamada")
	page := c.get("/" + d.tenant.Slug + "/agent/tickets/new?q=rosa")
	require.Contains(t, text(page, `[data-testid="requester-matches"]`), "rosa@cliente.example")
}

func TestConsoleNewTicketExistingCustomerInternalNote(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("nt-known")
	other := e.newDesk("nt-other")
	c := e.client()
	c.login(d, d.admin)
	key := c.agentFormKey(d)
	form := url.Values{
		"key": {key}, "requester": {strconv.FormatInt(int64(d.customer.ID), 10)},
		"channel": {"chat"}, "subject": {"Consulta por chat"}, "description": {"Nota de lo hablado."},
		"internal": {"1"}, "assignee": {strconv.FormatInt(int64(d.agent.ID), 10)},
	}
	res := c.postMultipart("/"+d.tenant.Slug+"/agent/tickets/new", form, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	n := ticketNumberOf(t, res.header.Get("Location"))
	tk := e.staffTicket(d, n)
	require.Equal(t, d.customer.ID, tk.Requester.User)
	require.Equal(t, d.agent.ID, tk.Assignee)
	require.Equal(t, helpdesk.StatusOpen, tk.Status)
	require.Equal(t, helpdesk.Internal, e.timelineOf(d, n)[0].Comment.Visibility)
	// The customer does not see the internal first comment.
	cust, err := e.svc.Timeline(context.Background(), d.customer.Actor(), n)
	require.NoError(t, err)
	for _, en := range cust {
		require.Nil(t, en.Comment, "no public comment on the ticket")
	}

	// Another desk's customer is refused as a requester, nothing opened.
	before := e.countTickets(d)
	form.Set("key", c.agentFormKey(d))
	form.Set("requester", strconv.FormatInt(int64(other.customer.ID), 10))
	res = c.postMultipart("/"+d.tenant.Slug+"/agent/tickets/new", form, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	require.Equal(t, before, e.countTickets(d))
}

func TestConsoleNewTicketRefusedKeepsTyped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("nt-bad")
	c := e.client()
	c.login(d, d.agent)
	form := url.Values{
		"key": {c.agentFormKey(d)}, "requester": {"new"}, "requester_name": {"Sin Correo"},
		"requester_email": {""}, "phone": {"555 12 12"}, "channel": {"phone"},
		"subject": {"Asunto escrito"}, "description": {"Texto escrito"},
	}
	res := c.postMultipart("/"+d.tenant.Slug+"/agent/tickets/new", form, []upFile{{name: "nota.txt", data: []byte("hola")}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	require.Equal(t, 1, res.doc.Find(`[data-testid="error-summary"]`).Length())
	v, _ := res.doc.Find(`#subject`).Attr("value")
	require.Equal(t, "Asunto escrito", v)
	v, _ = res.doc.Find(`#phone`).Attr("value")
	require.Equal(t, "555 12 12", v)
	require.Contains(t, text(res, `[data-testid="rechoose"]`), "nota.txt")
	require.Zero(t, e.countTickets(d))

	// Customers never reach the form.
	cc := e.client()
	cc.login(d, d.customer)
	require.Equal(t, http.StatusNotFound, cc.get("/"+d.tenant.Slug+"/agent/tickets/new").status)
}
