package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/server"
)

// Two servers over one database, each reading the ticket changes: a poll
// with an unchanged token is answered from memory (no ticket query); a
// ticket created through either server reaches both, and the next poll
// returns the new list with a fresh token.
func TestLiveQueueFollowsChangesOnTwoServers(t *testing.T) {
	t.Parallel()
	e, counter := newCountingEnv(t)
	d := e.newDesk("avisos")
	first := e.consoleOpen(d.customer, "Primero")

	// A second server over the same database and store.
	conf, err := config.Load("test", nil, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	other := server.New(server.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Config: conf, Service: e.svc, Store: e.store})
	ts := httptest.NewServer(other)
	t.Cleanup(ts.Close)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	for _, s := range []*server.Server{e.srv, other} {
		go func() { s.Listen(ctx); done <- struct{}{} }()
	}
	t.Cleanup(func() { stop(); <-done; <-done })

	ana := e.client()
	ana.login(d, d.agent)
	e2 := *e
	e2.url = ts.URL
	bea := e2.client() // a console on the second server
	bea.login(d, d.agent)
	load := func(c *client) response {
		var page response
		require.Eventually(t, func() bool {
			page = c.get(agentPath(d, "/views/unassigned"))
			return page.doc.Find(`#queue-since`).AttrOr("value", "") != ""
		}, 10*time.Second, 50*time.Millisecond, "the hub starts reading")
		require.Equal(t, refs(first), rowNumbers(page))
		return page
	}
	page, page2 := load(ana), load(bea)
	assert.NotEqual(t, page.doc.Find(`#queue-since`).AttrOr("value", ""), page2.doc.Find(`#queue-since`).AttrOr("value", ""),
		"each server issues its own tokens")

	// Unchanged: 204 after the request's own sign-in checks (session,
	// desk, user) and without reading a ticket.
	n := counter.during(func() {
		res := ana.queueLive(page, nil)
		assert.Equal(t, http.StatusNoContent, res.status)
	})
	assert.False(t, contains(n.log, "FROM tickets"), "an unchanged poll reads no ticket: %v", n.log)
	assert.LessOrEqual(t, n.trips, 5, "%v", n.log)
	assert.Equal(t, http.StatusNoContent, bea.queueLive(page2, nil).status)
	// A token of the other server never passes for this one's.
	assert.Equal(t, http.StatusOK, bea.get(agentPath(d, "/counts?since="+page.doc.Find(`#queue-since`).AttrOr("value", ""))).status)

	// A ticket created through the domain (as any server would): both
	// servers read the change, and their next polls bring it.
	second := e.consoleOpen(d.customer, "Segundo")
	for _, c := range []struct {
		cl   *client
		page response
	}{{ana, page}, {bea, page2}} {
		var res response
		require.Eventually(t, func() bool {
			res = c.cl.queueLive(c.page, nil)
			return res.status == http.StatusOK
		}, 10*time.Second, 50*time.Millisecond)
		assert.Equal(t, refs(second, first), rowNumbers(res))
		fresh := res.doc.Find(`#queue-since[hx-swap-oob]`).AttrOr("value", "")
		assert.NotEmpty(t, fresh)
		assert.NotEqual(t, c.page.doc.Find(`#queue-since`).AttrOr("value", ""), fresh, "a fresh token")
	}
}

// Changes committed before a server starts reading are not news to it. A
// transaction older than them that is still running (any desk's, anywhere
// in the cluster) holds the first read's horizon below them; the second
// read then reported them as new, and the tokens of the first pages went
// stale at once (seen as a rare failure of the test above).
func TestLiveHubStartsWithoutOldNews(t *testing.T) {
	t.Parallel()
	e, _ := newCountingEnv(t)
	d := e.newDesk("arranque")
	ctx := context.Background()
	older, err := e.pool.Begin(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = older.Rollback(ctx) })
	_, err = older.Exec(ctx, `SELECT pg_current_xact_id()`)
	require.NoError(t, err)
	e.consoleOpen(d.customer, "Primero")

	listening, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { e.srv.Listen(listening); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	ana := e.client()
	ana.login(d, d.agent)
	var page response
	require.Eventually(t, func() bool {
		page = ana.get(agentPath(d, "/views/unassigned"))
		return page.doc.Find(`#queue-since`).AttrOr("value", "") != ""
	}, 10*time.Second, 50*time.Millisecond, "the hub starts reading")
	time.Sleep(500 * time.Millisecond) // several reads
	assert.Equal(t, http.StatusNoContent, ana.queueLive(page, nil).status, "nothing changed since the page")
}
