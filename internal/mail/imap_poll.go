package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/postgres"
)

// Poller fetches new mail from the desks' IMAP mailboxes. Each message is
// stored and processed like mail received over SMTP; it is then marked
// \Seen, and the highest UID taken is recorded, so a message is fetched
// once (and were it fetched again, its Message-ID would make it a
// duplicate).
type Poller struct {
	Service *helpdesk.Service
	Store   *postgres.Store
	Log     *slog.Logger
	// AllowPrivate lets mailboxes be on internal addresses. Off in
	// production: the server is a tenant's setting. Tests turn it on for
	// their loopback server.
	AllowPrivate bool
	// Max is the most messages taken per poll and desk.
	Max int
}

// IMAPPollArgs is the periodic job that polls every desk's mailbox.
type IMAPPollArgs struct{}

// Kind names the job in the queue.
func (IMAPPollArgs) Kind() string { return "imap_poll" }

type imapWorker struct {
	river.WorkerDefaults[IMAPPollArgs]
	p *Poller
}

// RegisterIMAP polls every desk's mailbox every minute (the leader
// schedules it, one worker works it).
func RegisterIMAP(reg *jobs.Registry, p *Poller) {
	river.AddWorker(reg.Workers(), &imapWorker{p: p})
	reg.Every("imap_poll", time.Minute, func() river.JobArgs { return IMAPPollArgs{} })
}

func (w *imapWorker) Work(ctx context.Context, _ *river.Job[IMAPPollArgs]) error {
	return w.p.PollAll(ctx)
}

// PollAll polls every desk with IMAP on, one after the other; one desk's
// failure is recorded on its account and does not stop the others.
func (p *Poller) PollAll(ctx context.Context) error {
	tenants, err := p.Store.IMAPTenants(ctx)
	if err != nil {
		return err
	}
	for _, t := range tenants {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if _, err := p.Poll(ctx, t); err != nil {
			p.Log.WarnContext(ctx, "imap poll", "tenant", t, "err", err)
		}
	}
	return nil
}

// Poll fetches desk tenant's new mail and returns how many messages it
// took.
func (p *Poller) Poll(ctx context.Context, tenant helpdesk.TenantID) (n int, err error) {
	a, password, err := p.Service.IMAPForPolling(ctx, tenant)
	if err != nil {
		return 0, err
	}
	validity, last := a.UIDValidity, a.LastUID
	defer func() {
		cause := ""
		if err != nil {
			cause = err.Error()
		}
		if rerr := p.Service.RecordIMAPPoll(context.WithoutCancel(ctx), tenant, validity, last, cause); rerr != nil && err == nil {
			err = rerr
		}
	}()
	conn, err := dialGuarded(ctx, a.Host, a.Port, p.AllowPrivate, 30*time.Second)
	if err != nil {
		return 0, err
	}
	opts := &imapclient.Options{TLSConfig: &tls.Config{ServerName: a.Host, MinVersion: tls.VersionTLS12}}
	var c *imapclient.Client
	switch a.TLS {
	case TLSImplicit:
		c = imapclient.New(tls.Client(conn, opts.TLSConfig), opts)
	case TLSStartTLS:
		if c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			conn.Close()
			return 0, fmt.Errorf("mail: imap starttls: %w", err)
		}
	default:
		c = imapclient.New(conn, opts)
	}
	defer c.Close()
	if err := c.Login(a.Username, password).Wait(); err != nil {
		return 0, fmt.Errorf("mail: imap login: %w", err)
	}
	sel, err := c.Select(a.Mailbox, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("mail: imap select %q: %w", a.Mailbox, err)
	}
	if sel.UIDValidity != validity {
		// A new mailbox (or one rebuilt by the server): UIDs start over.
		// Anything seen before is caught by its Message-ID.
		validity, last = sel.UIDValidity, 0
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0) // last+1:*
	found, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("mail: imap search: %w", err)
	}
	max := p.Max
	if max <= 0 {
		max = 50
	}
	for _, uid := range found.AllUIDs() {
		if uint32(uid) <= last {
			continue // "last+1:*" matches the last message when nothing is newer
		}
		if n >= max || ctx.Err() != nil {
			break
		}
		if err := p.take(ctx, c, tenant, uid); err != nil {
			return n, err
		}
		last = uint32(uid)
		n++
	}
	_ = c.Logout().Wait()
	return n, nil
}

// take fetches one message without marking it read, stores it as received
// mail, then marks it \Seen.
func (p *Poller) take(ctx context.Context, c *imapclient.Client, tenant helpdesk.TenantID, uid imap.UID) error {
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return fmt.Errorf("mail: imap fetch %d: %w", uid, err)
	}
	if len(msgs) == 0 {
		return nil // expunged meanwhile
	}
	raw := msgs[0].FindBodySection(section)
	if raw == nil {
		return fmt.Errorf("mail: imap fetch %d: no body", uid)
	}
	m := helpdesk.InboundMail{MessageID: MessageID(raw), EnvelopeFrom: returnPath(raw), Raw: raw}
	m.From, m.Subject = Summary(raw)
	if _, _, err := p.Service.AcceptEmail(ctx, tenant, m); err != nil {
		return err
	}
	if err := c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		return fmt.Errorf("mail: imap mark seen %d: %w", uid, err)
	}
	return nil
}

// returnPath is the envelope sender a mailbox kept in Return-Path: "<>"
// for bounces (NullSender), otherwise the address, or "imap" when absent.
func returnPath(raw []byte) string {
	end := len(raw)
	if i := strings.Index(string(raw[:min(len(raw), 64<<10)]), "\r\n\r\n"); i >= 0 {
		end = i
	}
	for _, line := range strings.Split(string(raw[:min(end, 64<<10)]), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Return-Path") {
			v = strings.TrimSpace(v)
			if v == "<>" {
				return NullSender
			}
			return strings.Trim(v, "<>")
		}
	}
	return "imap"
}
