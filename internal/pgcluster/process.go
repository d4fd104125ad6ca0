// The server process: starting it attached or detached, waiting for it,
// stopping it and telling whether it runs.

package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Start starts the server and waits until it accepts connections. It does
// nothing if the server is already running.
func (c *Cluster) Start(ctx context.Context) error {
	if err := c.setup(); err != nil {
		return err
	}
	if !c.Initialized() {
		return fmt.Errorf("pgcluster: %s is not initialized", c.Dir)
	}
	if c.Running() {
		return nil
	}
	if err := c.makeDirs(); err != nil {
		return err
	}
	if err := c.writeConf(); err != nil {
		return err
	}
	if c.Attached {
		return c.startAttached(ctx)
	}
	// -l matters twice: it is the log, and it keeps the daemon from holding
	// our output pipe open.
	out, err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-s", "-D", c.Dir, "-l", c.LogFile())
	if err != nil {
		return fmt.Errorf("pgcluster: pg_ctl start %s: %w\n%s%s", c.Dir, err, out, c.logTail())
	}
	return nil
}

// startAttached runs postgres as a child that gets SIGQUIT (immediate
// shutdown) when this process dies, then waits for it to be ready.
func (c *Cluster) startAttached(ctx context.Context) error {
	logf, err := os.OpenFile(c.LogFile(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("pgcluster: server log: %w", err)
	}
	defer logf.Close() // the child keeps its own descriptor
	if err := c.chown(c.LogFile()); err != nil {
		return err
	}
	// Not CommandContext: ctx bounds the start-up, not the server's life.
	cmd := exec.Command(filepath.Join(c.bin, "postgres"), "-D", c.Dir)
	cmd.Dir = "/"
	cmd.Env = serverEnv()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	setParentDeathSignal(cmd.SysProcAttr, syscall.SIGQUIT)

	started := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		// The parent-death signal fires when the thread that forked the
		// child exits, not the process (go.dev/issue/27505). Keep this
		// thread locked and alive until the server exits; returning while
		// locked then lets the runtime retire it.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait() // its exit status tells nothing Stop needs
		close(exited)
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("pgcluster: start postgres: %w", err)
	}
	c.child, c.exited = cmd, exited

	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(60 * time.Second)
	for !c.ready() {
		select {
		case <-exited:
			return fmt.Errorf("pgcluster: postgres exited during start-up%s", c.logTail())
		case <-ctx.Done():
			c.kill()
			return fmt.Errorf("pgcluster: start postgres: %w%s", ctx.Err(), c.logTail())
		case <-timeout:
			c.kill()
			return fmt.Errorf("pgcluster: postgres not ready after 60s%s", c.logTail())
		case <-tick.C:
		}
	}
	return nil
}

// ready reports whether postmaster.pid says the server accepts connections
// (its eighth line is the status, since PostgreSQL 10; a standby says
// "standby", as pg_ctl also accepts).
func (c *Cluster) ready() bool {
	b, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
	if err != nil {
		return false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) <= 7 {
		return false
	}
	status := strings.TrimSpace(lines[7])
	return status == "ready" || status == "standby"
}

// childExited reports whether the attached server has exited.
func (c *Cluster) childExited() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

// kill stops the attached server at once and waits for it.
func (c *Cluster) kill() {
	_ = c.child.Process.Signal(syscall.SIGQUIT)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.child.Process.Kill()
		<-c.exited
	}
}

// Stop shuts the server down in "fast" mode (sessions are disconnected,
// transactions rolled back) and waits for it. It does nothing if the server
// is not running.
func (c *Cluster) Stop(ctx context.Context) error {
	if c.child != nil && !c.childExited() {
		defer func() { c.child = nil }()
		if err := c.child.Process.Signal(syscall.SIGINT); err != nil {
			return fmt.Errorf("pgcluster: stop postgres: %w", err)
		}
		select {
		case <-c.exited:
			return nil
		case <-ctx.Done():
			c.kill()
			return fmt.Errorf("pgcluster: stop postgres: %w", ctx.Err())
		}
	}
	c.child = nil
	if !c.Running() {
		return nil
	}
	if err := c.setup(); err != nil {
		return err
	}
	out, err := c.run(ctx, "pg_ctl", "stop", "-w", "-t", "60", "-s", "-m", "fast", "-D", c.Dir)
	if err != nil {
		return fmt.Errorf("pgcluster: pg_ctl stop %s: %w\n%s", c.Dir, err, out)
	}
	return nil
}

// Running reports whether a server is running on Dir: an attached child that
// has not exited, or the live process named in postmaster.pid.
func (c *Cluster) Running() bool {
	if c.child != nil && !c.childExited() {
		return true
	}
	return postmasterAlive(filepath.Join(c.Dir, "postmaster.pid"))
}

// postmasterAlive reports whether the pid file names a live postgres process.
func postmasterAlive(pidFile string) bool {
	pid := readPID(pidFile)
	if pid <= 0 {
		return false
	}
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil {
		// A stale pid file whose pid now belongs to another program.
		return strings.HasPrefix(string(comm), "postgres")
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// readPID returns the number on the first line of a pid file, or 0.
func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}
