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

// ticketChannel is the NOTIFY channel of migrations/00014: its payload is
// the id of a tenant whose tickets changed.
const ticketChannel = "atiende_tickets"

// ListenTicketChanges listens for ticket changes on one connection of its
// own until ctx ends or the connection fails (the error says why): it calls
// listening once the subscription is in place, then changed with the tenant
// of every notification.
func (s *Store) ListenTicketChanges(ctx context.Context, listening func(), changed func(helpdesk.TenantID)) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	// The connection has been in LISTEN: never hand it back to the pool.
	defer func() {
		_ = conn.Conn().Close(context.Background())
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+ticketChannel); err != nil {
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
		changed(helpdesk.TenantID(id))
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
