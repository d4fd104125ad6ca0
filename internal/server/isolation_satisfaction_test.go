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

// Satisfaction routes: rating from the ticket page needs a customer session
// of the tenant. The survey link pages are public; the walk calls them with
// the literal "{token}", a link that does not work, which answers the
// friendly 404: publicForm's checks (no 5xx, nothing of B shown, A not
// signed in at B, nothing of B changed) are the ones that fit, for the page
// as for the form. Real tokens across tenants are tried below.
func init() {
	classify(map[string]routeClass{
		"POST /{tenant}/tickets/{number}/rating": customerPage,
		"GET /{tenant}/rate/thanks":              publicPage,
		"GET /{tenant}/rate/{token}":             publicForm,
		"POST /{tenant}/rate/{token}":            publicForm,
	})
}

// TestRatingIsolatedBetweenTenants: a signed-in customer of A cannot rate
// B's ticket by number, and a survey token works only at its own tenant's
// address; every attempt is 404 (or A's login page) and changes nothing.
func TestRatingIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	b := e.newDesk("beta")
	ctx := context.Background()
	// Same numbers in both desks: #1 solved in each.
	ta := e.solvedTicket(a, a.customer, "Ticket de alfa")
	tb := e.solvedTicket(b, b.customer, "Ticket secreto de beta")
	require.Equal(t, ta.Number, tb.Number)
	tokenB, err := e.svc.RatingLink(ctx, helpdesk.System(b.tenant.ID), tb.Number)
	require.NoError(t, err)

	c := e.client()
	c.login(a, a.customer)
	before := snapshot(t, e, b)
	// A's session at B's ticket route: B's login page.
	res := c.post(tpath(b, tb.Number, "/rating"), rate(1, "Desde alfa"))
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/beta/login", res.header.Get("Location"))
	// B's token at A's address: no such link at A.
	for _, p := range []string{"/alfa/rate/" + tokenB, "/alfa/rate/" + url.PathEscape(tokenB)} {
		assert.Equal(t, http.StatusNotFound, c.get(p).status)
		res = c.post(p, rate(1, "Desde alfa"))
		assert.Equal(t, http.StatusNotFound, res.status)
		assert.NotContains(t, res.body, tb.Subject)
	}
	assert.Equal(t, before, snapshot(t, e, b), "B's data changed")
	assert.Empty(t, e.ratings(b, tb.Number))
	// A's own ticket with the same number was not touched either.
	assert.Empty(t, e.ratings(a, ta.Number))

	// At its own address, by anyone holding it, B's token works.
	res = e.client().post("/beta/rate/"+tokenB, rate(5, ""))
	assert.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, []string{"1:5::link"}, e.ratings(b, tb.Number))
	assert.Empty(t, e.ratings(a, ta.Number))
}
