package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"syscall"
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
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu, gcCPU, requests := processCPU(), gcCPUSeconds(), 0
	res := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if w := get(); w.code != http.StatusOK {
				b.Fatal(w.code)
			}
			requests++
		}
	})
	cpu, gcCPU = processCPU()-cpu, gcCPUSeconds()-gcCPU
	runtime.ReadMemStats(&after)
	t.Logf("queue request: %s %s (%d bytes)", res, res.MemString(), get().n)
	// testing.Benchmark runs the loop more than once, growing b.N: the
	// process's CPU and its collections are divided by every request.
	t.Logf("this process (server and client, not PostgreSQL): %.3f ms of CPU per request, %.3f ms of it the collector's (%.2f collections per 1,000 requests) over %d (GOGC=%q), peak RSS %d MB",
		float64(cpu.Microseconds())/1000/float64(requests), gcCPU*1000/float64(requests), float64(after.NumGC-before.NumGC)*1000/float64(requests),
		requests, os.Getenv("GOGC"), maxRSS()>>20)
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// gcCPUSeconds is the runtime's estimate of the CPU the collector has
// used (marking, assists, idle marking, pauses).
func gcCPUSeconds() float64 {
	m := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(m)
	return m[0].Value.Float64()
}

// maxRSS is the process's peak resident set, in bytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10 // kilobytes on Linux
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
