package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestProfileTicketPage writes a CPU profile of 2,000 views of a ticket
// page with 20 notes, the desk cache on, over loopback HTTP, to the file
// ATIENDE_PROFILE_TICKET names (the client's side is in it too: read the
// server's handlers):
//
//	ATIENDE_PROFILE_TICKET=/tmp/ticket.prof go test -run TestProfileTicketPage ./internal/server/
//	go tool pprof -top -focus 'server.\(\*Server\)' /tmp/ticket.prof
func TestProfileTicketPage(t *testing.T) {
	out := os.Getenv("ATIENDE_PROFILE_TICKET")
	if out == "" {
		t.Skip("set ATIENDE_PROFILE_TICKET to a file for the CPU profile")
	}
	e := newEnv(t)
	e.listen()
	d := e.newDesk("perfil")
	tk := e.consoleOpen(d.customer, "La impresora no imprime")
	for i := range 20 {
		_, err := e.svc.AddNote(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.CommentInput{Body: fmt.Sprintf("nota %d", i)})
		require.NoError(t, err)
	}
	c := e.client()
	c.login(d, d.agent)
	page := e.url + agentPath(d, "/tickets/"+num(tk.Number))
	view := func() {
		res, err := c.http.Get(page)
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, res.Body)
		require.NoError(t, err)
		require.NoError(t, res.Body.Close())
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	require.Eventually(t, func() bool { view(); return e.srv.CachedTicketPage(d.tenant) }, 10*time.Second, 20*time.Millisecond)
	f, err := os.Create(out)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, pprof.StartCPUProfile(f))
	start := time.Now()
	for range 2000 {
		view()
	}
	pprof.StopCPUProfile()
	t.Logf("2,000 views in %v", time.Since(start))
}
