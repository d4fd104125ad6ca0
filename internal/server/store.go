package server

import (
	"context"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The HTTP layer calls the domain (helpdesk.Service) for everything a
// request means. A few things are the server's own and live in the
// database without being rules of the help desk; it declares them here, as
// internal/jobs does, and cmd/atiende passes the concrete store.

// RateLimits are counters shared by every server process.
type RateLimits interface {
	// Hit counts one event under key and reports whether the count is
	// still within limit in the current window.
	Hit(ctx context.Context, key string, window time.Duration, limit int) (bool, error)
	// Hits is key's count in its current window, without counting.
	Hits(ctx context.Context, key string, window time.Duration) (int, error)
}

// Readiness answers /readyz.
type Readiness interface {
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// PendingMigrations counts the schema migrations not yet applied.
	PendingMigrations(ctx context.Context) (int, error)
}

// TicketChanges feeds the live-update hub and the desk cache.
type TicketChanges interface {
	// ListenChanges calls listening once subscribed, then tickets for
	// every tenant whose tickets change and desk for every tenant whose
	// settings, groups, agents, categories or saved views change, until
	// ctx ends or the subscription fails.
	ListenChanges(ctx context.Context, listening func(), tickets, desk func(helpdesk.TenantID)) error
}

// SessionStore keeps the HTTP sessions.
type SessionStore interface {
	Sessions() scs.Store
}

// Store is everything the server needs below the domain.
type Store interface {
	RateLimits
	Readiness
	TicketChanges
	SessionStore
}
