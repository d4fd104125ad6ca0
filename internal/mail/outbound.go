package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TLS modes of an SMTP connection.
const (
	TLSNone     = "none"
	TLSStartTLS = "starttls"
	TLSImplicit = "tls"
)

// SMTPConfig is an outgoing mail server.
type SMTPConfig struct {
	Host     string
	Port     int
	User     string
	Password string
	TLS      string // none, starttls or tls
	// AllowPrivate lets the host resolve to loopback, private, link-local
	// or metadata addresses. The operator's own configuration (environment
	// of `atiende serve`) may; settings typed by a tenant's admin never do,
	// because they would let a tenant reach the installation's internal
	// network (SSRF). It is explicit so the choice is made per source.
	AllowPrivate bool
	// HelloName is the name given in EHLO.
	HelloName string
	Timeout   time.Duration
	// TLSConfig overrides the TLS settings (tests trust their own CA).
	TLSConfig *tls.Config
}

// ErrForbiddenHost is returned for a host that resolves to an address the
// configuration may not reach.
var ErrForbiddenHost = errors.New("mail: SMTP host resolves to a loopback, private, link-local or metadata address")

// metadata are cloud metadata endpoints outside the link-local range.
var metadata = []netip.Addr{netip.MustParseAddr("fd00:ec2::254")}

// forbidden reports whether ip is not a public unicast address.
func forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return true
	}
	for _, m := range metadata {
		if ip == m {
			return true
		}
	}
	// 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8 are not public either.
	if ip.Is4() {
		b := ip.As4()
		if b[0] == 0 || (b[0] == 100 && b[1]&0xC0 == 64) {
			return true
		}
	}
	return false
}

// dial connects to the configured server through the guard.
func (c SMTPConfig) dial(ctx context.Context) (net.Conn, error) {
	return dialGuarded(ctx, c.Host, c.Port, c.AllowPrivate, c.Timeout)
}

// dialGuarded resolves host, refuses forbidden addresses unless allowed,
// and connects to the address it checked (not a second resolution, which
// DNS rebinding could change).
func dialGuarded(ctx context.Context, host string, port int, allowPrivate bool, timeout time.Duration) (net.Conn, error) {
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	target, err := resolveGuarded(ctx, host, allowPrivate)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(target.String(), strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("mail: connect %s: %w", host, err)
	}
	_ = conn.SetDeadline(time.Now().Add(2 * timeout))
	return conn, nil
}

// resolveGuarded returns the first address of host, or ErrForbiddenHost
// when any of its addresses is internal and that is not allowed.
func resolveGuarded(ctx context.Context, host string, allowPrivate bool) (netip.Addr, error) {
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("mail: resolve %s: %w", host, err)
	}
	var target netip.Addr
	for _, ip := range ips {
		if forbidden(ip) && !allowPrivate {
			return netip.Addr{}, fmt.Errorf("%w (%s)", ErrForbiddenHost, host)
		}
		if !target.IsValid() {
			target = ip.Unmap()
		}
	}
	if !target.IsValid() {
		return netip.Addr{}, fmt.Errorf("mail: %s has no address", host)
	}
	return target, nil
}

// CheckHost refuses a host that resolves to an internal address: the check
// on servers named in a tenant's settings.
func CheckHost(ctx context.Context, host string) error {
	return HostCheck(false)(ctx, host)
}

// HostCheck is CheckHost with the guard's explicit switch (AllowPrivate in
// SMTPConfig and Poller): true only where the operator chose it, or in
// tests with loopback servers; it still refuses names that do not resolve.
func HostCheck(allowPrivate bool) func(ctx context.Context, host string) error {
	return func(ctx context.Context, host string) error {
		_, err := resolveGuarded(ctx, host, allowPrivate)
		return err
	}
}

// Check validates the settings and the host's addresses without sending.
func (c SMTPConfig) Check(ctx context.Context) error {
	if c.Host == "" || c.Port <= 0 || c.Port > 65535 {
		return fmt.Errorf("mail: SMTP host and port required")
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("mail: unknown TLS mode %q", c.TLS)
	}
	_, err := resolveGuarded(ctx, c.Host, c.AllowPrivate)
	return err
}

// Send delivers raw from envelope sender from to one recipient.
func (c SMTPConfig) Send(ctx context.Context, from, to string, raw []byte) error {
	conn, err := c.dial(ctx)
	if err != nil {
		return err
	}
	tlsCfg := c.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	var cl *smtp.Client
	switch c.TLS {
	case TLSImplicit:
		cl = smtp.NewClient(tls.Client(conn, tlsCfg))
	case TLSStartTLS:
		if cl, err = smtp.NewClientStartTLS(conn, tlsCfg); err != nil {
			conn.Close()
			return fmt.Errorf("mail: starttls: %w", err)
		}
	default:
		cl = smtp.NewClient(conn)
	}
	defer cl.Close()
	if c.HelloName != "" {
		if err := cl.Hello(c.HelloName); err != nil {
			return fmt.Errorf("mail: ehlo: %w", err)
		}
	}
	if c.User != "" {
		if err := cl.Auth(sasl.NewPlainClient("", c.User, c.Password)); err != nil {
			return fmt.Errorf("mail: auth: %w", err)
		}
	}
	if err := cl.Mail(from, nil); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := cl.Rcpt(to, nil); err != nil {
		return fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("mail: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: end of data: %w", err)
	}
	// The relay's 250 to the data is the hand-off: the message is its
	// responsibility now. A QUIT that fails changes nothing, and reporting
	// it would send the message again.
	_ = cl.Quit()
	return nil
}

// Permanent reports whether a delivery error will not go away by retrying:
// a 5xx answer or a forbidden host.
func Permanent(err error) bool {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code >= 500
	}
	return errors.Is(err, ErrForbiddenHost)
}

// Deliverer renders and sends outbox messages.
type Deliverer struct {
	Service *helpdesk.Service
	Store   OutboxStore
	Signer  helpdesk.ThreadSigner
	Domain  string // inbound domain: addresses and Message-IDs
	BaseURL string
	From    string      // configured sender address; empty: the desk's inbound address
	SMTP    *SMTPConfig // nil: keep messages in the local outbox
	Log     *slog.Logger
	Now     func() time.Time
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

// Deliver renders message id of tenant (once) and sends it. It returns the
// state reached: sent, or local without SMTP. A message no longer queued
// is left as it is.
func (d *Deliverer) Deliver(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID) (helpdesk.OutboundState, error) {
	m, err := d.Store.OutboundMail(ctx, tenant, id)
	if err != nil {
		return "", err
	}
	if m.State != helpdesk.OutboundQueued {
		return m.State, nil
	}
	t, err := d.Store.TenantByID(ctx, tenant)
	if err != nil {
		return "", err
	}
	inbound := t.Slug + "@" + d.Domain
	if m.Raw == nil {
		content, err := d.Service.MailContent(ctx, tenant, m)
		if err != nil {
			return "", err
		}
		thread, err := d.Store.ThreadMessageIDs(ctx, tenant, m.Number, 50)
		if err != nil {
			return "", err
		}
		r, err := Render(Message{Mail: m, Tenant: t, Content: content, Thread: thread, Inbound: inbound,
			From: d.From, Domain: d.Domain, BaseURL: d.BaseURL, Signer: d.Signer, Now: d.now()})
		if err != nil {
			return "", err
		}
		if m, err = d.Store.SaveRenderedMail(ctx, tenant, id, r.MessageID, r.Subject, r.Raw); err != nil {
			return "", err
		}
	}
	if d.SMTP == nil {
		return helpdesk.OutboundLocal, nil
	}
	// The envelope sender is the desk's inbound address: bounces come back
	// to it and are recognised there (loop_suppressed).
	if err := d.SMTP.Send(ctx, inbound, m.To, bytes.Clone(m.Raw)); err != nil {
		return "", err
	}
	return helpdesk.OutboundSent, d.recordHandOff(ctx, tenant, id)
}

// handOffRecordTime bounds how long a confirmed hand-off keeps trying to
// record itself while the database is unreachable.
const handOffRecordTime = 30 * time.Second

// recordHandOff marks the message sent as soon as the relay has accepted
// it, before anything else can interrupt the job: neither the job's end
// (a timeout, a shutdown) nor a database that is briefly unreachable may
// make a retry send it again. Only when the record is impossible for
// handOffRecordTime does the job fail, and the retry resends the same
// bytes with the same Message-ID.
func (d *Deliverer) recordHandOff(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handOffRecordTime)
	defer cancel()
	for {
		err := d.Store.FinishOutboundMail(ctx, tenant, id, helpdesk.OutboundSent, "", d.now())
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("mail: record hand-off of %d: %w", id, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
