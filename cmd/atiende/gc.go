package main

import (
	"log/slog"
	"runtime/debug"
)

// The collector's settings for serve when the environment sets none.
// Measured on a whole queue request in process (TestQueueRequestCost in
// internal/server), the collector took 0.10-0.11 ms of about 0.62 ms of
// CPU per request at GOGC=100, 0.08-0.09 ms at 150 and 0.05-0.07 ms at 200,
// for about 10 and 40 MB more peak RSS. Under make bench's mixed load at
// 300/s on a machine that could not keep up, GOGC=150 took the server's
// peak to 144 MB against a bound of 150 MB: the 3 % of CPU it saves is not
// worth the headroom, so serve keeps Go's default of 100.
//
// A password hash holds 46 MB while it runs (internal/password), so under
// logins the live heap is well over 100 MB: the soft limit keeps a burst
// of them from growing the heap by GOGC's factor (with GOGC=150, two
// concurrent verifiers peaked at 307-399 MB alone and 307-353 MB under
// this limit, for the same CPU per hash). A limit near 256 MB held the RSS
// at 261 MB but cost 20-30 % more CPU per hash (the runtime collecting and
// returning memory near the limit).
const (
	serveGCPercent   = 100
	serveMemoryLimit = 384 << 20
)

// tuneGC applies the settings above, each only when its environment
// variable (GOGC, GOMEMLIMIT) is unset: an operator's choice wins.
func tuneGC(getenv func(string) string, log *slog.Logger) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
		log.Debug("GOGC unset: collecting at", "gogc", serveGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
		log.Debug("GOMEMLIMIT unset: soft memory limit", "bytes", serveMemoryLimit)
	}
}
