package helpdesk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Two-factor authentication with time-based codes (RFC 6238). The secret
// is sealed at rest with its own key (like the IMAP password); a code is
// accepted for the current time step and one step either side, and never
// for a step at or before the last one used, so a code seen once (over a
// shoulder, in a proxy's log) cannot be replayed. Ten recovery codes, each
// working once, are shown when the factor is turned on; only their
// SHA-256 is kept (they are 50 random bits, not passwords to stretch).
// Turning the factor on or off ends every other session of the user;
// turning it off mails a notice.

// CodeGenerator makes one-time codes; internal/totp implements it with
// pquerna/otp.
type CodeGenerator interface {
	NewSecret(issuer, account string) (secret, uri string, err error)
	Code(secret string, step int64) (string, error)
	Step(t time.Time) int64
}

// RecoveryCodes is how many recovery codes a user gets.
const RecoveryCodes = 10

// ErrTwoFactorOff reports that two-factor codes are not configured on
// this installation (no sealing key).
var ErrTwoFactorOff = errors.New("helpdesk: two-factor authentication not configured")

// Factor is a user's stored TOTP factor.
type Factor struct {
	Sealed    []byte
	Confirmed bool
	LastStep  int64
}

// FactorStore keeps second factors and recovery codes.
type FactorStore interface {
	// SavePendingTOTP stores a new unconfirmed secret for user, replacing
	// an unconfirmed one; a confirmed factor is ErrConflict.
	SavePendingTOTP(ctx context.Context, tenant TenantID, user UserID, sealed []byte, at time.Time) error
	// TOTPFactor loads and locks user's factor; ErrNotFound without one.
	TOTPFactor(ctx context.Context, tenant TenantID, user UserID) (Factor, error)
	// SetTOTPStep confirms the factor (if it was not) and records the last
	// time step used.
	SetTOTPStep(ctx context.Context, tenant TenantID, user UserID, step int64, at time.Time) error
	ReplaceRecoveryCodes(ctx context.Context, tenant TenantID, user UserID, hashes [][]byte) error
	// UseRecoveryCode marks an unused code used; false when there is none.
	UseRecoveryCode(ctx context.Context, tenant TenantID, user UserID, hash []byte, at time.Time) (bool, error)
	// UnusedRecoveryCodes counts what is left.
	UnusedRecoveryCodes(ctx context.Context, tenant TenantID, user UserID) (int, error)
	// DeleteFactors removes user's factor and recovery codes.
	DeleteFactors(ctx context.Context, tenant TenantID, user UserID) (bool, error)
	// StaffTwoFactorRequired reads the desk's rule (false by default).
	StaffTwoFactorRequired(ctx context.Context, tenant TenantID) (bool, error)
	SetStaffTwoFactorRequired(ctx context.Context, tenant TenantID, on bool, at time.Time) error
}

type twoFactor struct {
	codes CodeGenerator
	box   SecretBox
}

// WithTwoFactor turns TOTP on: gen makes the codes, box seals the
// secrets (a key of its own, not the IMAP one).
func WithTwoFactor(gen CodeGenerator, box SecretBox) Option {
	return func(s *Service) { s.twoFactor = &twoFactor{codes: gen, box: box} }
}

// TOTPEnrolment is what a user needs to add the factor to an app.
type TOTPEnrolment struct {
	Secret string // base32, for typing in by hand
	URI    string // otpauth://, for the QR code
}

// TwoFactorStatus is what the account page shows.
type TwoFactorStatus struct {
	Available bool // configured on this installation
	Enabled   bool
	Pending   *TOTPEnrolment // started, not confirmed yet
	Recovery  int            // unused recovery codes
}

// TwoFactor says where the acting user stands.
func (s *Service) TwoFactor(ctx context.Context, by Actor) (TwoFactorStatus, error) {
	if err := selfService(by, "two-factor status"); err != nil {
		return TwoFactorStatus{}, err
	}
	if s.twoFactor == nil {
		return TwoFactorStatus{}, nil
	}
	out := TwoFactorStatus{Available: true}
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		f, err := tx.TOTPFactor(ctx, by.Tenant, by.User)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if f.Confirmed {
			out.Enabled = true
			out.Recovery, err = tx.UnusedRecoveryCodes(ctx, by.Tenant, by.User)
			return err
		}
		u, t, err := s.userAndDesk(ctx, tx, by)
		if err != nil {
			return err
		}
		secret, err := s.twoFactor.box.Open(f.Sealed)
		if err != nil {
			return fmt.Errorf("helpdesk: open TOTP secret: %w", err)
		}
		out.Pending = &TOTPEnrolment{Secret: string(secret), URI: otpauthURI(t.Name, u.Email, string(secret))}
		return nil
	})
	return out, err
}

func (s *Service) userAndDesk(ctx context.Context, tx Store, by Actor) (User, Tenant, error) {
	u, err := tx.User(ctx, by.Tenant, by.User)
	if err != nil {
		return User{}, Tenant{}, err
	}
	t, err := tx.TenantByID(ctx, by.Tenant)
	return u, t, err
}

// otpauthURI is the Key URI Format authenticator apps read.
func otpauthURI(issuer, account, secret string) string {
	esc := url.PathEscape
	return "otpauth://totp/" + esc(issuer) + ":" + esc(account) + "?algorithm=SHA1&digits=6&issuer=" + esc(issuer) +
		"&period=30&secret=" + secret
}

// StartTOTP makes a new secret for the acting user, kept unconfirmed until
// a code from it is typed (ConfirmTOTP).
func (s *Service) StartTOTP(ctx context.Context, by Actor) (TOTPEnrolment, error) {
	if err := selfService(by, "start TOTP"); err != nil {
		return TOTPEnrolment{}, err
	}
	if s.twoFactor == nil {
		return TOTPEnrolment{}, ErrTwoFactorOff
	}
	var out TOTPEnrolment
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		u, t, err := s.userAndDesk(ctx, tx, by)
		if err != nil {
			return err
		}
		secret, _, err := s.twoFactor.codes.NewSecret(t.Name, u.Email)
		if err != nil {
			return err
		}
		sealed, err := s.twoFactor.box.Seal([]byte(secret))
		if err != nil {
			return fmt.Errorf("helpdesk: seal TOTP secret: %w", err)
		}
		if err := tx.SavePendingTOTP(ctx, by.Tenant, by.User, sealed, s.now()); err != nil {
			return err
		}
		out = TOTPEnrolment{Secret: secret, URI: otpauthURI(t.Name, u.Email, secret)}
		return nil
	})
	return out, err
}

// checkCode verifies code against f at now: the current step or one
// either side, later than the last step used. It returns the step.
func (s *Service) checkCode(f Factor, code string, now time.Time) (int64, bool, error) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return 0, false, nil
	}
	secret, err := s.twoFactor.box.Open(f.Sealed)
	if err != nil {
		return 0, false, fmt.Errorf("helpdesk: open TOTP secret: %w", err)
	}
	cur := s.twoFactor.codes.Step(now)
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		if step <= f.LastStep {
			continue
		}
		want, err := s.twoFactor.codes.Code(string(secret), step)
		if err != nil {
			return 0, false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true, nil
		}
	}
	return 0, false, nil
}

// ConfirmTOTP turns the factor on with a first code from the app and
// returns the recovery codes (shown once) and the user's new session
// epoch: every other session ends.
func (s *Service) ConfirmTOTP(ctx context.Context, by Actor, code string) ([]string, int, error) {
	if err := selfService(by, "confirm TOTP"); err != nil {
		return nil, 0, err
	}
	if s.twoFactor == nil {
		return nil, 0, ErrTwoFactorOff
	}
	var codes []string
	var epoch int
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		f, err := tx.TOTPFactor(ctx, by.Tenant, by.User)
		if errors.Is(err, ErrNotFound) || err == nil && f.Confirmed {
			return fmt.Errorf("helpdesk: confirm TOTP: nothing pending: %w", ErrConflict)
		}
		if err != nil {
			return err
		}
		now := s.now()
		step, ok, err := s.checkCode(f, code, now)
		if err != nil {
			return err
		}
		if !ok {
			return invalid("code", "error.totp_code")
		}
		if err := tx.SetTOTPStep(ctx, by.Tenant, by.User, step, now); err != nil {
			return err
		}
		var hashes [][]byte
		codes, hashes = newRecoveryCodes()
		if err := tx.ReplaceRecoveryCodes(ctx, by.Tenant, by.User, hashes); err != nil {
			return err
		}
		epoch, err = tx.BumpSessionEpoch(ctx, by.Tenant, by.User)
		return err
	})
	return codes, epoch, err
}

// HasTwoFactor reports whether u must give a second factor to sign in:
// a confirmed TOTP factor or a passkey.
func (s *Service) HasTwoFactor(ctx context.Context, u User) (bool, error) {
	if s.twoFactor == nil && s.passkeys == nil {
		return false, nil
	}
	var on bool
	err := s.store.InTx(ctx, u.Tenant, func(tx Store) error {
		var err error
		on, err = hasFactor(ctx, tx, u)
		return err
	})
	return on, err
}

// VerifySecondFactor checks a code from the app, or a recovery code, for
// a user who gave the right password. Anything else is
// ErrUnauthenticated; a recovery code works once.
func (s *Service) VerifySecondFactor(ctx context.Context, u User, code string) error {
	if s.twoFactor == nil {
		return ErrTwoFactorOff
	}
	return s.store.InTx(ctx, u.Tenant, func(tx Store) error {
		f, err := tx.TOTPFactor(ctx, u.Tenant, u.ID)
		if err != nil || !f.Confirmed {
			return ErrUnauthenticated
		}
		now := s.now()
		if h := recoveryHash(code); h != nil {
			used, err := tx.UseRecoveryCode(ctx, u.Tenant, u.ID, h, now)
			if err != nil {
				return err
			}
			if !used {
				return ErrUnauthenticated
			}
			return nil
		}
		step, ok, err := s.checkCode(f, code, now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrUnauthenticated
		}
		return tx.SetTOTPStep(ctx, u.Tenant, u.ID, step, now)
	})
}

// DisableTOTP turns the acting user's factor off after checking their
// password, mails them a notice and returns the new session epoch.
func (s *Service) DisableTOTP(ctx context.Context, by Actor, password string) (int, error) {
	if err := selfService(by, "disable TOTP"); err != nil {
		return 0, err
	}
	var epoch int
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		u, err := tx.User(ctx, by.Tenant, by.User)
		if err != nil {
			return err
		}
		ok, err := s.hasher.Verify(ctx, password, u.PasswordHash)
		if err != nil {
			return err
		}
		if !ok || len(password) > 4*MaxPasswordLen {
			return invalid("password", "error.current_password")
		}
		if err := s.dropFactors(ctx, tx, u, &epoch, false); err != nil {
			return err
		}
		return s.keepRequiredFactor(ctx, tx, u, "password")
	})
	return epoch, err
}

// dropFactors removes u's TOTP factor and codes, and their passkeys too
// when passkeys is set; if there were any, u's other sessions end and u
// is told.
func (s *Service) dropFactors(ctx context.Context, tx Store, u User, epoch *int, passkeys bool) error {
	had, err := tx.DeleteFactors(ctx, u.Tenant, u.ID)
	if err != nil {
		return err
	}
	if passkeys {
		n, err := tx.DeletePasskeys(ctx, u.Tenant, u.ID)
		if err != nil {
			return err
		}
		had = had || n > 0
	}
	if !had {
		return nil
	}
	if *epoch, err = tx.BumpSessionEpoch(ctx, u.Tenant, u.ID); err != nil {
		return err
	}
	return queueUserNotice(ctx, tx, u, AccountMailTwoFactorOff, "", s.now())
}

// ResetFactors is an admin's way back in for someone who lost their
// phone, passkeys and recovery codes: their TOTP factor, codes and
// passkeys go, their sessions end, they are told by mail, and the audit
// log says who did it.
func (s *Service) ResetFactors(ctx context.Context, by Actor, user UserID) error {
	return s.adminTx(ctx, by, "reset factors", func(tx Store) error {
		u, err := tx.User(ctx, by.Tenant, user)
		if err != nil {
			return err
		}
		var epoch int
		if err := s.dropFactors(ctx, tx, u, &epoch, true); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "person.reset_factors", ObjectKind: "person", ObjectID: int64(u.ID), ObjectLabel: u.Name,
			Before: AuditValues{"two_factor": "on"}, After: AuditValues{"two_factor": "off"}})
	})
}

// recoveryEncoding is base32 without padding: no 0/O or 1/I confusion.
var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRecoveryCodes returns fresh codes ("ABCDE-FGHJK") and their hashes.
func newRecoveryCodes() ([]string, [][]byte) {
	codes := make([]string, RecoveryCodes)
	hashes := make([][]byte, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 7)
		_, _ = rand.Read(b)
		c := recoveryEncoding.EncodeToString(b)[:10]
		codes[i] = c[:5] + "-" + c[5:]
		hashes[i] = recoveryHash(codes[i])
	}
	return codes, hashes
}

// recoveryHash hashes a recovery code as typed (spaces, dash and case
// ignored), or nil for anything not shaped like one.
func recoveryHash(code string) []byte {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	if len(c) != 10 {
		return nil
	}
	if !validBase32(c) {
		return nil
	}
	sum := sha256.Sum256([]byte(c))
	return sum[:]
}

func validBase32(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}
