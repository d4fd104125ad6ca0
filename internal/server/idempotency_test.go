package server_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFormKeySurvivesACrash: a server that dies after a ticket's commit
// and before its response leaves the browser to resubmit the same form to
// a new process, with no session memory of the key: it gets the first
// ticket, not a second one. The same holds for the guest form, and for
// submissions racing on two servers.
func TestFormKeySurvivesACrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	key := c.formKey(d)
	form := url.Values{"key": {key}, "subject": {"Sin duplicados"}, "description": {"Una vez."}, "urgency": {"low"}, "impact": {"low"}}
	first := c.postMultipart("/alfa/tickets/new", form, nil)
	require.Equal(t, http.StatusSeeOther, first.status, first.body)

	restarted := newEnvOn(t, e.pool, nil) // a new process: no in-memory once
	again := restarted.client()           // and a session that never saw the key
	again.login(d, d.customer)
	res := again.postMultipart("/alfa/tickets/new", form, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, first.header.Get("Location"), res.header.Get("Location"), "the first ticket")
	assert.Equal(t, 1, e.countTickets(d))

	// Racing resubmissions on both servers create one ticket.
	key2 := c.formKey(d)
	form2 := url.Values{"key": {key2}, "subject": {"Carrera"}, "description": {"Una vez."}, "urgency": {"low"}, "impact": {"low"}}
	var wg sync.WaitGroup
	locs := make([]string, 6)
	for i := range locs {
		cl := c
		if i%2 == 1 {
			cl = again
		}
		wg.Go(func() {
			r := cl.postMultipart("/alfa/tickets/new", form2, nil)
			assert.Equal(t, http.StatusSeeOther, r.status)
			locs[i] = r.header.Get("Location")
		})
	}
	wg.Wait()
	for _, l := range locs {
		assert.Equal(t, locs[0], l)
	}
	assert.Equal(t, 2, e.countTickets(d))

	// The guest form: the replay shows the number, not the tracking link.
	guest := e.client()
	gkey := guest.guestKey("alfa")
	token := guest.openAsGuest("alfa", guestFields(gkey))
	require.NotEmpty(t, token)
	replay := restarted.client().postMultipart("/alfa/tickets/new", guestFields(gkey), nil)
	require.Equal(t, http.StatusOK, replay.status, replay.body)
	assert.NotContains(t, replay.body, token, "the tracking link is shown once")
	assert.Equal(t, 3, e.countTickets(d))
}
