package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Password reset and account claiming. Both end on the same page: a
// set-password link mailed to the address, whose token (32 random bytes,
// only the SHA-256 stored) works once, for ResetTokenTTL (ClaimTokenTTL
// for a first password), and is voided by a newer link of the same user
// and by any password change.
//
// The public form never tells whether an address has an account: it
// records the request (RecordAccountRequest: one row and one job, the same
// work for every address) and answers "if the address has an account, a
// link is on its way". The mail job decides: an active user with a
// password gets a reset link, one without a password (made by email or by
// the guest form) a claim link, anyone else nothing.

const (
	// ResetTokenTTL is how long a reset link works.
	ResetTokenTTL = time.Hour
	// ClaimTokenTTL is how long a first-password link works: it also
	// rides in acknowledgements, read later than a reset someone waits for.
	ClaimTokenTTL = 7 * 24 * time.Hour
)

// ErrLinkMailed reports that, instead of creating an account, a
// set-password link is being mailed to the address (sign-up with an
// address that has an account already).
var ErrLinkMailed = errors.New("helpdesk: set-password link mailed instead")

// AccountRequest is a "send me a link" request from a public form.
type AccountRequest struct {
	ID          int64
	Email       string
	Language    string // the visitor's language: the mail's when the user has none
	RequestedAt time.Time
}

// PasswordToken is a set-password link's stored half.
type PasswordToken struct {
	ID        int64
	User      UserID
	Hash      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	VoidedAt  time.Time
}

// Live reports whether t may still be used at now.
func (t PasswordToken) Live(now time.Time) bool {
	return t.UsedAt.IsZero() && t.VoidedAt.IsZero() && now.Before(t.ExpiresAt)
}

// RequestPasswordLink records a request for a set-password link to email.
// A malformed address is a field error (it says nothing about accounts);
// any well-formed one is recorded, known or not.
func (s *Service) RequestPasswordLink(ctx context.Context, tenant TenantID, email, lang string) error {
	email = NormaliseEmail(email)
	var v ValidationError
	checkEmail(&v, "email", email)
	if err := v.Err(); err != nil {
		return err
	}
	if lang != "es" && lang != "en" {
		lang = ""
	}
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		return tx.RecordAccountRequest(ctx, tenant, AccountRequest{Email: email, Language: lang, RequestedAt: s.now()})
	})
}

// ResolveAccountRequest answers request id once (the mail job calls it):
// it queues a reset or claim link to the account with that address, if
// there is an active one, and nothing otherwise.
func (s *Service) ResolveAccountRequest(ctx context.Context, tenant TenantID, id int64) error {
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		r, done, err := tx.AccountRequestForUpdate(ctx, tenant, id)
		if err != nil {
			return fmt.Errorf("helpdesk: account request %d: %w", id, err)
		}
		if done {
			return nil
		}
		now := s.now()
		if err := tx.ResolveAccountRequest(ctx, tenant, id, now); err != nil {
			return err
		}
		u, err := tx.UserByEmail(ctx, tenant, r.Email)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("helpdesk: account request %d: %w", id, err)
		}
		return queuePasswordLink(ctx, tx, u, r.Language, now)
	})
}

// queuePasswordLink queues a reset link to u, or a claim link when u has
// no password yet; nothing for an account that may not sign in.
func queuePasswordLink(ctx context.Context, tx Store, u User, lang string, at time.Time) error {
	if !u.Active || u.MergedInto != 0 {
		return nil
	}
	kind := AccountMailReset
	if u.PasswordHash == "" {
		kind = AccountMailClaim
	}
	if u.Language != "" {
		lang = u.Language
	}
	return queueAccountMail(ctx, tx, u.Tenant, AccountMail{Kind: kind, Recipient: u.ID, To: u.Email, ToName: u.Name, Language: lang}, at)
}

// passwordToken finds the live token in tenant, locked, and its user.
// Empty, malformed, case-changed, unknown, expired, used, voided and other
// tenants' tokens are all the same ErrNotFound.
func (s *Service) passwordToken(ctx context.Context, tx Store, tenant TenantID, token string) (PasswordToken, User, error) {
	hash := guestTokenHash(token)
	if hash == nil {
		return PasswordToken{}, User{}, fmt.Errorf("helpdesk: malformed password token: %w", ErrNotFound)
	}
	t, err := tx.PasswordTokenByHash(ctx, tenant, hash)
	if err != nil {
		return PasswordToken{}, User{}, fmt.Errorf("helpdesk: password token: %w", err)
	}
	if !t.Live(s.now()) {
		return PasswordToken{}, User{}, fmt.Errorf("helpdesk: password token %d no longer live: %w", t.ID, ErrNotFound)
	}
	u, err := tx.User(ctx, tenant, t.User)
	if err != nil {
		return PasswordToken{}, User{}, fmt.Errorf("helpdesk: password token %d: %w", t.ID, err)
	}
	if !u.Active || u.MergedInto != 0 {
		return PasswordToken{}, User{}, fmt.Errorf("helpdesk: password token %d of an inactive user: %w", t.ID, ErrNotFound)
	}
	return t, u, nil
}

// PasswordLinkUser says whose link token is (for the page's greeting),
// or ErrNotFound for a link that does not work.
func (s *Service) PasswordLinkUser(ctx context.Context, tenant TenantID, token string) (User, error) {
	var out User
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		_, out, err = s.passwordToken(ctx, tx, tenant, token)
		return err
	})
	return out, err
}

// SetPasswordByLink sets the password of the link's user and uses the link
// up. Every session of the user ends (the session epoch rises), every
// other link is voided, and the user is told by mail. The link proved the
// address is theirs, so a customer's guest tickets with that address
// become theirs too. The caller asks them to sign in.
func (s *Service) SetPasswordByLink(ctx context.Context, tenant TenantID, token, newPassword string) (User, error) {
	var v ValidationError
	checkPassword(&v, "password", newPassword)
	var out User
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		t, u, err := s.passwordToken(ctx, tx, tenant, token)
		if err != nil {
			return err
		}
		s.checkPasswordAgainst(&v, "password", newPassword, u.Email, u.Name)
		if err := v.Err(); err != nil {
			return err
		}
		hash, err := s.hasher.Hash(ctx, newPassword)
		if err != nil {
			return fmt.Errorf("helpdesk: hash password: %w", err)
		}
		now := s.now()
		if u.SessionEpoch, err = tx.SetPassword(ctx, tenant, u.ID, hash); err != nil {
			return fmt.Errorf("helpdesk: set password by link: %w", err)
		}
		if err := tx.UsePasswordToken(ctx, tenant, t.ID, now); err != nil {
			return err
		}
		if err := tx.VoidPasswordTokens(ctx, tenant, u.ID, now); err != nil {
			return err
		}
		if u.Role == RoleCustomer {
			if err := s.claimGuestTickets(ctx, tx, tenant, u); err != nil {
				return err
			}
		}
		if u.PasswordHash != "" {
			if err := queueUserNotice(ctx, tx, u, AccountMailPasswordChanged, "", now); err != nil {
				return err
			}
		}
		u.PasswordHash = hash
		out = u
		return nil
	})
	return out, err
}

// claimGuestTickets gives u the guest tickets opened with u's address: a
// set-password link proved the address is u's, as a mail would
// (claimByMail). A ticket that cannot change any more stays the guest's.
func (s *Service) claimGuestTickets(ctx context.Context, tx Store, tenant TenantID, u User) error {
	numbers, err := tx.GuestTicketNumbers(ctx, tenant, u.Email)
	if err != nil {
		return fmt.Errorf("helpdesk: claim guest tickets: %w", err)
	}
	for _, n := range numbers {
		t, err := tx.Ticket(ctx, tenant, n)
		if err != nil {
			return fmt.Errorf("helpdesk: claim guest ticket %s: %w", n, err)
		}
		if err := s.claimByMail(ctx, tx, tenant, &t, u); err != nil {
			return err
		}
	}
	return nil
}

// claimLink mints a first-password link for user when their account has
// no password yet (made by email or by staff), for the acknowledgement of
// their ticket; "" for anyone else.
func (s *Service) claimLink(ctx context.Context, tx Store, tenant TenantID, user UserID) (string, error) {
	u, err := tx.User(ctx, tenant, user)
	if err != nil {
		return "", fmt.Errorf("helpdesk: claim link: %w", err)
	}
	if u.PasswordHash != "" || !u.Active || u.MergedInto != 0 || u.Role != RoleCustomer {
		return "", nil
	}
	now := s.now()
	token, hash := newGuestToken()
	if err := tx.CreatePasswordToken(ctx, tenant, PasswordToken{User: u.ID, Hash: hash, CreatedAt: now, ExpiresAt: now.Add(ClaimTokenTTL)}); err != nil {
		return "", fmt.Errorf("helpdesk: claim link: %w", err)
	}
	return token, nil
}

// afterPasswordChange voids the user's set-password links and tells them
// by mail, in the transaction that changed the password.
func afterPasswordChange(ctx context.Context, tx Store, tenant TenantID, user UserID, at time.Time) error {
	if err := tx.VoidPasswordTokens(ctx, tenant, user, at); err != nil {
		return err
	}
	u, err := tx.User(ctx, tenant, user)
	if err != nil {
		return fmt.Errorf("helpdesk: password changed notice: %w", err)
	}
	return queueUserNotice(ctx, tx, u, AccountMailPasswordChanged, "", at)
}
