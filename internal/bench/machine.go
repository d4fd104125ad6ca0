package bench

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/loadgen"
)

// Machine describes where a run happened.
type Machine struct {
	Cores    int    `json:"cores"`
	MemoryGB string `json:"memory_gb"`
	CPU      string `json:"cpu"`
	Go       string `json:"go"`
	Postgres string `json:"postgres"`
}

func machine(ctx context.Context, url string) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if mb := memTotalMB(); mb > 0 {
		m.MemoryGB = strconv.FormatFloat(float64(mb)/1024, 'f', 1, 64)
	}
	if c, err := pgx.Connect(ctx, url); err == nil {
		_ = c.QueryRow(ctx, `SHOW server_version`).Scan(&m.Postgres)
		c.Close(ctx)
	}
	return m
}

// memTotalMB is the machine's memory (0 when /proc does not say).
func memTotalMB() int {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				kb, _ := strconv.Atoi(f[0])
				return kb / 1024
			}
		}
	}
	return 0
}

func cpuOf(pid int) float64 { return loadgen.CPUSeconds(pid) }
func hwmOf(pid int) float64 { return loadgen.PeakRSSMB(pid) }

// loadAvg is the 1, 5 and 15 minute load averages: on a shared machine
// they say how much of it the run had.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], ", ")
}
