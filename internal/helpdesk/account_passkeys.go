package helpdesk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Passkeys (WebAuthn): a user registers passkeys from their account and
// each counts as a second factor; staff may also sign in with one alone
// (a discoverable credential answers who they are). The ceremonies run
// in a PasskeyRP (internal/passkey, go-webauthn); the domain keeps the
// credentials, the ceremonies in flight and the rules: a ceremony's data
// stays in the database, keyed by the hash of a token the browser's
// session holds, and is taken by the request that finishes it, so it
// works once and only for a few minutes; a signature counter that goes
// back means a copied key, and the sign-in is refused and the owner told.

// PasskeyID identifies a passkey within its tenant.
type PasskeyID int64

// Passkey is one registered credential of a user.
type Passkey struct {
	ID           PasskeyID
	Tenant       TenantID
	User         UserID
	Handle       []byte // the user handle the authenticator holds
	CredentialID []byte
	Name         string
	// Record is the RP's own record of the credential (public key,
	// flags), opaque to the domain.
	Record     []byte
	SignCount  uint32
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
}

// PasskeyAccount is a user as a WebAuthn ceremony sees them.
type PasskeyAccount struct {
	Handle      []byte
	Name        string // the email: what authenticators list
	DisplayName string
	Passkeys    []Passkey
}

// PasskeyResult is what a finished ceremony yields.
type PasskeyResult struct {
	CredentialID []byte
	Record       []byte
	SignCount    uint32
	// Cloned is set when the signature counter did not go forward.
	Cloned bool
}

// ErrPasskeyRejected reports a response the RP did not accept.
var ErrPasskeyRejected = fmt.Errorf("helpdesk: passkey response rejected: %w", ErrUnauthenticated)

// PasskeyRP runs WebAuthn ceremonies. Options and responses are the JSON
// the browser exchanges; session is the ceremony's data, kept by the
// domain until the response comes.
type PasskeyRP interface {
	BeginRegistration(acc PasskeyAccount) (options, session []byte, err error)
	FinishRegistration(acc PasskeyAccount, session, response []byte) (PasskeyResult, error)
	// BeginLogin starts a sign-in with acc's passkeys, or with any
	// discoverable one when acc is nil.
	BeginLogin(acc *PasskeyAccount) (options, session []byte, err error)
	// FinishLogin checks a response; with acc nil, find names the owner
	// of the credential the authenticator chose.
	FinishLogin(acc *PasskeyAccount, session, response []byte,
		find func(credentialID, handle []byte) (PasskeyAccount, error)) (PasskeyResult, error)
}

// PasskeyPurpose is what a ceremony in flight is for.
type PasskeyPurpose string

const (
	PasskeyRegister   PasskeyPurpose = "register"
	PasskeySecondStep PasskeyPurpose = "second_step"
	PasskeySignIn     PasskeyPurpose = "sign_in"
)

// PasskeyChallenge is a ceremony in flight.
type PasskeyChallenge struct {
	Tenant    TenantID
	TokenHash []byte
	Purpose   PasskeyPurpose
	User      UserID // zero for a passwordless sign-in
	Label     string // the new passkey's name, when registering
	Handle    []byte // the user handle offered, when registering
	Session   []byte
	ExpiresAt time.Time
}

// PasskeyStore keeps passkeys and ceremonies in flight.
type PasskeyStore interface {
	// InsertPasskey stores a new passkey; a credential already in the
	// desk is ErrConflict.
	InsertPasskey(ctx context.Context, tenant TenantID, p Passkey) (PasskeyID, error)
	// PasskeysOf lists user's passkeys, oldest first.
	PasskeysOf(ctx context.Context, tenant TenantID, user UserID) ([]Passkey, error)
	// PasskeyByCredential loads and locks the passkey with that
	// credential id in the desk; ErrNotFound without one.
	PasskeyByCredential(ctx context.Context, tenant TenantID, credentialID []byte) (Passkey, error)
	// TouchPasskey records a use: the new record and counter.
	TouchPasskey(ctx context.Context, tenant TenantID, id PasskeyID, record []byte, signCount uint32, at time.Time) error
	// DeletePasskey removes user's passkey id; ErrNotFound when user has
	// no such passkey.
	DeletePasskey(ctx context.Context, tenant TenantID, user UserID, id PasskeyID) (Passkey, error)
	// DeletePasskeys removes all of user's passkeys and says how many.
	DeletePasskeys(ctx context.Context, tenant TenantID, user UserID) (int, error)
	// SaveChallenge stores a ceremony, dropping the desk's expired ones.
	SaveChallenge(ctx context.Context, c PasskeyChallenge) error
	// TakeChallenge deletes and returns the live ceremony with that token
	// hash and purpose; ErrNotFound when there is none (used, expired).
	TakeChallenge(ctx context.Context, tenant TenantID, tokenHash []byte, purpose PasskeyPurpose, now time.Time) (PasskeyChallenge, error)
}

// ChallengeTTL bounds a ceremony: the browser's prompt times out sooner.
const ChallengeTTL = 5 * time.Minute

// MaxPasskeyName bounds a passkey's name, in characters.
const MaxPasskeyName = 60

// MaxPasskeys bounds a user's passkeys: enough for every device.
const MaxPasskeys = 20

// WithPasskeys turns passkeys on; rp runs the ceremonies.
func WithPasskeys(rp PasskeyRP) Option {
	return func(s *Service) { s.passkeys = rp }
}

// ErrPasskeysOff reports that passkeys are not configured.
var ErrPasskeysOff = errors.New("helpdesk: passkeys not configured")

// PasskeysAvailable reports whether passkeys are configured.
func (s *Service) PasskeysAvailable() bool { return s.passkeys != nil }

// newCeremonyToken returns a random token for the browser's session and
// the hash the database keeps.
func newCeremonyToken() (string, []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, ceremonyHash(tok)
}

func ceremonyHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// takeCeremony takes the live ceremony of token in a transaction of its
// own, so it is gone even when the response then fails; anything but a
// live ceremony is ErrPasskeyRejected.
func (s *Service) takeCeremony(ctx context.Context, tenant TenantID, token string, purpose PasskeyPurpose) (PasskeyChallenge, error) {
	if token == "" {
		return PasskeyChallenge{}, ErrPasskeyRejected
	}
	var c PasskeyChallenge
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		c, err = tx.TakeChallenge(ctx, tenant, ceremonyHash(token), purpose, s.now())
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return c, ErrPasskeyRejected
	}
	return c, err
}

// passkeyAccount loads u with their passkeys, making a user handle for a
// user who has none yet.
func passkeyAccount(ctx context.Context, tx Store, u User) (PasskeyAccount, error) {
	keys, err := tx.PasskeysOf(ctx, u.Tenant, u.ID)
	if err != nil {
		return PasskeyAccount{}, err
	}
	acc := PasskeyAccount{Name: u.Email, DisplayName: u.Name, Passkeys: keys}
	if len(keys) > 0 {
		acc.Handle = keys[0].Handle
	} else {
		acc.Handle = make([]byte, 32)
		_, _ = rand.Read(acc.Handle)
	}
	return acc, nil
}

// Passkeys lists the acting user's passkeys.
func (s *Service) Passkeys(ctx context.Context, by Actor) ([]Passkey, error) {
	if err := selfService(by, "passkeys"); err != nil {
		return nil, err
	}
	var out []Passkey
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.PasskeysOf(ctx, by.Tenant, by.User)
		return err
	})
	return out, err
}

// validPasskeyName trims name and checks it.
func validPasskeyName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return "", invalid("name", "error.passkey_name_required")
	}
	if utf8.RuneCountInString(name) > MaxPasskeyName {
		return "", invalid("name", "error.passkey_name_long")
	}
	return name, nil
}

// BeginPasskeyRegistration starts adding a passkey called name for the
// acting user: it returns the options for the browser and the token its
// session keeps for the finish.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, by Actor, name string) (options []byte, token string, err error) {
	if err := selfService(by, "begin passkey registration"); err != nil {
		return nil, "", err
	}
	if s.passkeys == nil {
		return nil, "", ErrPasskeysOff
	}
	if name, err = validPasskeyName(name); err != nil {
		return nil, "", err
	}
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		u, err := tx.User(ctx, by.Tenant, by.User)
		if err != nil {
			return err
		}
		acc, err := passkeyAccount(ctx, tx, u)
		if err != nil {
			return err
		}
		if len(acc.Passkeys) >= MaxPasskeys {
			return invalid("name", "error.passkey_too_many")
		}
		opts, session, err := s.passkeys.BeginRegistration(acc)
		if err != nil {
			return fmt.Errorf("helpdesk: begin passkey registration: %w", err)
		}
		var hash []byte
		token, hash = newCeremonyToken()
		options = opts
		return tx.SaveChallenge(ctx, PasskeyChallenge{Tenant: by.Tenant, TokenHash: hash, Purpose: PasskeyRegister, User: by.User,
			Label: name, Handle: acc.Handle, Session: session, ExpiresAt: s.now().Add(ChallengeTTL)})
	})
	return options, token, err
}

// FinishPasskeyRegistration checks the authenticator's response to the
// ceremony of token and stores the new passkey (audited, and mailed to
// the user). The user's other sessions end, as for any change of factors;
// it returns the new session epoch.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, by Actor, token string, response []byte) (Passkey, int, error) {
	if err := selfService(by, "finish passkey registration"); err != nil {
		return Passkey{}, 0, err
	}
	if s.passkeys == nil {
		return Passkey{}, 0, ErrPasskeysOff
	}
	c, err := s.takeCeremony(ctx, by.Tenant, token, PasskeyRegister)
	if err != nil {
		return Passkey{}, 0, err
	}
	var p Passkey
	var epoch int
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if c.User != by.User {
			return ErrPasskeyRejected
		}
		u, err := tx.User(ctx, by.Tenant, by.User)
		if err != nil {
			return err
		}
		acc, err := passkeyAccount(ctx, tx, u)
		if err != nil {
			return err
		}
		// The handle the authenticator was given, new for a first passkey.
		acc.Handle = c.Handle
		res, err := s.passkeys.FinishRegistration(acc, c.Session, response)
		if err != nil {
			return err
		}
		now := s.now()
		p = Passkey{Tenant: by.Tenant, User: by.User, Handle: acc.Handle, CredentialID: res.CredentialID, Name: c.Label,
			Record: res.Record, SignCount: res.SignCount, CreatedAt: now}
		if p.ID, err = tx.InsertPasskey(ctx, by.Tenant, p); err != nil {
			return err
		}
		if epoch, err = tx.BumpSessionEpoch(ctx, by.Tenant, by.User); err != nil {
			return err
		}
		if err := queueUserNotice(ctx, tx, u, AccountMailPasskeyAdded, p.Name, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "account.passkey_added", ObjectKind: "person", ObjectID: int64(u.ID),
			ObjectLabel: u.Name, After: AuditValues{"passkey": p.Name}})
	})
	return p, epoch, err
}

// RemovePasskey removes the acting user's passkey id (audited, mailed).
// The last factor of staff whose desk requires two-step verification
// stays: removing it is refused with a message saying so.
func (s *Service) RemovePasskey(ctx context.Context, by Actor, id PasskeyID) (int, error) {
	if err := selfService(by, "remove passkey"); err != nil {
		return 0, err
	}
	var epoch int
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		u, err := tx.User(ctx, by.Tenant, by.User)
		if err != nil {
			return err
		}
		p, err := tx.DeletePasskey(ctx, by.Tenant, by.User, id)
		if err != nil {
			return err
		}
		if err := s.keepRequiredFactor(ctx, tx, u, "passkey"); err != nil {
			return err
		}
		if epoch, err = tx.BumpSessionEpoch(ctx, by.Tenant, by.User); err != nil {
			return err
		}
		if err := queueUserNotice(ctx, tx, u, AccountMailPasskeyRemoved, p.Name, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "account.passkey_removed", ObjectKind: "person", ObjectID: int64(u.ID),
			ObjectLabel: u.Name, Before: AuditValues{"passkey": p.Name}})
	})
	return epoch, err
}

// keepRequiredFactor refuses, as a field error on field, a change that
// left u, staff of a desk requiring two-step verification, without any
// factor. It runs after the change, in its transaction.
func (s *Service) keepRequiredFactor(ctx context.Context, tx Store, u User, field string) error {
	if !u.Role.IsStaff() {
		return nil
	}
	req, err := tx.StaffTwoFactorRequired(ctx, u.Tenant)
	if err != nil || !req {
		return err
	}
	on, err := hasFactor(ctx, tx, u)
	if err != nil || on {
		return err
	}
	return invalid(field, "error.last_factor_required")
}

// hasFactor reports whether u has a confirmed TOTP factor or a passkey.
func hasFactor(ctx context.Context, tx Store, u User) (bool, error) {
	f, err := tx.TOTPFactor(ctx, u.Tenant, u.ID)
	if err == nil && f.Confirmed {
		return true, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false, err
	}
	keys, err := tx.PasskeysOf(ctx, u.Tenant, u.ID)
	return len(keys) > 0, err
}
