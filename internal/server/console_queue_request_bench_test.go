package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestQueueRequestCost measures a whole console queue request (50 rows,
// the agent's "all" view) through the server's router with a real store
// and warm caches: session, user, desk, list and counts, rendering, the
// request log line. It calls the handler in process (no network), so
// allocations and a CPU profile show the server's own share; ns/op
// includes PostgreSQL's. Only with ATIENDE_BENCH_QUEUE=1:
//
//	ATIENDE_BENCH_QUEUE=1 go test -count=1 -run TestQueueRequestCost -v -cpuprofile /tmp/queue.prof ./internal/server/
func TestQueueRequestCost(t *testing.T) {
	if os.Getenv("ATIENDE_BENCH_QUEUE") == "" {
		t.Skip("set ATIENDE_BENCH_QUEUE=1 to measure a queue request")
	}
	a, _ := twoListeningServers(t)
	d := a.newDesk("coste")
	for i := range 60 {
		a.consoleOpen(d.customer, fmt.Sprintf("La impresora de la planta %d no imprime", i))
	}
	c := a.client()
	c.login(d, d.agent)
	path := agentPath(d, "/views/all")
	cookie := &http.Cookie{Name: "atiende_session", Value: c.cookie("atiende_session")}
	get := func() *countingWriter {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(cookie)
		w := &countingWriter{header: http.Header{}}
		a.srv.ServeHTTP(w, req)
		return w
	}
	require.Eventually(t, func() bool {
		return get().code == http.StatusOK && a.srv.CachedDesk(d.tenant) && a.srv.CachedUser(d.tenant.ID, d.agent.ID)
	}, 10*time.Second, 20*time.Millisecond)
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if w := get(); w.code != http.StatusOK {
				b.Fatal(w.code)
			}
		}
	})
	t.Logf("queue request: %s %s (%d bytes)", res, res.MemString(), get().n)
}

// countingWriter is a ResponseWriter that keeps only the status and the
// size, so that the measure holds no buffer of the test's own.
type countingWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }

func (w *countingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}
