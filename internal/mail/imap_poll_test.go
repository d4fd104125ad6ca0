package mail

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
)

// imapTestServer is go-imap's in-memory server on a loopback port.
type imapTestServer struct {
	mem  *imapmemserver.Server
	port int
}

func startIMAP(t *testing.T) *imapTestServer {
	t.Helper()
	mem := imapmemserver.New()
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true, // plain text on loopback, as the SMTP tests do
		Logger:       nopLogger{},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &imapTestServer{mem: mem, port: ln.Addr().(*net.TCPAddr).Port}
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// user adds a mailbox owner with an INBOX.
func (s *imapTestServer) user(t *testing.T, name, password string) *imapmemserver.User {
	t.Helper()
	u := imapmemserver.NewUser(name, password)
	require.NoError(t, u.Create("INBOX", nil))
	s.mem.AddUser(u)
	return u
}

func appendMail(t *testing.T, u *imapmemserver.User, raw []byte) {
	t.Helper()
	_, err := u.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{})
	require.NoError(t, err)
}

func unseen(t *testing.T, u *imapmemserver.User) uint32 {
	t.Helper()
	st, err := u.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true})
	require.NoError(t, err)
	return *st.NumUnseen
}

// imapDesk points desk slug's settings at the test server. The loopback
// host is allowed only because the rig passes HostCheck(true), the same
// explicit switch as SMTPConfig.AllowPrivate.
func (r *rig) imapDesk(t *testing.T, slug string, port int, user, password string) {
	t.Helper()
	admin, err := r.store.UserByEmail(context.Background(), r.desks[slug].ID, "admin@"+slug+".example")
	require.NoError(t, err)
	_, err = r.svc.SetIMAPSettings(context.Background(), admin.Actor(), helpdesk.IMAPInput{Host: "127.0.0.1",
		Port: strconv.Itoa(port), TLS: "none", Username: user, Password: password, Enabled: true})
	require.NoError(t, err)
}

func (r *rig) poller() *Poller {
	return &Poller{Service: r.svc, Store: r.store, Log: quietLog(), AllowPrivate: true, MaxBytes: 64 << 10}
}

// TestIMAPPoll fetches two desks' mailboxes from a real IMAP server: new
// mail becomes tickets (or a reply on its ticket) and is marked \Seen;
// nothing is taken twice, neither by a second poll nor when the same
// Message-ID arrives again; a message that cannot be taken is left unread
// and does not hold up the next ones; each desk's poll uses its own
// account only.
func TestIMAPPoll(t *testing.T) {
	t.Parallel()
	r := newRigWith(t, []helpdesk.Option{helpdesk.WithIMAP(NewSecretBox(testSecret), HostCheck(true))}, "demo", "otra")
	r.runJobs(t)
	srv := startIMAP(t)
	ctx := context.Background()
	demo, otra := r.desks["demo"].ID, r.desks["otra"].ID
	boxDemo := srv.user(t, "soporte@demo.example", "clave-demo")
	boxOtra := srv.user(t, "ayuda@otra.example", "clave-otra")
	r.imapDesk(t, "demo", srv.port, "soporte@demo.example", "clave-demo")
	r.imapDesk(t, "otra", srv.port, "ayuda@otra.example", "clave-otra")
	p := r.poller()

	appendMail(t, boxDemo, readEML(t, "gmail_alternative.eml"))
	appendMail(t, boxDemo, readEML(t, "apple_latin1.eml"))
	appendMail(t, boxOtra, readEML(t, "outlook_reply.eml"))

	n, err := p.Poll(ctx, demo)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	r.drain(t)
	assert.Equal(t, 2, r.count(t, "demo", `SELECT count(*) FROM tickets WHERE channel = 'email'`))
	assert.Equal(t, 2, r.count(t, "demo", `SELECT count(*) FROM mail_inbound WHERE outcome = 'new_ticket'`))
	assert.Zero(t, unseen(t, boxDemo), "processed mail is marked \\Seen")
	assert.Equal(t, uint32(1), unseen(t, boxOtra), "demo's poll never opens otra's mailbox")
	assert.Zero(t, r.count(t, "otra", `SELECT count(*) FROM mail_inbound`))

	n, err = p.Poll(ctx, demo)
	require.NoError(t, err)
	assert.Zero(t, n, "a second poll takes nothing again")
	assert.Equal(t, 2, r.count(t, "demo", `SELECT count(*) FROM mail_inbound`))

	// Next: an oversized message, a reply carrying the first ticket's
	// token, and the first message again under a new UID.
	// (the two were processed concurrently: find Rosa's by its subject)
	first := int64(r.count(t, "demo", `SELECT number FROM tickets WHERE subject = 'Problema con la impresión'`))
	token := r.signer.Token(demo, helpdesk.TicketNumber(first), 1) + "@localhost"
	big := "Message-ID: <grande@example.com>\r\nFrom: rosa@example.com\r\nSubject: grande\r\n\r\n" + strings.Repeat("x", 100<<10) + "\r\n"
	appendMail(t, boxDemo, []byte(big))
	appendMail(t, boxDemo, readEML(t, "thunderbird_reply.eml", "{{TOKEN}}", token, "{{NUMBER}}", "999"))
	appendMail(t, boxDemo, readEML(t, "gmail_alternative.eml"))
	n, err = p.Poll(ctx, demo)
	require.Error(t, err, "the skipped message is reported")
	assert.Contains(t, err.Error(), "over the limit")
	assert.Equal(t, 2, n, "the poison message does not block the two after it")
	r.drain(t)
	assert.Equal(t, 2, r.count(t, "demo", `SELECT count(*) FROM tickets`), "the same Message-ID again opens nothing")
	assert.Equal(t, 1, r.count(t, "demo", `SELECT count(*) FROM mail_inbound WHERE outcome = 'reply' AND ticket_number = $1`, first))
	assert.Equal(t, 1, r.count(t, "demo", `SELECT count(*) FROM mail_inbound WHERE duplicate_of IS NOT NULL`))
	assert.Zero(t, r.count(t, "demo", `SELECT count(*) FROM mail_inbound WHERE message_id = 'grande@example.com'`))
	assert.Equal(t, uint32(1), unseen(t, boxDemo), "only the oversized message is left unread, for a person")
	acct, err := r.store.IMAPAccount(ctx, demo)
	require.NoError(t, err)
	assert.Contains(t, acct.LastError, "over the limit", "the admin sees why")
	assert.Equal(t, uint32(5), acct.LastUID)

	n, err = p.Poll(ctx, demo)
	require.NoError(t, err)
	assert.Zero(t, n, "and the skipped message is not tried again")
	assert.Equal(t, 4, r.count(t, "demo", `SELECT count(*) FROM mail_inbound`), "two, the reply and the duplicate's log line")

	// otra's poll takes otra's mail into otra only.
	n, err = p.Poll(ctx, otra)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	r.drain(t)
	assert.Equal(t, 1, r.count(t, "otra", `SELECT count(*) FROM tickets`))
	assert.Equal(t, 2, r.count(t, "demo", `SELECT count(*) FROM tickets`))
	assert.Zero(t, unseen(t, boxOtra))

	// A wrong password fails that desk alone, recorded on its account.
	r.imapDesk(t, "otra", srv.port, "ayuda@otra.example", "mala")
	appendMail(t, boxOtra, readEML(t, "apple_latin1.eml"))
	appendMail(t, boxDemo, readEML(t, "outlook_reply.eml"))
	require.NoError(t, p.PollTenants(ctx, []helpdesk.TenantID{otra, demo}))
	acct, err = r.store.IMAPAccount(ctx, otra)
	require.NoError(t, err)
	assert.Contains(t, acct.LastError, "login")
	assert.Equal(t, uint32(1), unseen(t, boxOtra))
	assert.Equal(t, 5, r.count(t, "demo", `SELECT count(*) FROM mail_inbound`), "demo is polled after otra failed")

	// Turned off after the sweep listed it: the desk is not polled.
	admin, err := r.store.UserByEmail(ctx, demo, "admin@demo.example")
	require.NoError(t, err)
	_, err = r.svc.SetIMAPSettings(ctx, admin.Actor(), helpdesk.IMAPInput{Host: "127.0.0.1",
		Port: strconv.Itoa(srv.port), TLS: "none", Username: "soporte@demo.example"})
	require.NoError(t, err)
	appendMail(t, boxDemo, readEML(t, "list_bulk.eml"))
	n, err = p.Poll(ctx, demo)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Equal(t, uint32(2), unseen(t, boxDemo))
}

// TestIMAPPollRefusesInternalHosts: without the switch, the poller refuses
// a loopback server before connecting, even if the setting was stored.
func TestIMAPPollRefusesInternalHosts(t *testing.T) {
	t.Parallel()
	r := newRigWith(t, []helpdesk.Option{helpdesk.WithIMAP(NewSecretBox(testSecret), HostCheck(true))}, "demo")
	srv := startIMAP(t)
	box := srv.user(t, "soporte@demo.example", "clave")
	appendMail(t, box, readEML(t, "gmail_alternative.eml"))
	r.imapDesk(t, "demo", srv.port, "soporte@demo.example", "clave")
	p := r.poller()
	p.AllowPrivate = false
	_, err := p.Poll(context.Background(), r.desks["demo"].ID)
	assert.ErrorIs(t, err, ErrForbiddenHost)
	assert.Equal(t, uint32(1), unseen(t, box))
}

// TestIMAPPollOnRiver runs the registered schedule: the sweep inserts a
// batch job, which polls the desk's mailbox.
func TestIMAPPollOnRiver(t *testing.T) {
	t.Parallel()
	r := newRigWith(t, []helpdesk.Option{helpdesk.WithIMAP(NewSecretBox(testSecret), HostCheck(true))}, "demo")
	srv := startIMAP(t)
	box := srv.user(t, "soporte@demo.example", "clave")
	appendMail(t, box, readEML(t, "gmail_alternative.eml"))
	r.imapDesk(t, "demo", srv.port, "soporte@demo.example", "clave")

	reg := jobs.NewRegistry()
	RegisterJobs(reg, r.worker)
	RegisterIMAP(reg, r.poller(), time.Hour) // runs on start
	runner, err := jobs.Start(context.Background(), r.pool, quietLog(), reg, jobs.Options{Concurrency: 2, PollInterval: 50 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = runner.Stop(ctx)
	})
	require.Eventually(t, func() bool {
		return r.count(t, "demo", `SELECT count(*) FROM tickets`) == 1
	}, 60*time.Second, 100*time.Millisecond)
	assert.Zero(t, unseen(t, box))
}
