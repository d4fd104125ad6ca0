package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/mail"
)

// mailbox is an SMTP server on loopback that keeps what Atiende's mail
// worker delivers to it: the account tests follow the real path, from the
// form through the outbox, River and SMTP to the link in the message.
type mailbox struct {
	t    *testing.T
	mu   sync.Mutex
	msgs []sentMail
}

// sentMail is one delivered message, decoded.
type sentMail struct {
	To, Subject, Text, Lang string
}

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{mb: mb}, nil }

type mailboxSession struct {
	mb *mailbox
	to string
}

func (s *mailboxSession) Reset()                                    {}
func (s *mailboxSession) Logout() error                             { return nil }
func (s *mailboxSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *mailboxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, sentMail{To: s.to, Subject: env.GetHeader("Subject"), Text: env.Text, Lang: env.GetHeader("Content-Language")})
	s.mb.mu.Unlock()
	return nil
}

// startMail runs the email channel's worker on River for e, delivering
// to a new mailbox over loopback SMTP; links point at e's server. The env
// must have been built withMail(), so its service signs with mailSigner.
func (e *env) startMail(t *testing.T) *mailbox {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mb := &mailbox{t: t}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := smtp.NewServer(mb)
	srv.Domain = "localhost"
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	port := l.Addr().(*net.TCPAddr).Port

	out := &mail.Deliverer{Service: e.svc, Store: e.store, Signer: mailSigner, Domain: "localhost", BaseURL: e.url, Log: quiet,
		SMTP: &mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, AllowPrivate: true, HelloName: "localhost", Timeout: 5 * time.Second}}
	proc := &mail.Processor{Service: e.svc, Store: e.store, Log: quiet}
	w := mail.NewWorker(e.store, proc, out, quiet)
	w.Backoff = func(int) time.Duration { return 100 * time.Millisecond }
	reg := jobs.NewRegistry()
	mail.RegisterJobs(reg, w)
	runner, err := jobs.Start(context.Background(), e.pool, quiet, reg, jobs.Options{Concurrency: 2, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = runner.Stop(ctx)
	})
	return mb
}

// to returns the messages delivered to addr so far.
func (mb *mailbox) to(addr string) []sentMail {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []sentMail
	for _, m := range mb.msgs {
		if strings.EqualFold(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

// wait returns the n-th message (1-based) delivered to addr, waiting for
// it.
func (mb *mailbox) wait(addr string, n int) sentMail {
	mb.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if ms := mb.to(addr); len(ms) >= n {
			return ms[n-1]
		}
		if time.Now().After(deadline) {
			mb.t.Fatalf("no message %d to %s within 30s (have %d)", n, addr, len(mb.to(addr)))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// quietFor asserts nothing more reaches addr than the n messages it has,
// waiting d for a stray one.
func (mb *mailbox) quietFor(addr string, n int, d time.Duration) {
	mb.t.Helper()
	time.Sleep(d)
	require.Len(mb.t, mb.to(addr), n, "messages to %s", addr)
}

var linkPattern = regexp.MustCompile(`https?://[^\s]+/(reset|invitations)/[A-Za-z0-9_-]{43}`)

// link returns the path of the set-password or invitation link in m.
func (m sentMail) link(t *testing.T) string {
	t.Helper()
	u := linkPattern.FindString(m.Text)
	require.NotEmpty(t, u, "no link in %q", m.Text)
	i := strings.Index(u[len("http://"):], "/")
	return u[len("http://")+i:]
}

// mailSigner signs the threading tokens of the mail tests' services.
var mailSigner = helpdesk.NewThreadSigner([]byte(strings.Repeat("k", 32)))

// withMail turns the email channel on in a test env's service.
func withMail() helpdesk.Option { return helpdesk.WithEmail(mailSigner) }
