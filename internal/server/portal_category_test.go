package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestNewTicketOffersTheDesksCategories(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	other := e.newDesk("beta")
	ctx := context.Background()
	cat, err := e.svc.CreateCategory(ctx, d.admin.Actor(), "Facturación")
	require.NoError(t, err)
	foreign, err := e.svc.CreateCategory(ctx, other.admin.Actor(), "Secreto de beta")
	require.NoError(t, err)

	c := e.client()
	c.login(d, d.customer)
	form := c.get("/alfa/tickets/new")
	require.Equal(t, http.StatusOK, form.status)
	assert.Equal(t, "Facturación", strings.TrimSpace(form.doc.Find(`#category option[value="`+strconv.FormatInt(int64(cat.ID), 10)+`"]`).Text()))
	assert.NotContains(t, form.body, "Secreto de beta", "only this desk's categories")

	res := c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Cobro doble"}, "description": {"Me cobraron dos veces."},
		"category": {strconv.FormatInt(int64(cat.ID), 10)},
	}, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page, err := e.svc.Tickets(ctx, d.admin.Actor(), ticketQueryAll())
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1)
	assert.Equal(t, cat.ID, page.Tickets[0].Category)

	// Another desk's category id is not this desk's: refused, input kept.
	res = c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {c.formKey(d)}, "subject": {"Otro asunto"}, "description": {"Texto que no se pierde"},
		"category": {strconv.FormatInt(int64(foreign.ID), 10)},
	}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, strings.TrimSpace(res.doc.Find(`[data-testid="error-category"]`).Text()))
	assert.Contains(t, res.body, "Texto que no se pierde", "what was typed is kept")
}

// ticketQueryAll is the first page of every ticket, newest first.
func ticketQueryAll() helpdesk.TicketQuery { return helpdesk.TicketQuery{} }
