package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// servePprof serves Go's profiler on addr, a loopback address (config
// refuses any other), on a listener of its own: the profiler is never
// reachable through the application's router. It is off unless
// ATIENDE_PPROF_ADDR is set; the performance harness sets it when asked for
// CPU profiles (BENCH_PPROF=1 make bench).
func servePprof(addr string, log *slog.Logger) (func(), error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("pprof listener: %w", err)
	}
	// No WriteTimeout: a CPU profile streams for as long as asked.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Warn("profiler listening (ATIENDE_PPROF_ADDR)", "addr", addr)
	go func() { _ = srv.Serve(l) }()
	return func() { _ = srv.Close() }, nil
}
