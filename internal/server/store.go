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
	// TicketChangesSince calls changed for every ticket change of a
	// transaction from since on, of every desk (since 0: none), and
	// returns the horizon to pass next: every change below it that will
	// ever be visible has been reported. A change at or above it may be
	// reported again.
	TicketChangesSince(ctx context.Context, since int64, changed func(tenant helpdesk.TenantID, xid int64)) (horizon int64, err error)
	// ListenDeskChanges calls listening once subscribed, then desk for
	// every tenant whose settings, groups, agents, categories or saved
	// views change, until ctx ends or the subscription fails.
	ListenDeskChanges(ctx context.Context, listening func(), desk func(helpdesk.TenantID)) error
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
