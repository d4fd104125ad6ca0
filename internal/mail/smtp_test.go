package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// sink is a test SMTP server that keeps what it receives.
type sink struct {
	mu   sync.Mutex
	msgs []sunk
}

type sunk struct {
	from, to string
	raw      []byte
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

func (s *sink) all() []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunk(nil), s.msgs...)
}

type sinkSession struct {
	s        *sink
	from, to string
}

func (ss *sinkSession) Reset()                                      {}
func (ss *sinkSession) Logout() error                               { return nil }
func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error { ss.from = from; return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error   { ss.to = to; return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, sunk{ss.from, ss.to, b})
	ss.s.mu.Unlock()
	return nil
}

// serve starts an SMTP server for be on addr (127.0.0.1:0 for any port)
// and returns its address.
func serve(t *testing.T, be smtp.Backend, addr string) string {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

// startReceiver runs the rig's Atiende receiver on loopback.
func (r *rig) startReceiver(t *testing.T, maxBytes int64) string {
	t.Helper()
	rc := &Receiver{Service: r.svc, Domain: r.deliver.Domain, MaxBytes: maxBytes, Log: quietLog()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rc.Server("")
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

// sendPlain delivers one message without TLS (loopback tests).
func sendPlain(addr, from string, to []string, r io.Reader) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.SendMail(from, to, r)
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func loopbackSMTP(addr string) *SMTPConfig {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return &SMTPConfig{Host: host, Port: p, TLS: TLSNone, AllowPrivate: true, HelloName: "localhost", Timeout: 5 * time.Second}
}

// TestSMTPBothWaysOverLoopback is the "done when" over real
// sockets: a client delivers a mail to Atiende's receiver and it becomes a
// ticket; an agent's reply goes out through a test SMTP server, threaded
// (our Message-ID, In-Reply-To and References on the customer's mail); a
// reply to that message lands on the same ticket.
func TestSMTPBothWaysOverLoopback(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	ctx := context.Background()
	inAddr := r.startReceiver(t, 1<<20)
	out := &sink{}
	r.deliver.SMTP = loopbackSMTP(serve(t, out, "127.0.0.1:0"))
	r.runJobs(t)

	first := readEML(t, "gmail_alternative.eml")
	require.NoError(t, sendPlain(inAddr, "rosa@example.com", []string{"demo@localhost"}, bytes.NewReader(first)))

	// Refusals at SMTP time: an unknown desk at RCPT, an oversized message.
	err := sendPlain(inAddr, "rosa@example.com", []string{"nadie@localhost"}, bytes.NewReader(first))
	assert.Equal(t, 550, smtpCode(err), "unknown desk: %v", err)
	err = sendPlain(inAddr, "rosa@example.com", []string{"demo@elsewhere.example"}, bytes.NewReader(first))
	assert.Equal(t, 550, smtpCode(err), "foreign domain: %v", err)
	big := append(bytes.Clone(first), bytes.Repeat([]byte(strings.Repeat("x", 76)+"\r\n"), 30000)...)
	err = sendPlain(inAddr, "rosa@example.com", []string{"demo@localhost"}, bytes.NewReader(big))
	assert.Equal(t, 552, smtpCode(err), "oversized: %v", err)
	// A poison message is stored, refused by the rules, and blocks nothing.
	require.NoError(t, sendPlain(inAddr, "x@example.com", []string{"demo@localhost"},
		strings.NewReader("\x00\xff garbage without headers")))
	r.drain(t)

	in, err := r.store.InboundMails(ctx, r.desks["demo"].ID, 10)
	require.NoError(t, err)
	require.Len(t, in, 2)
	assert.Equal(t, helpdesk.OutcomeRejected, in[0].Outcome, "the poison message")
	assert.Equal(t, helpdesk.OutcomeNewTicket, in[1].Outcome)
	n := in[1].Ticket
	require.Len(t, out.all(), 1, "the acknowledgement went out")

	_, err = r.svc.Reply(ctx, r.agents["demo"].Actor(), helpdesk.TicketVersion{Number: n},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Hemos reiniciado la impresora. ¿Puede probar?",
			Attachments: []helpdesk.NewAttachment{{Filename: "guía rápida.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("Paso 1: encender.")}}}, Public: true})
	require.NoError(t, err)
	r.drain(t)
	sent := out.all()
	require.Len(t, sent, 2)
	reply := sent[1]
	assert.Equal(t, "demo@localhost", reply.from, "bounces come back to the desk")
	assert.Equal(t, "rosa@example.com", reply.to)
	env, err := enmime.ReadEnvelope(bytes.NewReader(reply.raw))
	require.NoError(t, err)
	subject := env.GetHeader("Subject")
	assert.Equal(t, "[#"+itoa(int64(n))+"] Problema con la impresión", subject)
	assert.Contains(t, env.Text, "Hemos reiniciado la impresora")
	assert.Contains(t, env.HTML, "Hemos reiniciado la impresora")
	assert.Contains(t, env.HTML, "Desk demo")
	msgID := strings.Trim(env.GetHeader("Message-Id"), "<>")
	tn, num, ok := r.signer.Verify(msgID)
	assert.True(t, ok)
	assert.Equal(t, r.desks["demo"].ID, tn)
	assert.Equal(t, n, num)
	assert.Equal(t, "<CAJx1+gmail-0001@mail.gmail.com>", env.GetHeader("In-Reply-To"))
	assert.Contains(t, env.GetHeader("References"), "<CAJx1+gmail-0001@mail.gmail.com>")
	assert.Empty(t, env.GetHeader("Auto-Submitted"), "a person's reply is not automatic")
	require.Len(t, env.Attachments, 1, "the reply's files go with it")
	assert.Equal(t, "guía rápida.txt", env.Attachments[0].FileName)
	assert.Equal(t, "Paso 1: encender.", string(env.Attachments[0].Content))
	ack, err := enmime.ReadEnvelope(bytes.NewReader(sent[0].raw))
	require.NoError(t, err)
	assert.Equal(t, "auto-generated", ack.GetHeader("Auto-Submitted"))
	assert.Contains(t, ack.Text, "#"+itoa(int64(n)))

	// The customer answers the agent's message from their client.
	answer := fmt.Sprintf("From: Rosa <rosa@example.com>\r\nTo: demo@localhost\r\nSubject: Re: %s\r\n"+
		"Message-ID: <answer-1@example.com>\r\nIn-Reply-To: <%s>\r\nReferences: <%s>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nSigue sin imprimir.\r\n\r\nOn Tue, 3 Mar 2026 at 18:00, Desk demo <demo@localhost> wrote:\r\n> Hemos reiniciado\r\n",
		subject, msgID, msgID)
	require.NoError(t, sendPlain(inAddr, "rosa@example.com", []string{"demo@localhost"}, strings.NewReader(answer)))
	r.drain(t)
	in, err = r.store.InboundMails(ctx, r.desks["demo"].ID, 1)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.OutcomeReply, in[0].Outcome)
	assert.Equal(t, n, in[0].Ticket)
	assert.Equal(t, 1, r.count(t, "demo", `SELECT count(*) FROM tickets`))
}

// TestOutageDeliversEachNotificationOnce: with the SMTP server down, ten
// notifications wait in the outbox; once it is back each is delivered
// exactly once.
func TestOutageDeliversEachNotificationOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close()) // nothing listens there now
	r.deliver.SMTP = loopbackSMTP(addr)
	r.worker.Backoff = func(int) time.Duration { return 200 * time.Millisecond }
	r.worker.MaxOutbound = 1000
	r.runJobs(t)

	for i := range 10 {
		_, err := r.svc.OpenTicket(ctx, r.agents["demo"].Actor(), helpdesk.NewTicket{Subject: "Aviso " + itoa(int64(i)),
			Description: "x", Channel: helpdesk.ChannelPhone,
			Requester: helpdesk.Requester{Name: "Cliente", Email: "cliente" + itoa(int64(i)) + "@example.com"}})
		require.NoError(t, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for r.count(t, "demo", `SELECT count(*) FROM mail_outbox WHERE state = 'queued' AND attempts >= 1`) < 10 {
		require.True(t, time.Now().Before(deadline), "every delivery should have failed once")
		time.Sleep(50 * time.Millisecond)
	}
	assert.Zero(t, r.count(t, "demo", `SELECT count(*) FROM mail_outbox WHERE state <> 'queued'`), "nothing is lost or given up")

	out := &sink{}
	serve(t, out, addr)
	r.drain(t)
	got := map[string]int{}
	for _, m := range out.all() {
		got[m.to]++
	}
	assert.Len(t, got, 10)
	for to, c := range got {
		assert.Equal(t, 1, c, to)
	}
	assert.Equal(t, 10, r.count(t, "demo", `SELECT count(*) FROM mail_outbox WHERE state = 'sent'`))
	time.Sleep(300 * time.Millisecond)
	assert.Len(t, out.all(), 10, "nothing is sent twice")
}

// TestTwoDesksMailingEachOtherSettle: two desks whose addresses write to
// each other acknowledge once each; the acknowledgements are automatic
// mail, which opens nothing, so the exchange stops.
func TestTwoDesksMailingEachOtherSettle(t *testing.T) {
	t.Parallel()
	r := newRig(t, "alfa", "beta")
	r.deliver.Domain = "desk.example" // a sender address needs a dotted domain
	inAddr := r.startReceiver(t, 1<<20)
	r.deliver.SMTP = loopbackSMTP(inAddr) // every desk's mail goes to Atiende itself
	r.runJobs(t)

	send := func(from, to string) {
		msg := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Hola desde %s\r\nMessage-ID: <%s-start@example.com>\r\n\r\nHola.\r\n", from, to, from, from)
		require.NoError(t, sendPlain(inAddr, from, []string{to}, strings.NewReader(msg)))
	}
	send("alfa@desk.example", "beta@desk.example")
	send("beta@desk.example", "alfa@desk.example")
	for range 5 {
		r.drain(t)
		time.Sleep(100 * time.Millisecond)
	}
	for _, slug := range []string{"alfa", "beta"} {
		assert.Equal(t, 1, r.count(t, slug, `SELECT count(*) FROM mail_outbox WHERE kind = 'ack'`), slug)
		assert.Equal(t, 1, r.count(t, slug, `SELECT count(*) FROM tickets`), slug)
		assert.Equal(t, 1, r.count(t, slug, `SELECT count(*) FROM mail_inbound WHERE outcome = 'loop_suppressed'`), slug)
	}
	assert.Zero(t, r.pendingJobs(t))
}

// TestOutgoingHostGuard: settings that may not reach internal addresses
// are refused before any connection; the operator's may.
func TestOutgoingHostGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var accepted int
	var mu sync.Mutex
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			accepted++
			mu.Unlock()
			c.Close()
		}
	}()
	guarded := *loopbackSMTP(l.Addr().String())
	guarded.AllowPrivate = false
	err = guarded.Send(ctx, "a@localhost", "b@example.com", []byte("x"))
	assert.ErrorIs(t, err, ErrForbiddenHost)
	assert.True(t, Permanent(err))
	for _, host := range []string{"127.0.0.1", "localhost", "::1", "10.1.2.3", "192.168.0.10", "172.16.5.4",
		"169.254.169.254", "fd00:ec2::254", "0.0.0.0", "100.64.0.1", "::ffff:127.0.0.1", "fe80::1"} {
		c := SMTPConfig{Host: host, Port: 25, TLS: TLSNone}
		assert.ErrorIs(t, c.Check(ctx), ErrForbiddenHost, host)
	}
	c := SMTPConfig{Host: "8.8.8.8", Port: 25, TLS: TLSNone}
	assert.NoError(t, c.Check(ctx), "a public address is fine")
	mu.Lock()
	assert.Zero(t, accepted, "refused before connecting")
	mu.Unlock()
}
