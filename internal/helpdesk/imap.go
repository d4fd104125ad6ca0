package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// IMAP polling: a desk may have its mail fetched from an existing mailbox
// instead of (or besides) its inbound address. The admin gives the server
// and the credentials; the password is sealed (SecretBox) before it is
// stored and opened only by the poller. Fetched mail goes through exactly
// the path of mail received over SMTP (AcceptEmail, ReceiveEmail).
//
// The server named by an admin is tenant input: it may not be a loopback,
// private, link-local or metadata address (SSRF). The check is the email
// channel's (it resolves names), handed to the service by WithIMAP; the
// poller checks again before every connection.

// SecretBox seals secrets stored at rest.
type SecretBox interface {
	Seal(plain []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
}

// IMAPAccount is a desk's mailbox to poll. Password is sealed.
type IMAPAccount struct {
	Host         string
	Port         int
	TLS          string // none, starttls or tls
	Username     string
	Password     []byte
	Mailbox      string
	Enabled      bool
	UIDValidity  uint32
	LastUID      uint32
	LastError    string
	LastPolledAt time.Time
}

// IMAPInput is the admin's form. An empty Password keeps the stored one.
type IMAPInput struct {
	Host     string
	Port     string
	TLS      string
	Username string
	Password string
	Mailbox  string
	Enabled  bool
}

// IMAPSettings returns the desk's IMAP account without its password
// (admins only); ErrNotFound when there is none.
func (s *Service) IMAPSettings(ctx context.Context, by Actor) (IMAPAccount, error) {
	if !by.IsAdmin() {
		return IMAPAccount{}, fmt.Errorf("helpdesk: imap settings: %w", ErrNotFound)
	}
	var a IMAPAccount
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		a, err = tx.IMAPAccount(ctx, by.Tenant)
		return err
	})
	a.Password = nil
	return a, err
}

// SetIMAPSettings validates and stores the desk's IMAP account (admins
// only). Problems are field errors; a host that resolves to an internal
// address is refused on the host field.
func (s *Service) SetIMAPSettings(ctx context.Context, by Actor, in IMAPInput) (IMAPAccount, error) {
	if !by.IsAdmin() {
		return IMAPAccount{}, fmt.Errorf("helpdesk: set imap settings: %w", ErrNotFound)
	}
	if s.secrets == nil {
		return IMAPAccount{}, errors.New("helpdesk: imap is not enabled on this server")
	}
	a := IMAPAccount{Host: strings.ToLower(CleanLine(in.Host)), TLS: in.TLS, Username: CleanLine(in.Username),
		Mailbox: CleanLine(in.Mailbox), Enabled: in.Enabled}
	if a.Mailbox == "" {
		a.Mailbox = "INBOX"
	}
	var v ValidationError
	switch {
	case a.Host == "":
		v.Add("host", "error.required")
	case len(a.Host) > 253 || strings.ContainsAny(a.Host, " /@:") && !strings.Contains(a.Host, "::"):
		v.Add("host", "error.invalid")
	}
	port, err := strconv.Atoi(strings.TrimSpace(in.Port))
	if err != nil || port < 1 || port > 65535 {
		v.Add("port", "error.invalid")
	}
	a.Port = port
	if a.TLS != "none" && a.TLS != "starttls" && a.TLS != "tls" {
		v.Add("tls", "error.invalid")
	}
	if a.Username == "" {
		v.Add("username", "error.required")
	} else if len(a.Username) > MaxEmailLen {
		v.Add("username", "error.too_long")
	}
	if runeLen(a.Mailbox) > 200 {
		v.Add("mailbox", "error.too_long")
	}
	if len(in.Password) > 1000 {
		v.Add("password", "error.too_long")
	}
	if v.Fields["host"] == "" && s.checkHost != nil {
		if err := s.checkHost(ctx, a.Host); err != nil {
			v.Add("host", "error.host_forbidden")
		}
	}
	var out IMAPAccount
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		prev, err := tx.IMAPAccount(ctx, by.Tenant)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return fmt.Errorf("helpdesk: imap settings: %w", err)
		}
		if in.Password == "" {
			if prev.Password == nil {
				v.Add("password", "error.required")
			}
			a.Password = prev.Password
		} else if a.Password, err = s.secrets.Seal([]byte(in.Password)); err != nil {
			return fmt.Errorf("helpdesk: seal imap password: %w", err)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if prev.Host == a.Host && prev.Username == a.Username && prev.Mailbox == a.Mailbox && prev.Port == a.Port {
			a.UIDValidity, a.LastUID = prev.UIDValidity, prev.LastUID // the same mailbox: carry on where it was
		}
		if err := tx.SaveIMAPAccount(ctx, by.Tenant, a); err != nil {
			return fmt.Errorf("helpdesk: save imap settings: %w", err)
		}
		out = a
		// The password is never logged: only that it changed.
		before := imapAuditValues(prev)
		after := imapAuditValues(a)
		if in.Password != "" && prev.Password != nil {
			after["password"] = "changed"
			before["password"] = ""
		}
		if prev.Host == "" {
			before = nil
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "imap.update", ObjectKind: "imap_account",
			ObjectID: int64(by.Tenant), ObjectLabel: a.Username, Before: before, After: after})
	})
	out.Password = nil
	return out, err
}

// IMAPForPolling returns the desk's account with its password opened, for
// the poller only.
func (s *Service) IMAPForPolling(ctx context.Context, tenant TenantID) (IMAPAccount, string, error) {
	if s.secrets == nil {
		return IMAPAccount{}, "", errors.New("helpdesk: imap is not enabled on this server")
	}
	var a IMAPAccount
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		a, err = tx.IMAPAccount(ctx, tenant)
		return err
	})
	if err != nil {
		return IMAPAccount{}, "", err
	}
	pw, err := s.secrets.Open(a.Password)
	if err != nil {
		return IMAPAccount{}, "", fmt.Errorf("helpdesk: open imap password: %w", err)
	}
	return a, string(pw), nil
}

// RecordIMAPPoll records how far the poller got (and why it stopped).
func (s *Service) RecordIMAPPoll(ctx context.Context, tenant TenantID, validity, lastUID uint32, cause string) error {
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		return tx.SetIMAPProgress(ctx, tenant, validity, lastUID, cause, s.now())
	})
}

func imapAuditValues(a IMAPAccount) AuditValues {
	return AuditValues{"host": a.Host, "port": strconv.Itoa(a.Port), "tls": a.TLS, "username": a.Username,
		"mailbox": a.Mailbox, "enabled": strconv.FormatBool(a.Enabled)}
}
