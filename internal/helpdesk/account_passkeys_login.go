package helpdesk

import (
	"bytes"
	"context"
	"fmt"
)

// Signing in with a passkey: as the second step after a password, or,
// for staff, alone with a discoverable credential.

// BeginPasskeySignIn starts a sign-in ceremony in tenant: for u's
// passkeys after their password (u not nil), or passwordless (u nil).
// It returns the browser's options and the token its session keeps.
func (s *Service) BeginPasskeySignIn(ctx context.Context, tenant TenantID, u *User) (options []byte, token string, err error) {
	if s.passkeys == nil {
		return nil, "", ErrPasskeysOff
	}
	err = s.store.InTx(ctx, tenant, func(tx Store) error {
		c := PasskeyChallenge{Tenant: tenant, Purpose: PasskeySignIn, ExpiresAt: s.now().Add(ChallengeTTL)}
		var acc *PasskeyAccount
		if u != nil {
			if u.Tenant != tenant {
				return ErrUnauthenticated
			}
			a, err := passkeyAccount(ctx, tx, *u)
			if err != nil {
				return err
			}
			if len(a.Passkeys) == 0 {
				return ErrUnauthenticated
			}
			acc, c.Purpose, c.User = &a, PasskeySecondStep, u.ID
		}
		opts, session, err := s.passkeys.BeginLogin(acc)
		if err != nil {
			return fmt.Errorf("helpdesk: begin passkey sign-in: %w", err)
		}
		options, c.Session = opts, session
		token, c.TokenHash = newCeremonyToken()
		return tx.SaveChallenge(ctx, c)
	})
	return options, token, err
}

// FinishPasskeySignIn checks the response to the ceremony of token and
// returns who signed in. As a second step (u not nil) the passkey must be
// u's; passwordless, it must belong to active staff of the desk. Any
// failure is ErrUnauthenticated (ErrPasskeyRejected). A signature counter
// that did not go forward refuses the sign-in, tells the owner by mail
// and leaves a line in the audit log: the key may have been copied.
func (s *Service) FinishPasskeySignIn(ctx context.Context, tenant TenantID, u *User, token string, response []byte) (User, error) {
	if s.passkeys == nil {
		return User{}, ErrPasskeysOff
	}
	purpose := PasskeySignIn
	if u != nil {
		purpose = PasskeySecondStep
	}
	c, err := s.takeCeremony(ctx, tenant, token, purpose)
	if err != nil {
		return User{}, err
	}
	var who User
	var cloned bool
	err = s.store.InTx(ctx, tenant, func(tx Store) error {
		var acc *PasskeyAccount
		if u != nil {
			if c.User != u.ID || u.Tenant != tenant {
				return ErrPasskeyRejected
			}
			a, err := passkeyAccount(ctx, tx, *u)
			if err != nil {
				return err
			}
			acc, who = &a, *u
		}
		find := func(credentialID, handle []byte) (PasskeyAccount, error) {
			p, err := tx.PasskeyByCredential(ctx, tenant, credentialID)
			if err != nil || !bytes.Equal(p.Handle, handle) {
				return PasskeyAccount{}, ErrPasskeyRejected
			}
			if who, err = tx.User(ctx, tenant, p.User); err != nil {
				return PasskeyAccount{}, ErrPasskeyRejected
			}
			return passkeyAccount(ctx, tx, who)
		}
		res, err := s.passkeys.FinishLogin(acc, c.Session, response, find)
		if err != nil {
			return err
		}
		if u == nil && (!who.Role.IsStaff() || !who.Active || who.MergedInto != 0) {
			return ErrPasskeyRejected
		}
		p, err := tx.PasskeyByCredential(ctx, tenant, res.CredentialID)
		if err != nil || p.User != who.ID {
			return ErrPasskeyRejected
		}
		if res.Cloned || (res.SignCount != 0 || p.SignCount != 0) && res.SignCount <= p.SignCount {
			cloned = true
			return s.noteClone(ctx, tx, who, p)
		}
		return tx.TouchPasskey(ctx, tenant, p.ID, res.Record, res.SignCount, s.now())
	})
	if err != nil {
		return User{}, err
	}
	if cloned {
		return User{}, fmt.Errorf("helpdesk: passkey counter went back: %w", ErrPasskeyRejected)
	}
	return who, nil
}

// noteClone records a refused sign-in whose counter went back: the owner
// is mailed and the audit log says which passkey. The transaction commits
// so the notice and the line stay; the caller refuses the sign-in.
func (s *Service) noteClone(ctx context.Context, tx Store, u User, p Passkey) error {
	if err := queueUserNotice(ctx, tx, u, AccountMailPasskeyClone, p.Name, s.now()); err != nil {
		return err
	}
	return s.audit(ctx, tx, u.Actor(), AuditEntry{Action: "account.passkey_clone", ObjectKind: "person", ObjectID: int64(u.ID),
		ObjectLabel: u.Name, After: AuditValues{"passkey": p.Name}})
}

// HasPasskeys reports whether u has a passkey, for the second step's
// page.
func (s *Service) HasPasskeys(ctx context.Context, u User) (bool, error) {
	if s.passkeys == nil {
		return false, nil
	}
	var on bool
	err := s.store.InTx(ctx, u.Tenant, func(tx Store) error {
		keys, err := tx.PasskeysOf(ctx, u.Tenant, u.ID)
		on = len(keys) > 0
		return err
	})
	return on, err
}
