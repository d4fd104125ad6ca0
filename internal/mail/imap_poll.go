package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Poller fetches new mail from the desks' IMAP mailboxes. Each message is
// stored and processed like mail received over SMTP; it is then marked
// \Seen, and the highest UID taken is recorded, so a message is fetched
// once (and were it fetched again, its Message-ID would make it a
// duplicate).
type Poller struct {
	Service *helpdesk.Service
	Store   MailboxStore
	Log     *slog.Logger
	// AllowPrivate lets mailboxes be on internal addresses. Off in
	// production: the server is a tenant's setting. Tests turn it on for
	// their loopback server.
	AllowPrivate bool
	// Max is the most messages taken per poll and desk.
	Max int
	// MaxBytes skips (leaves unread, unfetched) messages larger than this,
	// as the SMTP receiver refuses them; 0 means no limit.
	MaxBytes int64
}

// PollTenants polls the mailboxes of tenants one after the other; one
// desk's failure is recorded on its account (last_error) and does not stop
// the others.
func (p *Poller) PollTenants(ctx context.Context, tenants []helpdesk.TenantID) error {
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
	if !a.Enabled {
		return 0, nil // turned off since the sweep listed it
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
	var skipped []string
	for _, uid := range found.AllUIDs() {
		if uint32(uid) <= last {
			continue // "last+1:*" matches the last message when nothing is newer
		}
		if n >= max || ctx.Err() != nil {
			break
		}
		if err := p.take(ctx, c, tenant, uid); err != nil {
			var poison *poisonError
			if !errors.As(err, &poison) {
				return n, err // the server or the database: this message is taken again next time
			}
			// This message can never be taken: leave it unread in the
			// mailbox for a person and go on with the next ones.
			p.Log.WarnContext(ctx, "imap: message skipped", "tenant", tenant, "uid", uint32(uid), "err", err)
			skipped = append(skipped, err.Error())
		} else {
			n++
		}
		last = uint32(uid)
	}
	_ = c.Logout().Wait()
	if len(skipped) > 0 {
		return n, fmt.Errorf("mail: imap: %d skipped: %s", len(skipped), strings.Join(skipped, "; "))
	}
	return n, nil
}

// poisonError is a message the poller can never take (too large, no
// body, refused by the domain): it is skipped, not retried.
type poisonError struct{ err error }

func (e *poisonError) Error() string { return e.err.Error() }
func (e *poisonError) Unwrap() error { return e.err }

// take fetches one message without marking it read, stores it as received
// mail (processed later by the mail jobs, like SMTP mail), then marks it
// \Seen. A message already stored (the same Message-ID) is only marked.
func (p *Poller) take(ctx context.Context, c *imapclient.Client, tenant helpdesk.TenantID, uid imap.UID) error {
	if p.MaxBytes > 0 {
		msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
		if err != nil {
			return fmt.Errorf("mail: imap fetch size %d: %w", uid, err)
		}
		if len(msgs) == 0 {
			return nil // expunged meanwhile
		}
		if msgs[0].RFC822Size > p.MaxBytes {
			return &poisonError{fmt.Errorf("uid %d: %d bytes, over the limit of %d", uid, msgs[0].RFC822Size, p.MaxBytes)}
		}
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return fmt.Errorf("mail: imap fetch %d: %w", uid, err)
	}
	if len(msgs) == 0 {
		return nil // expunged meanwhile
	}
	raw := msgs[0].FindBodySection(section)
	if len(raw) == 0 {
		return &poisonError{fmt.Errorf("uid %d: no body", uid)}
	}
	m := helpdesk.InboundMail{MessageID: MessageID(raw), EnvelopeFrom: returnPath(raw), Raw: raw}
	m.From, m.Subject = Summary(raw)
	if _, _, err := p.Service.AcceptEmail(ctx, tenant, m); err != nil {
		var ve *helpdesk.ValidationError
		if errors.As(err, &ve) {
			return &poisonError{fmt.Errorf("uid %d: %w", uid, err)}
		}
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
