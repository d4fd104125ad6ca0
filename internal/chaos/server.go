package chaos

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"
)

// server runs `atiende serve` as a child process that the suite kills
// with SIGKILL and starts again.
type server struct {
	bin     string
	env     []string
	out     io.Writer
	httpURL string
	smtp    string // inbound SMTP address

	mu    sync.Mutex
	cmd   *exec.Cmd
	kills int
}

// Fast rescue for the run: jobs orphaned by a kill are retried within
// about chaosRescue + 30 s (River's rescuer interval).
const (
	chaosJobTimeout = "10s"
	chaosRescue     = "15s"
)

func newServer(bin string, db *database, relayAddr string, out io.Writer) (*server, error) {
	httpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	smtpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	relayHost, relayPort, _ := net.SplitHostPort(relayAddr)
	s := &server{bin: bin, out: out,
		httpURL: fmt.Sprintf("http://127.0.0.1:%d", httpPort), smtp: fmt.Sprintf("127.0.0.1:%d", smtpPort)}
	s.env = append(os.Environ(),
		"DATABASE_URL="+db.appURL(),
		"ATIENDE_MIGRATION_DATABASE_URL="+db.ownerURL(),
		fmt.Sprintf("ATIENDE_ADDR=127.0.0.1:%d", httpPort),
		"ATIENDE_BASE_URL="+s.httpURL,
		"ATIENDE_SMTP_ADDR="+s.smtp,
		"ATIENDE_INBOUND_DOMAIN=localhost",
		"ATIENDE_MAIL_SECRET=chaos-suite-secret-of-at-least-32-characters",
		"ATIENDE_SMTP_HOST="+relayHost, "ATIENDE_SMTP_PORT="+relayPort, "ATIENDE_SMTP_TLS=none",
		"ATIENDE_SMTP_ALLOW_PRIVATE=true",
		"ATIENDE_TRUSTED_PROXY_HEADER=X-Forwarded-For",
		"ATIENDE_JOB_TIMEOUT="+chaosJobTimeout, "ATIENDE_JOB_RESCUE_AFTER="+chaosRescue,
		"ATIENDE_DEMO_PASSWORD="+customerPassword,
		"ATIENDE_LOG_LEVEL=warn",
	)
	return s, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// prepare migrates the database and loads the demo desk.
func (s *server) prepare(ctx context.Context) error {
	for _, args := range [][]string{{"migrate", "up"}, {"demo"}} {
		cmd := exec.CommandContext(ctx, s.bin, args...)
		cmd.Env, cmd.Stdout, cmd.Stderr = s.env, s.out, s.out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("chaos: atiende %v: %w", args, err)
		}
	}
	return nil
}

// start runs the server and waits until it answers.
func (s *server) start(ctx context.Context) error {
	s.mu.Lock()
	cmd := exec.Command(s.bin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = s.env, s.out, s.out
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("chaos: start atiende: %w", err)
	}
	s.cmd = cmd
	s.mu.Unlock()
	go func() { _ = cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(s.httpURL + "/healthz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("chaos: atiende did not answer within a minute")
}

// kill sends SIGKILL: no shutdown, no drain.
func (s *server) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil && s.cmd.Process != nil {
		if s.cmd.Process.Kill() == nil {
			s.kills++
		}
		s.cmd = nil
	}
}

// ensureUp starts the server when it is not running.
func (s *server) ensureUp(ctx context.Context) error {
	s.mu.Lock()
	running := s.cmd != nil
	s.mu.Unlock()
	if running {
		return nil
	}
	return s.start(ctx)
}
