package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The NOTIFY channels: each payload is the id of a tenant whose tickets
// (migrations/00014), or whose desk settings, groups, agents, categories
// or saved views (migrations/00034), changed.
const (
	ticketChannel = "atiende_tickets"
	deskChannel   = "atiende_desks"
)

// ListenChanges listens for ticket and desk changes on one connection of
// its own until ctx ends or the connection fails (the error says why): it
// calls listening once both subscriptions are in place, then tickets or
// desk with the tenant of every notification of each channel.
func (s *Store) ListenChanges(ctx context.Context, listening func(), tickets, desk func(helpdesk.TenantID)) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	// The connection has been in LISTEN: never hand it back to the pool.
	defer func() {
		_ = conn.Conn().Close(context.Background())
		conn.Release()
	}()
	// One simple-protocol round trip for both.
	if _, err := conn.Exec(ctx, "LISTEN "+ticketChannel+"; LISTEN "+deskChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	listening()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("wait: %w", err)
		}
		id, err := strconv.ParseInt(strings.TrimSpace(n.Payload), 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		switch n.Channel {
		case ticketChannel:
			tickets(helpdesk.TenantID(id))
		case deskChannel:
			desk(helpdesk.TenantID(id))
		}
	}
}

// Sessions is the store of the HTTP sessions, in the sessions table. Its
// own sweeper goroutine races with its StopCleanup, so it is off; the
// maintenance job (internal/jobs) prunes expired sessions once for all
// servers.
func (s *Store) Sessions() scs.Store { return pgxstore.NewWithCleanupInterval(s.pool, 0) }

// PendingMigrations counts the migrations (and job-queue migrations) not
// yet applied; see Pending.
func (s *Store) PendingMigrations(ctx context.Context) (int, error) { return Pending(ctx, s.pool) }
