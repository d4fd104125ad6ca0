package bench

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/go-chi/chi/v5"
)

// atiendeProc is `atiende serve` running as a child process.
type atiendeProc struct {
	cmd  *exec.Cmd
	url  string
	log  *os.File
	done chan error
}

// freeAddr returns a loopback address with a free port.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startServer starts atiende serve on a loopback port with its default
// settings, but for one: the client address is taken from X-Forwarded-For,
// as behind a reverse proxy, so the load driver's virtual users each sign
// in from an address of their own and the per-address login limit applies
// to each as it would to real people. pprofAddr, when set, opens the
// server's opt-in profiling listener.
func startServer(ctx context.Context, atiende, dbURL, logPath, pprofAddr string) (*atiendeProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(atiende, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dbURL,
		"ATIENDE_ADDR="+addr,
		"ATIENDE_BASE_URL=http://"+addr,
		"ATIENDE_TRUSTED_PROXY_HEADER=X-Forwarded-For",
		"ATIENDE_PPROF_ADDR="+pprofAddr,
		// The bench drives HTTP only; no mail listener to collide with.
		"ATIENDE_SMTP_ADDR=off",
	)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("bench: start atiende serve: %w", err)
	}
	s := &atiendeProc{cmd: cmd, url: "http://" + addr, log: f, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			f.Close()
			return nil, fmt.Errorf("bench: atiende serve exited (%v); see %s", err, logPath)
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("bench: atiende serve not ready after 30s; see %s", logPath)
		}
	}
}

func (s *atiendeProc) pid() int { return s.cmd.Process.Pid }

// stop asks the server to shut down and waits for it.
func (s *atiendeProc) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
}

// ceiling serves the HTTP ceiling: a chi router with one handler that
// writes a fixed page of size bytes, no database and no templates. It runs
// in this process, which is idle while the driver measures.
func ceiling(size int) (string, func(), error) {
	addr, err := freeAddr()
	if err != nil {
		return "", nil, err
	}
	page := []byte("<!doctype html><html lang=\"es\"><title>techo</title><body>" +
		strings.Repeat("<p>Atiende</p>\n", max(0, size/15)) + "</body></html>")
	r := chi.NewRouter()
	r.Get("/{tenant}/agent/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return "http://" + addr + "/ceiling/agent/", func() { _ = srv.Close() }, nil
}

// pageSize signs in as email and returns the size of the queue page, so
// the ceiling handler answers as many bytes.
func pageSize(base, tenant, email string) (int, error) {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := strings.NewReader("email=" + strings.ReplaceAll(email, "@", "%40") + "&password=" + Password)
	req, _ := http.NewRequest(http.MethodPost, base+"/"+tenant+"/login", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "192.0.2.1")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return 0, fmt.Errorf("bench: sign in as %s: status %d", email, resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, base+"/"+tenant+"/agent/", nil)
	for _, ck := range resp.Cookies() {
		req.AddCookie(ck)
	}
	resp, err = c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("bench: queue page: status %d", resp.StatusCode)
	}
	return b.Len(), err
}
