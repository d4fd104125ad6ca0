package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"github.com/atiende/atiende/internal/helpdesk"
)

// deskChannel is the NOTIFY channel of desk changes: each payload is the
// id of a tenant whose desk settings, groups, agents, categories or saved
// views changed (migrations/00034). Ticket changes are not notified: they
// are read from live.ticket_changes (migrations/00047, TicketChangesSince).
const deskChannel = "atiende_desks"

// ListenDeskChanges listens for desk changes on one connection of its own
// until ctx ends or the connection fails (the error says why): it calls
// listening once subscribed, then desk with the tenant of every
// notification.
func (s *Store) ListenDeskChanges(ctx context.Context, listening func(), desk func(helpdesk.TenantID)) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire: %w", err)
	}
	// The connection has been in LISTEN: never hand it back to the pool.
	defer func() {
		_ = conn.Conn().Close(context.Background())
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+deskChannel); err != nil {
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
		desk(helpdesk.TenantID(id))
	}
}

// TicketChangesSince reads the ticket changes of transactions from since
// on, of every desk (since 0: none), calling changed with each one's
// tenant and transaction id, and returns the horizon to pass as since next
// time: the oldest transaction still running, below which every change
// that will ever be visible already is (migrations/00047). A transaction
// at or above the horizon may be reported again by the next call.
func (s *Store) TicketChangesSince(ctx context.Context, since int64, changed func(helpdesk.TenantID, int64)) (int64, error) {
	// xid8 has no pgx codec: it crosses as text, well within bigint.
	rows, err := s.pool.Query(ctx, `SELECT tenant_id, xid::text::bigint, horizon::text::bigint
		FROM ticket_changes_since(nullif($1::bigint, 0)::text::xid8)`, since)
	if err != nil {
		return 0, fmt.Errorf("postgres: ticket changes: %w", err)
	}
	var (
		tenant, xid *int64
		horizon     int64
	)
	_, err = pgx.ForEachRow(rows, []any{&tenant, &xid, &horizon}, func() error {
		if tenant != nil && xid != nil {
			changed(helpdesk.TenantID(*tenant), *xid)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: ticket changes: %w", err)
	}
	return horizon, nil
}

// PruneTicketChanges deletes the ticket changes older than keep, which
// every server has long read, and returns how many it deleted.
func (s *Store) PruneTicketChanges(ctx context.Context, keep time.Duration) (int64, error) {
	var n int64
	if err := s.pool.QueryRow(ctx, `SELECT ticket_changes_prune($1)`, keep).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres: prune ticket changes: %w", err)
	}
	return n, nil
}

// Sessions is the store of the HTTP sessions, in the sessions table. Its
// own sweeper goroutine races with its StopCleanup, so it is off; the
// maintenance job (internal/jobs) prunes expired sessions once for all
// servers.
func (s *Store) Sessions() scs.Store { return pgxstore.NewWithCleanupInterval(s.pool, 0) }

// PendingMigrations counts the migrations (and job-queue migrations) not
// yet applied; see Pending.
func (s *Store) PendingMigrations(ctx context.Context) (int, error) { return Pending(ctx, s.pool) }
