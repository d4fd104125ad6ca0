package mail

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Receiver is the SMTP server inside `atiende serve`: it accepts mail for
// each desk's inbound address ({slug}@{domain}), stores every message as
// received before anything else (AcceptEmail) and leaves the processing to
// the mail worker, so a message that cannot be processed never blocks the
// others and is never lost.
type Receiver struct {
	Service  *helpdesk.Service
	Domain   string // inbound domain, e.g. "localhost"
	MaxBytes int64  // refused at SMTP time above this (SIZE, 552)
	Log      *slog.Logger
	// Context is the base context of sessions; nil means Background.
	Context context.Context
}

// MaxRecipients bounds the desks one message may be addressed to.
const MaxRecipients = 20

// Server returns a go-smtp server for r listening on addr (call
// ListenAndServe or Serve, and Shutdown with the HTTP server).
func (r *Receiver) Server(addr string) *smtp.Server {
	s := smtp.NewServer(r)
	s.Addr = addr
	s.Domain = r.Domain
	s.MaxMessageBytes = r.MaxBytes
	s.MaxRecipients = MaxRecipients
	s.ReadTimeout = 2 * time.Minute
	s.WriteTimeout = 2 * time.Minute
	s.MaxLineLength = 10000
	s.ErrorLog = slog.NewLogLogger(r.Log.Handler(), slog.LevelWarn)
	return s
}

// NewSession implements smtp.Backend.
func (r *Receiver) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{r: r}, nil
}

type session struct {
	r       *Receiver
	from    string
	tenants []helpdesk.Tenant
}

var (
	errNoSuchDesk = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "No help desk receives mail at this address"}
	errTooBig = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
		Message: "Message too big for this help desk"}
	errTryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Temporary failure storing the message, try again later"}
	errNoRecipient = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 5, 1},
		Message: "No valid recipients"}
)

func (s *session) ctx() context.Context {
	if s.r.Context != nil {
		return s.r.Context
	}
	return context.Background()
}

func (s *session) Reset()        { s.from, s.tenants = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if opts != nil && s.r.MaxBytes > 0 && opts.Size > s.r.MaxBytes {
		return errTooBig
	}
	s.from = from
	if from == "" {
		s.from = NullSender
	}
	return nil
}

func (s *session) Rcpt(to string, opts *smtp.RcptOptions) error {
	local, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(to)), "@")
	if !ok || domain != strings.ToLower(s.r.Domain) || local == "" {
		return errNoSuchDesk
	}
	t, err := s.r.Service.TenantBySlug(s.ctx(), local)
	if errors.Is(err, helpdesk.ErrNotFound) {
		return errNoSuchDesk
	}
	if err != nil {
		s.r.Log.ErrorContext(s.ctx(), "smtp rcpt: tenant lookup", "err", err)
		return errTryLater
	}
	for _, have := range s.tenants {
		if have.ID == t.ID {
			return nil
		}
	}
	s.tenants = append(s.tenants, t)
	return nil
}

func (s *session) Data(r io.Reader) error {
	if len(s.tenants) == 0 {
		return errNoRecipient
	}
	raw, err := io.ReadAll(r)
	if errors.Is(err, smtp.ErrDataTooLarge) {
		return errTooBig
	}
	if err != nil {
		return err
	}
	m := helpdesk.InboundMail{MessageID: MessageID(raw), EnvelopeFrom: s.from, Raw: raw}
	m.From, m.Subject = Summary(raw)
	for _, t := range s.tenants {
		id, dup, err := s.r.Service.AcceptEmail(s.ctx(), t.ID, m)
		if err != nil {
			// Nothing stored for this desk: the sending server keeps the
			// message and tries again.
			s.r.Log.ErrorContext(s.ctx(), "smtp data: store", "tenant", t.ID, "err", err)
			return errTryLater
		}
		s.r.Log.InfoContext(s.ctx(), "mail received", "tenant", t.ID, "id", id, "duplicate", dup, "bytes", len(raw))
	}
	return nil
}

// Summary reads From and Subject for the mail log, decoding encoded
// words; anything unreadable is left empty (the parser sees it later).
func Summary(raw []byte) (from, subject string) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", ""
	}
	dec := mime.WordDecoder{CharsetReader: charsetReader}
	if s, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		subject = cleanString(s)
	} else {
		subject = cleanString(msg.Header.Get("Subject"))
	}
	if a := parseFrom(raw, ""); a.Email != "" {
		from = a.Email
	} else {
		from = cleanString(msg.Header.Get("From"))
	}
	return from, subject
}

// charsetReader decodes the Latin charsets the word decoder does not know;
// others are left to the full parser.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "latin1", "windows-1252", "cp1252", "iso-8859-15":
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		runes := make([]rune, len(b))
		for i, c := range b {
			runes[i] = rune(c) // Latin-1; close enough for a log line
		}
		return strings.NewReader(string(runes)), nil
	}
	return nil, errors.New("unknown charset " + charset)
}
