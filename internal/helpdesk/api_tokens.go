package helpdesk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// APITokenID identifies an API token inside a tenant.
type APITokenID int64

// APIScope is one thing a token may do through the API.
type APIScope string

// The scopes an admin may grant.
const (
	ScopeTicketsRead   APIScope = "tickets:read"
	ScopeTicketsWrite  APIScope = "tickets:write"
	ScopeUsersRead     APIScope = "users:read"
	ScopeUsersWrite    APIScope = "users:write"
	ScopeKBRead        APIScope = "kb:read"
	ScopeReportsRead   APIScope = "reports:read"
	ScopeWebhooksAdmin APIScope = "webhooks:admin"
)

// APIScopes lists every scope, in the order the admin page offers them.
func APIScopes() []APIScope {
	return []APIScope{ScopeTicketsRead, ScopeTicketsWrite, ScopeUsersRead, ScopeUsersWrite,
		ScopeKBRead, ScopeReportsRead, ScopeWebhooksAdmin}
}

// APITokenPrefix starts every secret, so a leaked one is recognisable
// (secret scanners, logs).
const APITokenPrefix = "atd_"

// API token limits.
const (
	DefaultAPIRate = 600    // requests per minute
	MaxAPIRate     = 100000 // requests per minute
)

// APIToken is a desk's API token as the admin page and the API see it; the
// secret itself is never kept, only its hash.
type APIToken struct {
	ID     APITokenID
	Name   string
	Hint   string // the secret's first characters, to tell tokens apart
	Scopes []APIScope
	// ActingUser is who the token acts as: a named agent, or (Integration)
	// the token's own integration identity, an inactive staff user named
	// after the token that history shows as the author.
	ActingUser  UserID
	ActingName  string
	Integration bool
	// Language is what error messages are written in ("es", "en").
	Language   string
	RatePerMin int
	ExpiresAt  time.Time // zero: never
	CreatedAt  time.Time
	RevokedAt  time.Time // zero: in use
	LastUsedAt time.Time // zero: never used
	LastUsedIP string
}

// Has reports whether t grants scope s.
func (t APIToken) Has(s APIScope) bool { return slices.Contains(t.Scopes, s) }

// NeedsAdmin reports whether t's scopes reach what only admins may do in
// the domain (customers, organisations, webhooks) or see (the whole
// desk's reports: an agent's are only their own tickets'). A token acting
// as a named agent must then act as an admin; an integration identity is
// made an admin only then, and an agent otherwise.
func (t APIToken) NeedsAdmin() bool {
	return t.Has(ScopeUsersRead) || t.Has(ScopeUsersWrite) || t.Has(ScopeWebhooksAdmin) || t.Has(ScopeReportsRead)
}

// Usable reports whether t may authenticate at now.
func (t APIToken) Usable(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// APITokenInput is the token form as typed. ActingAs is "integration" or
// an agent's id; Expires is a date (YYYY-MM-DD, the desk's day) or empty.
type APITokenInput struct {
	Name       string
	Scopes     []string
	ActingAs   string
	Language   string
	Expires    string
	RatePerMin string
	// Location is the desk's time zone, for the expiry date.
	Location *time.Location
}

// APIStore persists API tokens, the API's idempotency records and the
// phone calls behind tickets.
type APIStore interface {
	// InsertAPIToken stores t with the secret's hash. With t.Integration it
	// first creates the integration identity (see APIToken) and sets
	// t.ActingUser to it.
	InsertAPIToken(ctx context.Context, tenant TenantID, t APIToken, hash []byte) (APIToken, error)
	APITokens(ctx context.Context, tenant TenantID) ([]APIToken, error)
	APIToken(ctx context.Context, tenant TenantID, id APITokenID) (APIToken, error)
	// APITokenByHash finds the token whose secret hashes to hash.
	APITokenByHash(ctx context.Context, tenant TenantID, hash []byte) (APIToken, error)
	RevokeAPIToken(ctx context.Context, tenant TenantID, id APITokenID, at time.Time) (APIToken, error)
	// TouchAPIToken records a use, writing only when the address changed
	// or the last record is a minute old.
	TouchAPIToken(ctx context.Context, tenant TenantID, id APITokenID, at time.Time, ip string) error
	APIIdempotencyStore
	CallStore
}

// hashAPISecret is what the store keeps of a secret.
func hashAPISecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// newAPISecret returns a fresh secret: the prefix and 32 random bytes.
func newAPISecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return APITokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// apiToken validates in against the desk's agents.
func (s *Service) apiToken(ctx context.Context, tx Store, by Actor, in APITokenInput, now time.Time) (APIToken, error) {
	var v ValidationError
	t := APIToken{Name: CleanLine(in.Name), Language: in.Language, RatePerMin: DefaultAPIRate}
	checkName(&v, "name", t.Name)
	for _, raw := range in.Scopes {
		sc := APIScope(raw)
		if !slices.Contains(APIScopes(), sc) {
			v.Add("scopes", "error.invalid")
			continue
		}
		if !t.Has(sc) {
			t.Scopes = append(t.Scopes, sc)
		}
	}
	if len(t.Scopes) == 0 {
		v.Add("scopes", "api.error.no_scope")
	}
	slices.SortFunc(t.Scopes, func(a, b APIScope) int {
		return slices.Index(APIScopes(), a) - slices.Index(APIScopes(), b)
	})
	switch t.Language {
	case "es", "en":
	default:
		v.Add("language", "error.invalid")
	}
	if r := strings.TrimSpace(in.RatePerMin); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 || n > MaxAPIRate {
			v.Add("rate", "api.error.rate")
		}
		t.RatePerMin = n
	}
	if e := strings.TrimSpace(in.Expires); e != "" {
		loc := in.Location
		if loc == nil {
			loc = time.UTC
		}
		day, err := time.ParseInLocation("2006-01-02", e, loc)
		switch {
		case err != nil:
			v.Add("expires", "error.invalid")
		case !day.After(now):
			v.Add("expires", "api.error.expiry_past")
		default:
			t.ExpiresAt = day.UTC()
		}
	}
	if in.ActingAs == "integration" || in.ActingAs == "" {
		t.Integration = true
	} else {
		id, err := strconv.ParseInt(in.ActingAs, 10, 64)
		u, uerr := tx.User(ctx, by.Tenant, UserID(id))
		switch {
		case err != nil || id <= 0 || errors.Is(uerr, ErrNotFound) || uerr == nil && (!u.Role.IsStaff() || !u.Active):
			v.Add("acting_as", "error.invalid")
		case uerr != nil:
			return APIToken{}, uerr
		case t.NeedsAdmin() && u.Role != RoleAdmin:
			v.Add("acting_as", "api.error.needs_admin")
		default:
			t.ActingUser, t.ActingName = u.ID, u.Name
		}
	}
	return t, v.Err()
}

// CreateAPIToken makes a token for an admin and returns it with its
// secret, which is shown once and never stored.
func (s *Service) CreateAPIToken(ctx context.Context, by Actor, in APITokenInput) (APIToken, string, error) {
	var out APIToken
	secret := newAPISecret()
	err := s.adminTx(ctx, by, "create API token", func(tx Store) error {
		now := s.now()
		t, err := s.apiToken(ctx, tx, by, in, now)
		if err != nil {
			return err
		}
		t.Hint = secret[:len(APITokenPrefix)+6]
		t.CreatedAt = now
		if out, err = tx.InsertAPIToken(ctx, by.Tenant, t, hashAPISecret(secret)); err != nil {
			return fmt.Errorf("helpdesk: create API token: %w", err)
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "api_token.create", ObjectKind: "api_token", ObjectID: int64(out.ID),
			ObjectLabel: out.Name, After: apiTokenAudit(out)})
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return out, secret, nil
}

func apiTokenAudit(t APIToken) AuditValues {
	sc := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		sc[i] = string(s)
	}
	v := AuditValues{"name": t.Name, "scopes": strings.Join(sc, " "), "acting_as": t.ActingName,
		"rate_per_min": strconv.Itoa(t.RatePerMin), "language": t.Language}
	if !t.ExpiresAt.IsZero() {
		v["expires_at"] = t.ExpiresAt.Format(time.RFC3339)
	}
	if !t.RevokedAt.IsZero() {
		v["revoked_at"] = t.RevokedAt.Format(time.RFC3339)
	}
	return v
}

// APITokens lists the desk's tokens, for admins.
func (s *Service) APITokens(ctx context.Context, by Actor) ([]APIToken, error) {
	var out []APIToken
	err := s.adminTx(ctx, by, "API tokens", func(tx Store) error {
		var err error
		out, err = tx.APITokens(ctx, by.Tenant)
		return err
	})
	return out, err
}

// RevokeAPIToken ends a token at once; revoking twice changes nothing.
func (s *Service) RevokeAPIToken(ctx context.Context, by Actor, id APITokenID) (APIToken, error) {
	var out APIToken
	err := s.adminTx(ctx, by, "revoke API token", func(tx Store) error {
		before, err := tx.APIToken(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		if !before.RevokedAt.IsZero() {
			out = before
			return nil
		}
		if out, err = tx.RevokeAPIToken(ctx, by.Tenant, id, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "api_token.revoke", ObjectKind: "api_token", ObjectID: int64(out.ID),
			ObjectLabel: out.Name, Before: apiTokenAudit(before), After: apiTokenAudit(out)})
	})
	return out, err
}

// AuthenticateAPI turns a bearer secret presented to tenant into the token
// and the actor its calls run as. A wrong, revoked or expired secret, or
// one whose agent no longer works here, is ErrUnauthenticated; a secret of
// another desk is simply unknown here.
func (s *Service) AuthenticateAPI(ctx context.Context, tenant TenantID, secret, ip string) (APIToken, Actor, error) {
	var tok APIToken
	var by Actor
	if !strings.HasPrefix(secret, APITokenPrefix) || len(secret) > 200 {
		return APIToken{}, Actor{}, fmt.Errorf("helpdesk: API token: %w", ErrUnauthenticated)
	}
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		now := s.now()
		t, err := tx.APITokenByHash(ctx, tenant, hashAPISecret(secret))
		if errors.Is(err, ErrNotFound) || err == nil && !t.Usable(now) {
			return ErrUnauthenticated
		}
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, tenant, t.ActingUser)
		if err != nil {
			return err
		}
		if !u.Role.IsStaff() || !u.Active && !t.Integration {
			return ErrUnauthenticated
		}
		if err := tx.TouchAPIToken(ctx, tenant, t.ID, now, ip); err != nil {
			return err
		}
		tok, by = t, u.Actor()
		return nil
	})
	if err != nil {
		return APIToken{}, Actor{}, fmt.Errorf("helpdesk: API token: %w", err)
	}
	return tok, by, nil
}
