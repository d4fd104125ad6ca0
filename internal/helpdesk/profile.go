package helpdesk

import (
	"context"
	"fmt"
)

// MaxPhoneLen bounds a phone number as typed, spaces and punctuation
// included.
const MaxPhoneLen = 32

// ProfileInput is what users may change about themselves on their account
// page. Email and role are not in it: they are not the user's to change.
type ProfileInput struct {
	Name  string
	Phone string // optional: digits, spaces and + ( ) - .
	// Language is "es", "en", or "" for the desk's default.
	Language string
}

// ProfileStore persists a user's changes to their own account. Each method
// changes only an active user and answers ErrNotFound for anyone else.
type ProfileStore interface {
	UpdateProfile(ctx context.Context, tenant TenantID, id UserID, p ProfileInput) (User, error)
	// SetPassword stores a new password hash and raises the session epoch
	// in the same statement, returning the new epoch.
	SetPassword(ctx context.Context, tenant TenantID, id UserID, hash string) (epoch int, err error)
	// BumpSessionEpoch raises the session epoch and returns the new value.
	BumpSessionEpoch(ctx context.Context, tenant TenantID, id UserID) (epoch int, err error)
}

// Validate cleans p in place and reports every problem at once.
func (p *ProfileInput) Validate() error {
	p.Name = CleanLine(p.Name)
	p.Phone = CleanLine(p.Phone)
	var v ValidationError
	checkName(&v, "name", p.Name)
	checkPhone(&v, "phone", p.Phone)
	switch p.Language {
	case "", "es", "en":
	default:
		v.Add("language", "error.invalid")
	}
	return v.Err()
}

// checkPhone accepts an empty phone, or up to MaxPhoneLen characters of
// digits, spaces and + ( ) - . with at least one digit. Numbers are kept as
// typed: people write them in many national formats.
func checkPhone(v *ValidationError, field, phone string) {
	if phone == "" {
		return
	}
	if runeLen(phone) > MaxPhoneLen {
		v.Add(field, "error.too_long")
		return
	}
	digits := 0
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ', r == '+', r == '(', r == ')', r == '-', r == '.':
		default:
			v.Add(field, "error.phone")
			return
		}
	}
	if digits == 0 {
		v.Add(field, "error.phone")
	}
}

// selfService checks that by is a signed-in user: the account operations
// act on the actor's own account and take no user to act on, so nobody can
// reach anyone else's.
func selfService(by Actor, op string) error {
	if by.Kind != ActorUser || by.User <= 0 || by.Tenant <= 0 {
		return fmt.Errorf("helpdesk: %s: %w", op, ErrForbidden)
	}
	return nil
}

// UpdateProfile changes the acting user's name, phone and UI language.
func (s *Service) UpdateProfile(ctx context.Context, by Actor, in ProfileInput) (User, error) {
	if err := selfService(by, "update profile"); err != nil {
		return User{}, err
	}
	if err := in.Validate(); err != nil {
		return User{}, err
	}
	u, err := s.store.UpdateProfile(ctx, by.Tenant, by.User, in)
	if err != nil {
		return User{}, fmt.Errorf("helpdesk: update profile: %w", err)
	}
	return u, nil
}

// ChangePassword replaces the acting user's password after checking the
// current one, and returns the user's new session epoch: every session
// signed in before ends, and the caller signs the current one in again
// with the new epoch. A wrong current password is a field error on
// "current_password"; callers rate-limit this, as it verifies a password.
func (s *Service) ChangePassword(ctx context.Context, by Actor, current, newPassword string) (int, error) {
	if err := selfService(by, "change password"); err != nil {
		return 0, err
	}
	var v ValidationError
	checkPassword(&v, "new_password", newPassword)
	if current != "" && newPassword == current {
		v.Add("new_password", "error.password_same")
	}
	switch {
	case current == "":
		v.Add("current_password", "error.required")
	case len(current) > 4*MaxPasswordLen:
		// No stored password is that long; not worth a hash.
		v.Add("current_password", "error.current_password")
	default:
		u, err := s.store.User(ctx, by.Tenant, by.User)
		if err != nil {
			return 0, fmt.Errorf("helpdesk: change password: %w", err)
		}
		if !u.Active {
			return 0, fmt.Errorf("helpdesk: change password: %w", ErrNotFound)
		}
		ok, err := s.hasher.Verify(ctx, current, u.PasswordHash)
		if err != nil {
			return 0, fmt.Errorf("helpdesk: change password: %w", err)
		}
		if !ok {
			v.Add("current_password", "error.current_password")
		}
		s.checkPasswordAgainst(&v, "new_password", newPassword, u.Email, u.Name)
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return 0, fmt.Errorf("helpdesk: hash password: %w", err)
	}
	var epoch int
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if epoch, err = tx.SetPassword(ctx, by.Tenant, by.User, hash); err != nil {
			return fmt.Errorf("helpdesk: change password: %w", err)
		}
		return afterPasswordChange(ctx, tx, by.Tenant, by.User, s.now())
	})
	return epoch, err
}

// SignOutEverywhere ends every session of the acting user and returns the
// new session epoch, with which the caller signs the current session in
// again.
func (s *Service) SignOutEverywhere(ctx context.Context, by Actor) (int, error) {
	if err := selfService(by, "sign out everywhere"); err != nil {
		return 0, err
	}
	epoch, err := s.store.BumpSessionEpoch(ctx, by.Tenant, by.User)
	if err != nil {
		return 0, fmt.Errorf("helpdesk: sign out everywhere: %w", err)
	}
	return epoch, nil
}
