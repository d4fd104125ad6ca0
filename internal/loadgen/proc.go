package loadgen

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTick = 100

// cpuSeconds is utime + stime of pid, from /proc/<pid>/stat.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; fields start after its ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) / clockTick
}

// parentOf is pid's parent process id.
func parentOf(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.Atoi(f[1])
	return p
}

// treeCPU is the CPU time of pid and its children (PostgreSQL's backends
// are children of the postmaster).
func treeCPU(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	total := cpuSeconds(pid)
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		child, err := strconv.Atoi(filepath.Base(d))
		if err == nil && parentOf(child) == pid {
			total += cpuSeconds(child)
		}
	}
	return total
}

// statusKB reads a "Key:   123 kB" line of /proc/<pid>/status.
func statusKB(pid int, key string) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, _ := strconv.ParseFloat(f[0], 64)
				return v
			}
		}
	}
	return 0
}

// rssWatch follows a process's peak resident set size during a phase: it
// resets the kernel's high-water mark (VmHWM) at the start where allowed,
// and samples VmRSS every 50 ms in case it is not.
type rssWatch struct {
	pid   int
	stop  chan struct{}
	done  sync.WaitGroup
	mu    sync.Mutex
	peak  float64
	reset bool
}

func watchRSS(pid int) *rssWatch {
	w := &rssWatch{pid: pid, stop: make(chan struct{})}
	if pid <= 0 {
		return w
	}
	// "5" resets the peak RSS (Documentation/filesystems/proc.rst).
	w.reset = os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0) == nil
	w.done.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			v := statusKB(pid, "VmRSS")
			w.mu.Lock()
			w.peak = max(w.peak, v)
			w.mu.Unlock()
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	})
	return w
}

// end stops sampling and returns the peak in MB.
func (w *rssWatch) end() float64 {
	close(w.stop)
	w.done.Wait()
	peak := w.peak
	if w.reset {
		peak = max(peak, statusKB(w.pid, "VmHWM"))
	}
	return float64(int(peak/1024*10)) / 10
}

// CPUSeconds is the CPU time pid has used so far (user and system).
func CPUSeconds(pid int) float64 { return cpuSeconds(pid) }

// PeakRSSMB is pid's peak resident set size (VmHWM) in MB.
func PeakRSSMB(pid int) float64 { return float64(int(statusKB(pid, "VmHWM")/1024*10)) / 10 }
