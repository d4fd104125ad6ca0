package helpdesk

import (
	"context"
	"time"
)

// PasswordHasher hashes and verifies passwords. The domain decides when a
// password is needed and what it must look like; internal/password does the
// cryptography (argon2id) behind this interface.
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches hash. An empty hash must still
	// cost a full hash computation, so timing never tells whether an account
	// exists.
	Verify(ctx context.Context, password, hash string) (bool, error)
}

// Service applies the rules of the help desk. Every surface (portal,
// console, admin, email, API, jobs) calls it; none re-implements a rule.
type Service struct {
	store  Store
	hasher PasswordHasher
	now    func() time.Time
	// slaNotifier sends SLA escalation notices; nil records only.
	slaNotifier SLANotifier
	// slaRecompute bounds the tickets recomputed in an admin's change; 0
	// is DefaultSLARecomputeLimit.
	slaRecompute int
	threads      ThreadSigner // see WithEmail
	// secrets and checkHost serve IMAP settings (see WithIMAP).
	secrets   SecretBox
	checkHost func(ctx context.Context, host string) error
	kbRender  KBRenderer // see WithKB
	// twoFactor makes and checks TOTP codes (see WithTwoFactor).
	twoFactor *twoFactor
	// hooks sends webhook deliveries (see WithWebhooks).
	hooks webhookConfig
	// sso signs in through the desks' identity providers (see WithSSO).
	sso *ssoConfig
}

// Option configures a Service at construction.
type Option func(*Service)

// WithEmail gives the service the signer of threading tokens. Without it
// no token verifies and every mail that is not a subject-referenced reply
// opens a ticket.
func WithEmail(signer ThreadSigner) Option { return func(s *Service) { s.threads = signer } }

// WithIMAP gives the service what IMAP settings need: the box that seals
// passwords and the check that refuses internal hosts. Without it the IMAP
// settings are unavailable.
func WithIMAP(box SecretBox, checkHost func(ctx context.Context, host string) error) Option {
	return func(s *Service) { s.secrets, s.checkHost = box, checkHost }
}

// WithSLANotifier sends SLA escalation notices through n (the email
// channel's MailSLANotifier); without it escalations are recorded only.
func WithSLANotifier(n SLANotifier) Option { return func(s *Service) { s.slaNotifier = n } }

// NewService wires the domain to its store and password hasher. now may be
// nil for the wall clock; tests pass a fixed clock.
func NewService(store Store, hasher PasswordHasher, now func() time.Time, opts ...Option) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{store: store, hasher: hasher, now: func() time.Time { return now().UTC() }}
	for _, o := range opts {
		o(s)
	}
	return s
}
