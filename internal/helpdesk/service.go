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
	threads      ThreadSigner // see EnableEmail
	// secrets and checkHost serve IMAP settings (see EnableIMAP).
	secrets   SecretBox
	checkHost func(ctx context.Context, host string) error
	// hooks sends webhook deliveries (see EnableWebhooks).
	hooks webhookConfig
}

// NewService wires the domain to its store and password hasher. now may be
// nil for the wall clock; tests pass a fixed clock.
func NewService(store Store, hasher PasswordHasher, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, hasher: hasher, now: func() time.Time { return now().UTC() }}
}
