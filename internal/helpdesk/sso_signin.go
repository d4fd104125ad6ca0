package helpdesk

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The sign-in through a desk's identity provider. The caller (the HTTP
// layer) keeps the state, nonce and PKCE verifier of StartSSO in the
// browser's session, checks the state when the browser comes back, and
// hands the code, verifier and nonce to CompleteSSO. The identity
// provider is the second factor: a sign-in through it does not ask for
// the local one (docs/security.md).

// Reasons a sign-in through the provider is refused; each has its own
// message.
var (
	// ErrSSOProvider: the code exchange or the ID token failed (wrong
	// nonce, bad signature, expired code, provider unreachable).
	ErrSSOProvider = errors.New("helpdesk: identity provider sign-in failed")
	// ErrSSOEmailUnverified: the provider does not vouch for the address.
	ErrSSOEmailUnverified = errors.New("helpdesk: identity provider email not verified")
	// ErrSSODomain: the address's domain is not one the desk allows.
	ErrSSODomain = errors.New("helpdesk: email domain not allowed for single sign-on")
	// ErrSSOAccount: the matching account is deactivated or merged.
	ErrSSOAccount = errors.New("helpdesk: account cannot sign in")
)

// SSOStart is a sign-in on its way to the provider: URL to send the
// browser to and the secrets to keep until it comes back.
type SSOStart struct {
	URL      string
	State    string
	Nonce    string
	Verifier string
}

// ssoRandom is 32 random bytes, base64url: states, nonces and PKCE
// verifiers (RFC 7636 asks 43 to 128 characters).
func ssoRandom() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ssoClient loads the desk's enabled provider with its secret opened.
func (s *Service) ssoClient(ctx context.Context, tenant TenantID, redirectURL string) (SSOSettings, SSOClient, error) {
	if s.sso == nil {
		return SSOSettings{}, SSOClient{}, ErrSSOOff
	}
	st, err := s.store.SSOSettings(ctx, tenant)
	if errors.Is(err, ErrNotFound) || err == nil && !st.Enabled {
		return SSOSettings{}, SSOClient{}, ErrSSOOff
	}
	if err != nil {
		return SSOSettings{}, SSOClient{}, err
	}
	secret, err := s.sso.box.Open(st.Secret)
	if err != nil {
		return SSOSettings{}, SSOClient{}, fmt.Errorf("helpdesk: open sso secret: %w", err)
	}
	return st, SSOClient{Issuer: st.Issuer, ClientID: st.ClientID, ClientSecret: string(secret), RedirectURL: redirectURL}, nil
}

// StartSSO begins a sign-in through the desk's provider; ErrSSOOff when
// the desk has none turned on.
func (s *Service) StartSSO(ctx context.Context, tenant TenantID, redirectURL string) (SSOStart, error) {
	_, c, err := s.ssoClient(ctx, tenant, redirectURL)
	if err != nil {
		return SSOStart{}, err
	}
	st := SSOStart{State: ssoRandom(), Nonce: ssoRandom(), Verifier: ssoRandom()}
	st.URL, err = s.sso.provider.AuthURL(ctx, c, st.State, st.Nonce, st.Verifier)
	if err != nil {
		return SSOStart{}, fmt.Errorf("%w: %w", ErrSSOProvider, err)
	}
	return st, nil
}

// CompleteSSO finishes a sign-in whose state the caller checked: it
// verifies the provider's answer, then finds the user by the provider
// account's link, else by the verified address (and links it), else
// creates one with the desk's role for new users. Links and creations
// are audited, and so is every sign-in.
func (s *Service) CompleteSSO(ctx context.Context, tenant TenantID, redirectURL, code, verifier, nonce string) (User, error) {
	st, c, err := s.ssoClient(ctx, tenant, redirectURL)
	if err != nil {
		return User{}, err
	}
	id, err := s.sso.provider.Identify(ctx, c, code, verifier, nonce)
	if err != nil {
		return User{}, fmt.Errorf("%w: %w", ErrSSOProvider, err)
	}
	if id.Issuer != st.Issuer || id.Subject == "" || len(id.Subject) > 255 {
		return User{}, fmt.Errorf("%w: issuer %q, subject %q", ErrSSOProvider, id.Issuer, id.Subject)
	}
	if !id.EmailVerified {
		return User{}, ErrSSOEmailUnverified
	}
	email := NormaliseEmail(id.Email)
	var v ValidationError
	checkEmail(&v, "email", email)
	if v.Err() != nil {
		return User{}, ErrSSOEmailUnverified
	}
	if len(st.AllowedDomains) > 0 && !slices.Contains(st.AllowedDomains, emailDomain(email)) {
		return User{}, ErrSSODomain
	}
	u, err := s.ssoSignIn(ctx, tenant, st, id, email)
	if errors.Is(err, ErrConflict) {
		// The same person's first sign-in in two browsers at once: the
		// other one made the account or the link; this one finds it.
		u, err = s.ssoSignIn(ctx, tenant, st, id, email)
	}
	return u, err
}

// ssoSignIn finds or makes the user, links the provider account and
// records the sign-in, in one transaction.
func (s *Service) ssoSignIn(ctx context.Context, tenant TenantID, st SSOSettings, id SSOIdentity, email string) (User, error) {
	var u User
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		u, err = s.ssoUser(ctx, tx, tenant, st, id, email)
		if err != nil {
			return err
		}
		if !u.Active || u.MergedInto != 0 {
			return ErrSSOAccount
		}
		if err := tx.LinkSSOIdentity(ctx, tenant, id.Issuer, id.Subject, u.ID, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, u.Actor(), AuditEntry{Action: "sso.signin", ObjectKind: "person", ObjectID: int64(u.ID),
			ObjectLabel: u.Name, After: AuditValues{"issuer": id.Issuer}})
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// ssoUser finds or makes the user the provider vouched for: by the link
// of (issuer, subject) first, then by the verified address (linked from
// now on), else a new account with the desk's role for new users and no
// password.
func (s *Service) ssoUser(ctx context.Context, tx Store, tenant TenantID, st SSOSettings, id SSOIdentity, email string) (User, error) {
	uid, err := tx.SSOIdentityUser(ctx, tenant, id.Issuer, id.Subject)
	if err == nil {
		return tx.User(ctx, tenant, uid)
	}
	if !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	u, err := tx.UserByEmail(ctx, tenant, email)
	if err == nil {
		return u, s.audit(ctx, tx, u.Actor(), AuditEntry{Action: "sso.link", ObjectKind: "person", ObjectID: int64(u.ID),
			ObjectLabel: u.Name, After: AuditValues{"issuer": id.Issuer, "subject": id.Subject}})
	}
	if !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	name := CleanLine(id.Name)
	if name == "" || runeLen(name) > MaxNameLen {
		name = email[:strings.LastIndexByte(email, '@')]
	}
	var org OrganisationID
	if st.NewUserRole == RoleCustomer {
		if org, err = tx.OrganisationByDomain(ctx, tenant, emailDomain(email)); errors.Is(err, ErrNotFound) {
			org, err = 0, nil
		} else if err != nil {
			return User{}, err
		}
	}
	u, err = tx.CreateUser(ctx, tenant, User{Email: email, Name: name, Role: st.NewUserRole, Active: true, Organisation: org})
	if err != nil {
		return User{}, fmt.Errorf("helpdesk: sso create user: %w", err)
	}
	return u, s.audit(ctx, tx, u.Actor(), AuditEntry{Action: "sso.create", ObjectKind: "person", ObjectID: int64(u.ID),
		ObjectLabel: u.Name, After: AuditValues{"email": u.Email, "role": string(u.Role), "issuer": id.Issuer}})
}
