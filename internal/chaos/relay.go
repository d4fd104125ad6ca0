package chaos

import (
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// relay is the outgoing SMTP server: it accepts everything and records
// each message's Message-ID and when it arrived.
type relay struct {
	srv  *smtp.Server
	addr string
	mu   sync.Mutex
	got  map[string][]time.Time
}

func startRelay() (*relay, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &relay{addr: l.Addr().String(), got: map[string][]time.Time{}}
	r.srv = smtp.NewServer(r)
	r.srv.Domain = "relay.test"
	r.srv.AllowInsecureAuth = true
	go func() { _ = r.srv.Serve(l) }()
	return r, nil
}

func (r *relay) close() { _ = r.srv.Close() }

// receipts returns each Message-ID's arrival times.
func (r *relay) receipts() map[string][]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]time.Time, len(r.got))
	for k, v := range r.got {
		out[k] = append([]time.Time(nil), v...)
	}
	return out
}

func (r *relay) NewSession(*smtp.Conn) (smtp.Session, error) { return &relaySession{r: r}, nil }

type relaySession struct{ r *relay }

func (s *relaySession) Reset()                                    {}
func (s *relaySession) Logout() error                             { return nil }
func (s *relaySession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *relaySession) Rcpt(string, *smtp.RcptOptions) error      { return nil }
func (s *relaySession) AuthPlain(username, password string) error { return nil }
func (s *relaySession) Data(body io.Reader) error {
	m, err := mail.ReadMessage(body)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, m.Body)
	id := strings.Trim(m.Header.Get("Message-Id"), "<> ")
	s.r.mu.Lock()
	s.r.got[id] = append(s.r.got[id], time.Now())
	s.r.mu.Unlock()
	return nil
}
