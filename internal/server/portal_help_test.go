package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelpSuggestionsOnTheNewTicketForms: both new-ticket forms suggest
// articles for their audience, the help centre's "open a ticket" fills in
// the subject, and an opened suggestion counts as a deflection until its
// form opens a ticket.
func TestHelpSuggestionsOnTheNewTicketForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	ka := e.kbSeed(a)

	guest := e.client()
	res := guest.get("/alfa/tickets/new?subject=factura")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "factura", res.doc.Find(`[data-testid="guest-form"] input[name="subject"]`).AttrOr("value", ""))
	list := text(res, `[data-testid="help-suggestion-list"]`)
	assert.Contains(t, list, ka.public.Title)
	assert.NotContains(t, list, ka.customers.Title)
	assert.NotContains(t, list, ka.internal.Title)
	key := res.doc.Find(`[data-testid="guest-form"] input[name="key"]`).AttrOr("value", "")
	href := res.doc.Find(`[data-testid="help-suggestion"]`).First().AttrOr("href", "")
	assert.Contains(t, href, "?from="+key)
	// Without a subject: the plain link to the help centre.
	res = guest.get("/alfa/tickets/new")
	assert.Equal(t, "/alfa/help", res.doc.Find(`[data-testid="help-suggest-link"]`).AttrOr("href", ""))

	cust := e.client()
	cust.login(a, a.customer)
	res = cust.get("/alfa/tickets/new?subject=factura")
	list = text(res, `[data-testid="help-suggestion-list"]`)
	assert.Contains(t, list, ka.customers.Title)
	assert.NotContains(t, list, ka.internal.Title)
	// The htmx fragment.
	res = cust.get("/alfa/help/suggest?subject=factura&key=" + key)
	assert.Contains(t, text(res, `[data-testid="help-suggestion-list"]`), ka.customers.Title)

	// The guest opens the suggestion: one open, not submitted; then the
	// same form opens a ticket: no deflection.
	require.Equal(t, http.StatusOK, guest.get(href).status)
	opens := func() (n, submitted int) {
		e.asTenant(a, func(tx pgx.Tx) {
			require.NoError(t, tx.QueryRow(context.Background(),
				`SELECT count(*), count(*) FILTER (WHERE submitted) FROM kb_suggestion_opens`).Scan(&n, &submitted))
		})
		return n, submitted
	}
	n, sub := opens()
	assert.Equal(t, [2]int{1, 0}, [2]int{n, sub})
	guest.openAsGuest("alfa", guestFields(key))
	n, sub = opens()
	assert.Equal(t, [2]int{1, 1}, [2]int{n, sub})

	// Help centre off: no suggestions, not even the link.
	require.NoError(t, e.svc.SetHelpCentre(context.Background(), a.admin.Actor(), false))
	res = cust.get("/alfa/tickets/new?subject=factura")
	assert.Zero(t, res.doc.Find(`[data-testid="help-suggestions"]`).Length())
	assert.Equal(t, http.StatusNotFound, cust.get("/alfa/help/suggest?subject=factura").status)
}
