// Package sso signs people in through a desk's OpenID Connect provider
// with coreos/go-oidc and golang.org/x/oauth2 (docs/adr/0014-go-oidc.md):
// discovery, the authorization URL with state, nonce and PKCE (S256), the
// code exchange and the ID token's verification. Every connection to a
// provider goes through the outbound address guard (internal/netguard):
// the issuer is a desk's setting, so it may not lead to the
// installation's own network. The domain (helpdesk/sso_*.go) decides who
// the verified identity is allowed to be.
package sso

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/netguard"
)

// providerTTL is how long a provider's discovery document is reused: its
// key set is cached with it (and refreshed by go-oidc when an unknown key
// id shows up), so a sign-in costs no discovery round trip.
const providerTTL = 10 * time.Minute

// Client implements helpdesk.SSOProvider.
type Client struct {
	http *http.Client
	// allowPrivate lets issuers be loopback or private addresses and
	// plain http: development and tests with a provider on loopback.
	allowPrivate bool
	now          func() time.Time

	mu        sync.Mutex
	providers map[string]cached
}

type cached struct {
	p  *oidc.Provider
	at time.Time
}

// New returns a client whose connections are guarded; allowPrivate is for
// a provider on the operator's own network or on loopback in tests.
func New(allowPrivate bool) *Client {
	return &Client{http: netguard.HTTPClient(allowPrivate, 15*time.Second), allowPrivate: allowPrivate,
		now: time.Now, providers: map[string]cached{}}
}

var _ helpdesk.SSOProvider = (*Client)(nil)

// provider discovers issuer (or reuses a recent discovery).
func (c *Client) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.Scheme != "https" && !(c.allowPrivate && u.Scheme == "http") {
		return nil, fmt.Errorf("sso: issuer %q must be an https URL", issuer)
	}
	c.mu.Lock()
	hit, ok := c.providers[issuer]
	c.mu.Unlock()
	if ok && c.now().Sub(hit.at) < providerTTL {
		return hit.p, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, c.http), issuer)
	if err != nil {
		return nil, fmt.Errorf("sso: discover %s: %w", issuer, err)
	}
	c.mu.Lock()
	c.providers[issuer] = cached{p: p, at: c.now()}
	c.mu.Unlock()
	return p, nil
}

// Discover implements helpdesk.SSOProvider: it always fetches anew, so an
// admin saving the settings sees the issuer as it is now.
func (c *Client) Discover(ctx context.Context, issuer string) error {
	c.mu.Lock()
	delete(c.providers, issuer)
	c.mu.Unlock()
	p, err := c.provider(ctx, issuer)
	if err != nil {
		return err
	}
	var meta struct {
		Methods []string `json:"code_challenge_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return fmt.Errorf("sso: discovery document of %s: %w", issuer, err)
	}
	if p.Endpoint().AuthURL == "" || p.Endpoint().TokenURL == "" {
		return fmt.Errorf("sso: %s names no authorization or token endpoint", issuer)
	}
	return nil
}

func oauthConfig(p *oidc.Provider, c helpdesk.SSOClient) *oauth2.Config {
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: c.RedirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// AuthURL implements helpdesk.SSOProvider.
func (c *Client) AuthURL(ctx context.Context, sc helpdesk.SSOClient, state, nonce, verifier string) (string, error) {
	p, err := c.provider(ctx, sc.Issuer)
	if err != nil {
		return "", err
	}
	return oauthConfig(p, sc).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// claims are the ID token's (or userinfo's) claims Atiende reads.
// email_verified is a boolean, but some providers send "true"; Microsoft
// Entra ID sends none and says the same with the optional claim xms_edov
// (the domain owner verified the address).
type claims struct {
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"`
	EntraVerified any    `json:"xms_edov"`
	Name          string `json:"name"`
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		b, _ := strconv.ParseBool(v)
		return b
	}
	return false
}

func (cl claims) verified() bool { return truthy(cl.EmailVerified) || truthy(cl.EntraVerified) }

// Identify implements helpdesk.SSOProvider.
func (c *Client) Identify(ctx context.Context, sc helpdesk.SSOClient, code, verifier, nonce string) (helpdesk.SSOIdentity, error) {
	p, err := c.provider(ctx, sc.Issuer)
	if err != nil {
		return helpdesk.SSOIdentity{}, err
	}
	ctx = oidc.ClientContext(ctx, c.http)
	tok, err := oauthConfig(p, sc).Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return helpdesk.SSOIdentity{}, fmt.Errorf("sso: exchange code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return helpdesk.SSOIdentity{}, errors.New("sso: token response without an ID token")
	}
	idt, err := p.VerifierContext(ctx, &oidc.Config{ClientID: sc.ClientID}).Verify(ctx, raw)
	if err != nil {
		return helpdesk.SSOIdentity{}, fmt.Errorf("sso: verify ID token: %w", err)
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return helpdesk.SSOIdentity{}, errors.New("sso: ID token nonce does not match")
	}
	var cl claims
	if err := idt.Claims(&cl); err != nil {
		return helpdesk.SSOIdentity{}, fmt.Errorf("sso: ID token claims: %w", err)
	}
	if cl.Email == "" || cl.EmailVerified == nil && cl.EntraVerified == nil {
		// Some providers put the address only in userinfo (the ID token
		// keeps to the subject); it must be about the same subject.
		ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return helpdesk.SSOIdentity{}, fmt.Errorf("sso: userinfo: %w", err)
		}
		if ui.Subject != idt.Subject {
			return helpdesk.SSOIdentity{}, errors.New("sso: userinfo is about another subject")
		}
		var more claims
		if err := ui.Claims(&more); err != nil {
			return helpdesk.SSOIdentity{}, fmt.Errorf("sso: userinfo claims: %w", err)
		}
		if cl.Name == "" {
			cl.Name = more.Name
		}
		cl.Email, cl.EmailVerified, cl.EntraVerified = more.Email, more.EmailVerified, more.EntraVerified
	}
	return helpdesk.SSOIdentity{Issuer: idt.Issuer, Subject: idt.Subject, Email: cl.Email, EmailVerified: cl.verified(),
		Name: cl.Name}, nil
}
