// Package passkey runs WebAuthn ceremonies for the domain's passkeys with
// go-webauthn (ADR 0015). It implements helpdesk.PasskeyRP: options and
// responses are the JSON the browser exchanges, session data and
// credential records are JSON the domain stores without reading.
package passkey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ErrNoDomain reports a base URL whose host is an IP address: WebAuthn
// binds credentials to a domain name, so such an installation cannot
// offer passkeys.
var ErrNoDomain = errors.New("passkey: passkeys need a domain name, not an IP address, in the base URL")

// RP is the relying party of one installation.
type RP struct {
	w *webauthn.WebAuthn
}

// New makes the relying party for the installation served at baseURL
// (ATIENDE_BASE_URL): its host is the RP ID, its origin the only origin
// accepted. name is what authenticators show.
func New(baseURL, name string) (*RP, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("passkey: base URL %q has no host", baseURL)
	}
	if net.ParseIP(u.Hostname()) != nil {
		return nil, fmt.Errorf("%w (%s)", ErrNoDomain, u.Hostname())
	}
	w, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: name,
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
		// Passkeys stand in for a password: the authenticator must check
		// its user (PIN, fingerprint), and keep the credential so staff
		// can sign in without typing who they are.
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationRequired,
		},
		AttestationPreference: protocol.PreferNoAttestation,
		Timeouts: webauthn.TimeoutsConfig{
			Login:        webauthn.TimeoutConfig{Enforce: true, Timeout: 2 * time.Minute, TimeoutUVD: 2 * time.Minute},
			Registration: webauthn.TimeoutConfig{Enforce: true, Timeout: 3 * time.Minute, TimeoutUVD: 3 * time.Minute},
		},
	})
	if err != nil {
		return nil, fmt.Errorf("passkey: %w", err)
	}
	return &RP{w: w}, nil
}

// user adapts a helpdesk.PasskeyAccount to webauthn.User.
type user struct {
	acc   helpdesk.PasskeyAccount
	creds []webauthn.Credential
}

func newUser(acc helpdesk.PasskeyAccount) (*user, error) {
	u := &user{acc: acc}
	for _, p := range acc.Passkeys {
		var c webauthn.Credential
		if err := json.Unmarshal(p.Record, &c); err != nil {
			return nil, fmt.Errorf("passkey: record of passkey %d: %w", p.ID, err)
		}
		// The stored counter is the database's, and a warning raised
		// before is not this ceremony's.
		c.Authenticator.SignCount, c.Authenticator.CloneWarning = p.SignCount, false
		u.creds = append(u.creds, c)
	}
	return u, nil
}

func (u *user) WebAuthnID() []byte                         { return u.acc.Handle }
func (u *user) WebAuthnName() string                       { return u.acc.Name }
func (u *user) WebAuthnDisplayName() string                { return u.acc.DisplayName }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// BeginRegistration implements helpdesk.PasskeyRP. The user's passkeys are
// excluded: the same authenticator is not registered twice.
func (rp *RP) BeginRegistration(acc helpdesk.PasskeyAccount) ([]byte, []byte, error) {
	u, err := newUser(acc)
	if err != nil {
		return nil, nil, err
	}
	exclude := make([]protocol.CredentialDescriptor, 0, len(u.creds))
	for _, c := range u.creds {
		exclude = append(exclude, c.Descriptor())
	}
	creation, session, err := rp.w.BeginRegistration(u, webauthn.WithExclusions(exclude))
	if err != nil {
		return nil, nil, fmt.Errorf("passkey: begin registration: %w", err)
	}
	return marshalBoth(creation, session)
}

// FinishRegistration implements helpdesk.PasskeyRP.
func (rp *RP) FinishRegistration(acc helpdesk.PasskeyAccount, session, response []byte) (helpdesk.PasskeyResult, error) {
	u, err := newUser(acc)
	if err != nil {
		return helpdesk.PasskeyResult{}, err
	}
	var sd webauthn.SessionData
	if err := json.Unmarshal(session, &sd); err != nil {
		return helpdesk.PasskeyResult{}, fmt.Errorf("passkey: session data: %w", err)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return helpdesk.PasskeyResult{}, rejected(err)
	}
	c, err := rp.w.CreateCredential(u, sd, parsed)
	if err != nil {
		return helpdesk.PasskeyResult{}, rejected(err)
	}
	return result(c)
}

// BeginLogin implements helpdesk.PasskeyRP.
func (rp *RP) BeginLogin(acc *helpdesk.PasskeyAccount) ([]byte, []byte, error) {
	var assertion *protocol.CredentialAssertion
	var session *webauthn.SessionData
	var err error
	if acc == nil {
		assertion, session, err = rp.w.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	} else {
		var u *user
		if u, err = newUser(*acc); err != nil {
			return nil, nil, err
		}
		assertion, session, err = rp.w.BeginLogin(u, webauthn.WithUserVerification(protocol.VerificationRequired))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("passkey: begin login: %w", err)
	}
	return marshalBoth(assertion, session)
}

// FinishLogin implements helpdesk.PasskeyRP.
func (rp *RP) FinishLogin(acc *helpdesk.PasskeyAccount, session, response []byte,
	find func(credentialID, handle []byte) (helpdesk.PasskeyAccount, error)) (helpdesk.PasskeyResult, error) {
	var sd webauthn.SessionData
	if err := json.Unmarshal(session, &sd); err != nil {
		return helpdesk.PasskeyResult{}, fmt.Errorf("passkey: session data: %w", err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return helpdesk.PasskeyResult{}, rejected(err)
	}
	var c *webauthn.Credential
	if acc == nil {
		_, c, err = rp.w.ValidatePasskeyLogin(func(rawID, handle []byte) (webauthn.User, error) {
			a, err := find(rawID, handle)
			if err != nil {
				return nil, err
			}
			return newUser(a)
		}, sd, parsed)
	} else {
		var u *user
		if u, err = newUser(*acc); err != nil {
			return helpdesk.PasskeyResult{}, err
		}
		c, err = rp.w.ValidateLogin(u, sd, parsed)
	}
	if err != nil {
		return helpdesk.PasskeyResult{}, rejected(err)
	}
	return result(c)
}

func result(c *webauthn.Credential) (helpdesk.PasskeyResult, error) {
	cloned := c.Authenticator.CloneWarning
	c.Authenticator.CloneWarning = false
	record, err := json.Marshal(c)
	if err != nil {
		return helpdesk.PasskeyResult{}, fmt.Errorf("passkey: record: %w", err)
	}
	return helpdesk.PasskeyResult{CredentialID: bytes.Clone(c.ID), Record: record, SignCount: c.Authenticator.SignCount, Cloned: cloned}, nil
}

// rejected wraps a response the library refused; the reason stays in the
// error for the log, the user sees one message.
func rejected(err error) error {
	var perr *protocol.Error
	if errors.As(err, &perr) && perr.DevInfo != "" {
		return fmt.Errorf("%w: %v (%s)", helpdesk.ErrPasskeyRejected, err, perr.DevInfo)
	}
	return fmt.Errorf("%w: %v", helpdesk.ErrPasskeyRejected, err)
}

func marshalBoth(options any, session *webauthn.SessionData) ([]byte, []byte, error) {
	o, err := json.Marshal(options)
	if err != nil {
		return nil, nil, fmt.Errorf("passkey: options: %w", err)
	}
	s, err := json.Marshal(session)
	if err != nil {
		return nil, nil, fmt.Errorf("passkey: session data: %w", err)
	}
	return o, s, nil
}
