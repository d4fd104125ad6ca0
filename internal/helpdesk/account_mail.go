package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// Account mail: messages about a person's account rather than a ticket
// (set-password links, invitations, security notices). They share the
// ticket outbox's guarantees: a message is queued in the transaction that
// decided it (AccountMailStore.QueueAccountMail inserts its job too),
// rendered once by internal/mail and retried with backoff until delivered.
//
// A message carrying a link gets its token when it is first rendered
// (PrepareAccountMail), not when it is queued: only the token's hash is
// ever stored, and the rendered bytes that carry it are dropped once the
// SMTP server has accepted them.

// AccountMailID identifies an account message inside a tenant.
type AccountMailID int64

// AccountMailKind is what an account message is about.
type AccountMailKind string

const (
	// AccountMailReset carries a link to choose a new password.
	AccountMailReset AccountMailKind = "reset"
	// AccountMailClaim carries a link to set the first password of an
	// account made by email or by the guest form.
	AccountMailClaim AccountMailKind = "claim"
	// AccountMailInvitation carries an invitation's link.
	AccountMailInvitation AccountMailKind = "invitation"
	// Security notices: no link that signs anyone in.
	AccountMailNewSignIn       AccountMailKind = "new_signin"
	AccountMailPasswordChanged AccountMailKind = "password_changed"
	AccountMailTwoFactorOff    AccountMailKind = "twofa_off"
	// Passkey notices: Detail is the passkey's name.
	AccountMailPasskeyAdded   AccountMailKind = "passkey_added"
	AccountMailPasskeyRemoved AccountMailKind = "passkey_removed"
	AccountMailPasskeyClone   AccountMailKind = "passkey_clone"
)

// CarriesLink reports whether k's message holds a bearer link.
func (k AccountMailKind) CarriesLink() bool {
	return k == AccountMailReset || k == AccountMailClaim || k == AccountMailInvitation
}

// AccountMail is a message of the account outbox.
type AccountMail struct {
	ID         AccountMailID
	Kind       AccountMailKind
	Recipient  UserID       // zero for an invitation
	Invitation InvitationID // only for an invitation
	To         string
	ToName     string
	Language   string // "" means the tenant's language
	Detail     string // new_signin: device and address
	MessageID  string
	Subject    string
	Raw        []byte
	State      OutboundState
	Attempts   int
	LastError  string
	CreatedAt  time.Time
	SentAt     time.Time
}

// AccountMailContent is what rendering an account message needs: the
// message, its desk, and for a link its token (fresh, shown only in this
// message) and when it stops working.
type AccountMailContent struct {
	Mail      AccountMail
	Tenant    Tenant
	Token     string
	ExpiresAt time.Time
	Role      Role // an invitation's role
}

// AccountMailStore persists the account outbox, the public forms'
// requests and the set-password tokens.
type AccountMailStore interface {
	// QueueAccountMail inserts m, queued, and its delivery job.
	QueueAccountMail(ctx context.Context, tenant TenantID, m AccountMail) (AccountMailID, error)
	// AccountMailForUpdate loads and locks message id.
	AccountMailForUpdate(ctx context.Context, tenant TenantID, id AccountMailID) (AccountMail, error)
	// SaveRenderedAccountMail fixes the message's id, subject and bytes.
	SaveRenderedAccountMail(ctx context.Context, tenant TenantID, id AccountMailID, messageID, subject string, raw []byte) error
	// FinishAccountMail records an attempt: state sent, local, queued
	// (retry) or failed, with the error if any. A sent message that
	// carries a link loses its bytes.
	FinishAccountMail(ctx context.Context, tenant TenantID, id AccountMailID, state OutboundState, lastError string, at time.Time) error
	// AccountMails lists the newest messages, without their bytes.
	AccountMails(ctx context.Context, tenant TenantID, limit int) ([]AccountMail, error)

	// RecordAccountRequest stores a public form's request and its job.
	RecordAccountRequest(ctx context.Context, tenant TenantID, r AccountRequest) error
	// AccountRequestForUpdate loads and locks request id; done reports
	// whether it was resolved already.
	AccountRequestForUpdate(ctx context.Context, tenant TenantID, id int64) (r AccountRequest, done bool, err error)
	ResolveAccountRequest(ctx context.Context, tenant TenantID, id int64, at time.Time) error

	// CreatePasswordToken stores a token of user, voiding the user's
	// older ones.
	CreatePasswordToken(ctx context.Context, tenant TenantID, t PasswordToken) error
	// PasswordTokenByHash loads and locks the token with that hash.
	PasswordTokenByHash(ctx context.Context, tenant TenantID, hash []byte) (PasswordToken, error)
	// UsePasswordToken marks token id used.
	UsePasswordToken(ctx context.Context, tenant TenantID, id int64, at time.Time) error
	// VoidPasswordTokens voids every live token of user.
	VoidPasswordTokens(ctx context.Context, tenant TenantID, user UserID, at time.Time) error
	// InvitationByID loads an invitation for its mail.
	InvitationByID(ctx context.Context, tenant TenantID, id InvitationID) (Invitation, error)
	// SetInvitationMailToken replaces the invitation's mailed link (the
	// on-screen one keeps working) and records when it was mailed.
	SetInvitationMailToken(ctx context.Context, tenant TenantID, id InvitationID, hash []byte, at time.Time) error
	// RenewInvitation sets a pending invitation's expiry.
	RenewInvitation(ctx context.Context, tenant TenantID, id InvitationID, expires time.Time) error
	// GuestTicketNumbers lists the guest tickets opened with email.
	GuestTicketNumbers(ctx context.Context, tenant TenantID, email string) ([]TicketNumber, error)
}

// queueAccountMail queues m in tx, stamped queued at at.
func queueAccountMail(ctx context.Context, tx Store, tenant TenantID, m AccountMail, at time.Time) error {
	if NormaliseEmail(m.To) == "" {
		return nil
	}
	m.State, m.CreatedAt = OutboundQueued, at
	if _, err := tx.QueueAccountMail(ctx, tenant, m); err != nil {
		return fmt.Errorf("helpdesk: queue %s account mail: %w", m.Kind, err)
	}
	return nil
}

// queueUserNotice queues a notice of kind to u in u's language, unless u
// may not sign in any more.
func queueUserNotice(ctx context.Context, tx Store, u User, kind AccountMailKind, detail string, at time.Time) error {
	if !u.Active || u.MergedInto != 0 {
		return nil
	}
	return queueAccountMail(ctx, tx, u.Tenant, AccountMail{Kind: kind, Recipient: u.ID, To: u.Email, ToName: u.Name,
		Language: u.Language, Detail: clipRunes(detail, 300)}, at)
}

// PrepareAccountMail loads message id of tenant for rendering. The first
// time (no rendered bytes yet) a message with a link gets its token here,
// in the same transaction; a message already rendered is returned as it
// is, so a retry sends the same bytes and mints nothing.
func (s *Service) PrepareAccountMail(ctx context.Context, tenant TenantID, id AccountMailID) (AccountMailContent, error) {
	var out AccountMailContent
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		m, err := tx.AccountMailForUpdate(ctx, tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: account mail %d: %w", id, err)
		}
		out.Mail = m
		if out.Tenant, err = tx.TenantByID(ctx, tenant); err != nil {
			return fmt.Errorf("helpdesk: account mail %d: %w", id, err)
		}
		if m.State != OutboundQueued || m.Raw != nil || !m.Kind.CarriesLink() {
			return nil
		}
		now := s.now()
		switch m.Kind {
		case AccountMailInvitation:
			inv, err := tx.InvitationByID(ctx, tenant, m.Invitation)
			if err != nil {
				return fmt.Errorf("helpdesk: account mail %d: %w", id, err)
			}
			if !inv.Pending(now) {
				return nil // revoked or used meanwhile: rendered without a link, then dropped
			}
			token, hash := newGuestToken()
			if err := tx.SetInvitationMailToken(ctx, tenant, inv.ID, hash, now); err != nil {
				return err
			}
			out.Token, out.ExpiresAt, out.Role = token, inv.ExpiresAt, inv.Role
		default:
			ttl := ResetTokenTTL
			if m.Kind == AccountMailClaim {
				ttl = ClaimTokenTTL
			}
			token, hash := newGuestToken()
			err := tx.CreatePasswordToken(ctx, tenant, PasswordToken{User: m.Recipient, Hash: hash, CreatedAt: now, ExpiresAt: now.Add(ttl)})
			if err != nil {
				return fmt.Errorf("helpdesk: password token: %w", err)
			}
			out.Token, out.ExpiresAt = token, now.Add(ttl)
		}
		return nil
	})
	return out, err
}

// SaveRenderedAccountMail keeps the rendered message, so retries send the
// same bytes.
func (s *Service) SaveRenderedAccountMail(ctx context.Context, tenant TenantID, id AccountMailID, messageID, subject string, raw []byte) error {
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		return tx.SaveRenderedAccountMail(ctx, tenant, id, messageID, subject, raw)
	})
}

// FinishAccountMail records a delivery attempt's outcome.
func (s *Service) FinishAccountMail(ctx context.Context, tenant TenantID, id AccountMailID, state OutboundState, lastError string) error {
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		return tx.FinishAccountMail(ctx, tenant, id, state, clipRunes(lastError, 1000), s.now())
	})
}

// AccountMails lists the desk's newest account messages (without their
// bytes) for admins.
func (s *Service) AccountMails(ctx context.Context, by Actor, limit int) ([]AccountMail, error) {
	var out []AccountMail
	err := s.adminTx(ctx, by, "account mails", func(tx Store) error {
		var err error
		out, err = tx.AccountMails(ctx, by.Tenant, limit)
		return err
	})
	return out, err
}

// clipRunes bounds s to n runes.
func clipRunes(s string, n int) string {
	if runeLen(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
