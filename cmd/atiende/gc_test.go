package main

import (
	"io"
	"log/slog"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTuneGCLeavesTheEnvironmentsChoice: serve's GOGC and soft memory
// limit apply only where the environment sets none.
func TestTuneGCLeavesTheEnvironmentsChoice(t *testing.T) {
	gcPercent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(gcPercent); debug.SetMemoryLimit(limit) })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	tuneGC(func(string) string { return "" }, log)
	require.Equal(t, serveGCPercent, debug.SetGCPercent(100))
	require.Equal(t, int64(serveMemoryLimit), debug.SetMemoryLimit(1<<40))

	env := map[string]string{"GOGC": "80", "GOMEMLIMIT": "1GiB"}
	tuneGC(func(k string) string { return env[k] }, log)
	require.Equal(t, 100, debug.SetGCPercent(100), "GOGC set: unchanged")
	require.Equal(t, int64(1<<40), debug.SetMemoryLimit(1<<40), "GOMEMLIMIT set: unchanged")
}
