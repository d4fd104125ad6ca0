package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Single sign-on with OpenID Connect, per desk. An admin names the desk's
// identity provider (issuer URL, client id and secret), the email domains
// allowed in, the role of people created at their first sign-in, and
// whether staff must come through the provider. The client secret is
// sealed at rest with a key of its own and never shown back. The issuer is
// tenant input: the provider (internal/sso) fetches its discovery document
// through the outbound address guard, so a desk cannot make the server
// read an internal address.

// SSOProvider speaks OpenID Connect to a desk's identity provider;
// internal/sso implements it with coreos/go-oidc and x/oauth2.
type SSOProvider interface {
	// Discover fetches the issuer's OpenID configuration and keys,
	// refusing an unreachable, internal, non-https or mismatched issuer.
	Discover(ctx context.Context, issuer string) error
	// AuthURL is where to send the browser: the authorization endpoint
	// with the state, the nonce and the PKCE (S256) challenge of verifier.
	AuthURL(ctx context.Context, c SSOClient, state, nonce, verifier string) (string, error)
	// Identify exchanges code (with verifier) for tokens, verifies the ID
	// token (signature, issuer, audience, expiry) and its nonce, and
	// returns who signed in. Any failure is ErrSSOProvider.
	Identify(ctx context.Context, c SSOClient, code, verifier, nonce string) (SSOIdentity, error)
}

// SSOClient is the desk's registration at its provider.
type SSOClient struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
}

// SSOIdentity is what a verified ID token (and, for claims it lacks, the
// userinfo endpoint) says about who signed in.
type SSOIdentity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// SSOSettings is a desk's identity provider. Secret is sealed.
type SSOSettings struct {
	Enabled        bool
	Issuer         string
	ClientID       string
	Secret         []byte
	AllowedDomains []string
	NewUserRole    Role // RoleCustomer or RoleAgent
	StaffSSOOnly   bool
	ButtonLabel    string
	UpdatedAt      time.Time
}

// SSOInput is the admin's form. An empty ClientSecret keeps the stored
// one; AllowedDomains is free text (commas, spaces or lines).
type SSOInput struct {
	Enabled        bool
	Issuer         string
	ClientID       string
	ClientSecret   string
	AllowedDomains string
	NewUserRole    string
	StaffSSOOnly   bool
	ButtonLabel    string
}

// SSOStore keeps the desks' providers and the links of provider accounts
// to users.
type SSOStore interface {
	// SSOSettings reads the desk's provider; ErrNotFound without one.
	SSOSettings(ctx context.Context, tenant TenantID) (SSOSettings, error)
	SaveSSOSettings(ctx context.Context, tenant TenantID, st SSOSettings) error
	// SSOIdentityUser is the user linked to (issuer, subject); ErrNotFound
	// without a link.
	SSOIdentityUser(ctx context.Context, tenant TenantID, issuer, subject string) (UserID, error)
	// LinkSSOIdentity links (issuer, subject) to user, or records its use
	// when the link exists.
	LinkSSOIdentity(ctx context.Context, tenant TenantID, issuer, subject string, user UserID, at time.Time) error
}

// Limits of the SSO form.
const (
	maxSSODomains     = 50
	maxSSOButtonLabel = 60
)

var (
	// ErrSSOOff is a desk without single sign-on (or an installation
	// without the provider client).
	ErrSSOOff = errors.New("helpdesk: single sign-on is not set up")
	// ErrSSORequired refuses a password sign-in of staff on a desk whose
	// staff must sign in through the identity provider.
	ErrSSORequired = errors.New("helpdesk: staff sign in with single sign-on on this desk")
)

type ssoConfig struct {
	provider SSOProvider
	box      SecretBox
}

// WithSSO turns single sign-on on: p talks to the providers, box seals
// the client secrets (a key of its own).
func WithSSO(p SSOProvider, box SecretBox) Option {
	return func(s *Service) { s.sso = &ssoConfig{provider: p, box: box} }
}

// SSOAvailable reports whether this installation can do single sign-on.
func (s *Service) SSOAvailable() bool { return s.sso != nil }

// SSOSettings returns the desk's provider without its secret (admins
// only); ErrNotFound when there is none.
func (s *Service) SSOSettings(ctx context.Context, by Actor) (SSOSettings, error) {
	var st SSOSettings
	err := s.adminTx(ctx, by, "sso settings", func(tx Store) error {
		var err error
		st, err = tx.SSOSettings(ctx, by.Tenant)
		return err
	})
	st.Secret = nil
	return st, err
}

// SSOButton is the login page's button: its label, when the desk has
// single sign-on turned on.
func (s *Service) SSOButton(ctx context.Context, tenant TenantID) (string, bool, error) {
	if s.sso == nil {
		return "", false, nil
	}
	st, err := s.store.SSOSettings(ctx, tenant)
	if errors.Is(err, ErrNotFound) || err == nil && !st.Enabled {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return st.ButtonLabel, true, nil
}

// SaveSSOSettings validates and stores the desk's provider (admins only,
// audited). The issuer's discovery document must be readable through the
// address guard; problems are field errors.
func (s *Service) SaveSSOSettings(ctx context.Context, by Actor, in SSOInput) error {
	if !by.IsAdmin() || by.User == 0 {
		return fmt.Errorf("helpdesk: save sso settings: %w", ErrNotFound)
	}
	if s.sso == nil {
		return ErrSSOOff
	}
	st, v := in.clean()
	if v.Fields["issuer"] == "" {
		if err := s.sso.provider.Discover(ctx, st.Issuer); err != nil {
			v.Add("issuer", "error.sso_issuer")
		}
	}
	if len(in.ClientSecret) > 2000 {
		v.Add("client_secret", "error.too_long")
	}
	return s.adminTx(ctx, by, "save sso settings", func(tx Store) error {
		prev, err := tx.SSOSettings(ctx, by.Tenant)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if in.ClientSecret == "" {
			if prev.Secret == nil {
				v.Add("client_secret", "error.required")
			}
			st.Secret = prev.Secret
		} else if st.Secret, err = s.sso.box.Seal([]byte(in.ClientSecret)); err != nil {
			return fmt.Errorf("helpdesk: seal sso secret: %w", err)
		}
		if err := v.Err(); err != nil {
			return err
		}
		st.UpdatedAt = s.now()
		if err := tx.SaveSSOSettings(ctx, by.Tenant, st); err != nil {
			return fmt.Errorf("helpdesk: save sso settings: %w", err)
		}
		// The secret is never logged: only that it changed.
		before, after := ssoAuditValues(prev), ssoAuditValues(st)
		if in.ClientSecret != "" && prev.Secret != nil {
			after["client_secret"] = "changed"
		}
		if prev.Issuer == "" {
			before = nil
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "sso.update", ObjectKind: "sso_settings",
			ObjectID: int64(by.Tenant), ObjectLabel: st.Issuer, Before: before, After: after})
	})
}

// clean trims and checks everything but the secret.
func (in SSOInput) clean() (SSOSettings, *ValidationError) {
	st := SSOSettings{Enabled: in.Enabled, Issuer: strings.TrimSuffix(strings.TrimSpace(in.Issuer), "/"),
		ClientID: strings.TrimSpace(in.ClientID), NewUserRole: Role(in.NewUserRole), StaffSSOOnly: in.StaffSSOOnly,
		ButtonLabel: CleanLine(in.ButtonLabel)}
	v := &ValidationError{}
	if st.Issuer == "" {
		v.Add("issuer", "error.required")
	} else if u, err := url.Parse(st.Issuer); err != nil || len(st.Issuer) > 500 || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Scheme != "https" && u.Scheme != "http" {
		v.Add("issuer", "error.sso_issuer_format")
	}
	switch {
	case st.ClientID == "":
		v.Add("client_id", "error.required")
	case len(st.ClientID) > 300 || strings.ContainsAny(st.ClientID, " \t\r\n"):
		v.Add("client_id", "error.invalid")
	}
	if st.NewUserRole != RoleCustomer && st.NewUserRole != RoleAgent {
		v.Add("new_user_role", "error.invalid")
	}
	if runeLen(st.ButtonLabel) > maxSSOButtonLabel {
		v.Add("button_label", "error.too_long")
	}
	domains, ok := parseDomains(in.AllowedDomains)
	switch {
	case !ok:
		v.Add("allowed_domains", "error.sso_domains")
	case len(domains) > maxSSODomains:
		v.Add("allowed_domains", "error.too_long")
	case len(domains) == 0 && st.NewUserRole == RoleAgent:
		// Anyone the provider vouches for would become staff.
		v.Add("allowed_domains", "error.sso_domains_for_agents")
	}
	st.AllowedDomains = domains
	return st, v
}

// parseDomains reads a list of email domains separated by commas, spaces
// or lines ("@" before one is allowed); false when one is malformed.
func parseDomains(s string) ([]string, bool) {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		d := strings.TrimPrefix(f, "@")
		if !validDomain(d) {
			return nil, false
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, true
}

func validDomain(d string) bool {
	if len(d) < 3 || len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, r := range d {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return !strings.Contains(d, "..")
}

func ssoAuditValues(st SSOSettings) AuditValues {
	return AuditValues{"enabled": strconv.FormatBool(st.Enabled), "issuer": st.Issuer, "client_id": st.ClientID,
		"allowed_domains": strings.Join(st.AllowedDomains, ", "), "new_user_role": string(st.NewUserRole),
		"staff_sso_only": strconv.FormatBool(st.StaffSSOOnly), "button_label": st.ButtonLabel}
}

// passwordRefused reports whether u may not sign in with a password
// because the desk's staff must use single sign-on. Admins keep their
// password as the way in when the provider is down or misconfigured.
func (s *Service) passwordRefused(ctx context.Context, u User) (bool, error) {
	if s.sso == nil || u.Role != RoleAgent {
		return false, nil
	}
	st, err := s.store.SSOSettings(ctx, u.Tenant)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil && st.Enabled && st.StaffSSOOnly, err
}
