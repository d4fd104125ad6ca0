package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// Tenant is one help desk on the installation.
type Tenant struct {
	ID        TenantID
	Slug      string
	Name      string
	Language  string // "es" or "en": the desk's default UI language
	TimeZone  string
	CreatedAt time.Time
	// GuestTickets lets people without an account open tickets through the
	// portal's public form (see guest.go); on by default.
	GuestTickets bool
	// AccentColor is the desk's brand colour, "#rrggbb", or "" for
	// Atiende's; see CheckAccentColor.
	AccentColor string
	// LogoUpdatedAt is when the logo was last set; zero without a logo.
	LogoUpdatedAt time.Time
}

// User is a person in one tenant: a customer, an agent or an admin. The same
// email in two tenants is two users.
type User struct {
	ID           UserID
	Tenant       TenantID
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	Organisation OrganisationID
	Language     string // "" means the tenant's default
	Active       bool
	CreatedAt    time.Time
	Phone        string // optional; see ProfileInput
	// SessionEpoch is copied into each session at sign-in; raising it
	// (password change, sign out everywhere) ends every session holding an
	// older copy.
	SessionEpoch int
	// Availability and MaxOpenTickets (zero: no cap) are what routing
	// reads of an agent.
	Availability   Availability
	MaxOpenTickets int
	// MergedInto is the customer record this one was merged into; zero
	// for every other user.
	MergedInto UserID
}

// Actor returns the actor for calls made by u.
func (u User) Actor() Actor {
	return Actor{Kind: ActorUser, Tenant: u.Tenant, User: u.ID, Role: u.Role, Name: u.Name}
}

// AccountStore persists tenants and users.
type AccountStore interface {
	// CreateTenant inserts t and its first user atomically; a taken slug is
	// ErrConflict.
	CreateTenant(ctx context.Context, t Tenant, admin User) (Tenant, User, error)
	// TenantBySlug looks a tenant up in the public directory.
	TenantBySlug(ctx context.Context, slug string) (Tenant, error)
	// TenantByID looks a tenant up in the public directory by id.
	TenantByID(ctx context.Context, id TenantID) (Tenant, error)
	CreateUser(ctx context.Context, tenant TenantID, u User) (User, error)
	User(ctx context.Context, tenant TenantID, id UserID) (User, error)
	UserByEmail(ctx context.Context, tenant TenantID, email string) (User, error)
}

// Limits that users can read in form help text.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
	MaxNameLen     = 120
	MaxEmailLen    = 254
)

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)

// reservedSlugs are refused as tenant slugs: they are, or may become,
// top-level paths of the product, or they would mislead users.
var reservedSlugs = map[string]bool{
	"about": true, "admin": true, "agent": true, "api": true, "app": true, "assets": true,
	"atiende": true, "auth": true, "billing": true, "blog": true, "dashboard": true,
	"docs": true, "favicon.ico": true, "healthz": true, "help": true, "kb": true,
	"login": true, "logout": true, "mail": true, "metrics": true, "new": true,
	"pricing": true, "readyz": true, "robots.txt": true, "root": true, "security": true,
	"settings": true, "signup": true, "static": true, "status": true, "support": true,
	"system": true, "tickets": true, "www": true,
}

// NewDesk is what the landing page's sign-up form submits.
type NewDesk struct {
	Name      string
	Slug      string
	AdminName string
	Email     string
	Password  string
	Language  string
}

// NewCustomer is what a tenant's self-registration form submits.
type NewCustomer struct {
	Name     string
	Email    string
	Password string
	Language string
}

// NormaliseEmail trims and lower-cases an address for lookups; the stored
// column is case-insensitive too.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func checkEmail(v *ValidationError, field, email string) {
	switch {
	case email == "":
		v.Add(field, "error.required")
	case len(email) > MaxEmailLen:
		v.Add(field, "error.email")
	default:
		a, err := mail.ParseAddress(email)
		// Only a bare address is accepted: no display names, no groups.
		if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
			v.Add(field, "error.email")
		}
	}
}

func checkName(v *ValidationError, field, name string) {
	switch {
	case name == "":
		v.Add(field, "error.required")
	case runeLen(name) > MaxNameLen:
		v.Add(field, "error.too_long")
	}
}

// checkPassword applies the length rules; the strength estimate
// (account_password.go) comes on top where the service checks a new
// password.
func checkPassword(v *ValidationError, field, pw string) {
	n := runeLen(pw)
	switch {
	case pw == "":
		v.Add(field, "error.required")
	case n < MinPasswordLen:
		v.Add(field, "error.password_short")
	case n > MaxPasswordLen:
		v.Add(field, "error.too_long")
	}
}

func normaliseLanguage(l string) string {
	if l == "en" {
		return "en"
	}
	return "es"
}

// Validate cleans d in place and reports every problem at once.
func (d *NewDesk) Validate() error {
	d.Name = CleanLine(d.Name)
	d.Slug = strings.ToLower(strings.TrimSpace(d.Slug))
	d.AdminName = CleanLine(d.AdminName)
	d.Email = NormaliseEmail(d.Email)
	d.Language = normaliseLanguage(d.Language)
	var v ValidationError
	checkName(&v, "name", d.Name)
	switch {
	case d.Slug == "":
		v.Add("slug", "error.required")
	case !slugPattern.MatchString(d.Slug) || len(d.Slug) < 2:
		v.Add("slug", "error.slug_format")
	case reservedSlugs[d.Slug]:
		v.Add("slug", "error.slug_reserved")
	}
	checkName(&v, "admin_name", d.AdminName)
	checkEmail(&v, "email", d.Email)
	checkPassword(&v, "password", d.Password)
	return v.Err()
}

// Validate cleans c in place and reports every problem at once.
func (c *NewCustomer) Validate() error {
	c.Name = CleanLine(c.Name)
	c.Email = NormaliseEmail(c.Email)
	if c.Language != "" {
		c.Language = normaliseLanguage(c.Language)
	}
	var v ValidationError
	checkName(&v, "name", c.Name)
	checkEmail(&v, "email", c.Email)
	checkPassword(&v, "password", c.Password)
	return v.Err()
}

// CreateDesk signs up a new help desk and its first admin.
func (s *Service) CreateDesk(ctx context.Context, d NewDesk) (Tenant, User, error) {
	if err := s.strengthen(d.Validate(), "password", d.Password, d.Email, d.AdminName, d.Name, d.Slug); err != nil {
		return Tenant{}, User{}, err
	}
	hash, err := s.hasher.Hash(ctx, d.Password)
	if err != nil {
		return Tenant{}, User{}, fmt.Errorf("helpdesk: hash password: %w", err)
	}
	t := Tenant{Slug: d.Slug, Name: d.Name, Language: d.Language, TimeZone: "Europe/Madrid"}
	admin := User{Email: d.Email, Name: d.AdminName, Role: RoleAdmin, PasswordHash: hash, Language: d.Language, Active: true}
	t, admin, err = s.store.CreateTenant(ctx, t, admin)
	if errors.Is(err, ErrConflict) {
		return Tenant{}, User{}, &ValidationError{Fields: map[string]string{"slug": "error.slug_taken"}}
	}
	if err != nil {
		return Tenant{}, User{}, fmt.Errorf("helpdesk: create desk %q: %w", d.Slug, err)
	}
	return t, admin, nil
}

// TenantBySlug resolves the {tenant} part of a URL.
func (s *Service) TenantBySlug(ctx context.Context, slug string) (Tenant, error) {
	if !slugPattern.MatchString(slug) {
		return Tenant{}, fmt.Errorf("helpdesk: tenant %q: %w", slug, ErrNotFound)
	}
	return s.store.TenantBySlug(ctx, slug)
}

// RegisterCustomer creates a customer account through the portal.
//
// An address that has an account already gets a set-password link by mail
// and the call returns ErrLinkMailed (account_reset.go). Sign-up is rate
// limited to slow down address probing.
func (s *Service) RegisterCustomer(ctx context.Context, tenant TenantID, c NewCustomer) (User, error) {
	if err := s.strengthen(c.Validate(), "password", c.Password, c.Email, c.Name); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.Hash(ctx, c.Password)
	if err != nil {
		return User{}, fmt.Errorf("helpdesk: hash password: %w", err)
	}
	// A customer whose email domain belongs to an organisation joins it.
	org, err := s.organisationForEmail(ctx, tenant, c.Email)
	if err != nil {
		return User{}, fmt.Errorf("helpdesk: register customer: %w", err)
	}
	u, err := s.store.CreateUser(ctx, tenant, User{
		Email: c.Email, Name: c.Name, Role: RoleCustomer, PasswordHash: hash, Language: c.Language, Active: true, Organisation: org,
	})
	if errors.Is(err, ErrConflict) {
		// The address has an account (perhaps made by email, without a
		// password): its owner gets a link to set one, by mail, rather
		// than a refusal that tells anyone the address is known here.
		if err := s.RequestPasswordLink(ctx, tenant, c.Email, c.Language); err != nil {
			return User{}, err
		}
		return User{}, ErrLinkMailed
	}
	if err != nil {
		return User{}, fmt.Errorf("helpdesk: register customer: %w", err)
	}
	return u, nil
}

// CreateUser adds a user with a given role; used by the demo loader and,
// later, by admin invitations.
func (s *Service) CreateUser(ctx context.Context, tenant TenantID, name, email, password string, role Role) (User, error) {
	c := NewCustomer{Name: name, Email: email, Password: password}
	if err := s.strengthen(c.Validate(), "password", c.Password, c.Email, c.Name); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.Hash(ctx, c.Password)
	if err != nil {
		return User{}, fmt.Errorf("helpdesk: hash password: %w", err)
	}
	u, err := s.store.CreateUser(ctx, tenant, User{Email: c.Email, Name: c.Name, Role: role, PasswordHash: hash, Active: true})
	if err != nil {
		return User{}, fmt.Errorf("helpdesk: create user: %w", err)
	}
	return u, nil
}

// Authenticate checks an email and password in one tenant. Unknown email,
// wrong password and deactivated account all return ErrUnauthenticated after
// the same amount of hashing work.
func (s *Service) Authenticate(ctx context.Context, tenant TenantID, email, password string) (User, error) {
	email = NormaliseEmail(email)
	if email == "" || password == "" || len(password) > 4*MaxPasswordLen {
		return User{}, ErrUnauthenticated
	}
	u, err := s.store.UserByEmail(ctx, tenant, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, fmt.Errorf("helpdesk: authenticate: %w", err)
	}
	ok, herr := s.hasher.Verify(ctx, password, u.PasswordHash) // empty hash when not found: same cost
	if herr != nil {
		return User{}, fmt.Errorf("helpdesk: authenticate: %w", herr)
	}
	if err != nil || !ok || !u.Active {
		return User{}, ErrUnauthenticated
	}
	if refused, err := s.passwordRefused(ctx, u); err != nil {
		return User{}, fmt.Errorf("helpdesk: authenticate: %w", err)
	} else if refused {
		return User{}, ErrSSORequired
	}
	return u, nil
}

// User loads a user of tenant; used to resolve a session.
func (s *Service) User(ctx context.Context, tenant TenantID, id UserID) (User, error) {
	return s.store.User(ctx, tenant, id)
}
