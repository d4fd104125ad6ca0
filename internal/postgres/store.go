// Package postgres implements helpdesk.Store on PostgreSQL with pgx.
//
// Every tenant-owned statement runs inside a transaction whose first
// statement sets app.tenant_id (transaction-local), which the row-level
// security policies read. Queries also carry an explicit tenant_id predicate:
// RLS is the guarantee, the predicate is what the indexes use.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
)

// querier is what both *pgxpool.Pool and pgx.Tx offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error)
}

// Store is the PostgreSQL store. The zero tenant value means "not inside a
// transaction": each method then opens its own tenant transaction.
type Store struct {
	pool *pgxpool.Pool
	tx   pgx.Tx
	// tenant is the tenant the open transaction is bound to.
	tenant helpdesk.TenantID
	// jobs inserts background jobs (see Enqueue).
	jobs *river.Client[pgx.Tx]
	// liveReports makes the reports aggregate ticket_metrics even where
	// the daily rollup would answer (tests compare the two).
	liveReports bool
	// prunes spaces out the presence reports' prune (see presence.go);
	// nil prunes on every report.
	prunes *prunes
}

// New returns a store over pool.
func New(pool *pgxpool.Pool) *Store {
	return &Store{pool: pool, jobs: newInserter(pool), prunes: &prunes{}}
}

// Pool exposes the pool for the session store and health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// InTx runs fn in one transaction bound to tenant; fn receives a store whose
// methods all join that transaction. It commits when fn returns nil.
func (s *Store) InTx(ctx context.Context, tenant helpdesk.TenantID, fn func(helpdesk.Store) error) error {
	if s.tx != nil {
		return errors.New("postgres: InTx called inside a transaction")
	}
	return s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return fn(&Store{pool: s.pool, tx: tx, tenant: tenant, jobs: s.jobs, prunes: s.prunes})
	})
}

// inTenant runs fn in a transaction bound to tenant, or in the store's open
// transaction when there is one (which must be bound to the same tenant).
func (s *Store) inTenant(ctx context.Context, tenant helpdesk.TenantID, fn func(pgx.Tx) error) error {
	if tenant <= 0 {
		return fmt.Errorf("postgres: no tenant given: %w", helpdesk.ErrNotFound)
	}
	if s.tx != nil {
		if s.tenant != tenant {
			// A bug, never user input: a transaction is bound to one tenant.
			return fmt.Errorf("postgres: transaction of tenant %d used for tenant %d", s.tenant, tenant)
		}
		return fn(s.tx)
	}
	// The tenant is set in the BEGIN's own round trip: a query without
	// arguments goes out in the simple protocol, which carries both
	// statements at once. The value is a positive integer formatted here,
	// never text from outside, so inlining it is safe.
	begin := pgx.TxOptions{BeginQuery: "BEGIN; SELECT set_config('app.tenant_id', '" + strconv.FormatInt(int64(tenant), 10) + "', true)"}
	return pgx.BeginTxFunc(ctx, s.pool, begin, fn)
}

// readRow runs one read statement bound to tenant and hands its row to
// scan. In the store's open transaction it is an ordinary query. Outside
// one, the tenant setting and the statement go out as one batch: a single
// round trip instead of three (BEGIN, the statement, COMMIT), and just as
// bound, since PostgreSQL runs a batch (one Sync) as one implicit
// transaction, to which set_config(…, true) is local. For reads of one row
// on every request (the signed-in user, a ticket).
func (s *Store) readRow(ctx context.Context, tenant helpdesk.TenantID, sql string, args []any, scan func(pgx.Row) error) error {
	if tenant <= 0 {
		return fmt.Errorf("postgres: no tenant given: %w", helpdesk.ErrNotFound)
	}
	if s.tx != nil {
		return s.inTenant(ctx, tenant, func(tx pgx.Tx) error { return scan(tx.QueryRow(ctx, sql, args...)) })
	}
	b := &pgx.Batch{}
	b.Queue(bindTenantSQL, strconv.FormatInt(int64(tenant), 10))
	b.Queue(sql, args...).QueryRow(scan)
	return s.pool.SendBatch(ctx, b).Close()
}

// The first statement of a batch sent outside a transaction: it binds the
// batch's implicit transaction (one Sync) to the tenant, like readRow's.
// The async form also lets that transaction commit without waiting for the
// WAL flush, for a batch whose only write is a presence report (see
// helpdesk.Visit.PresenceOnly).
const (
	bindTenantSQL      = `SELECT set_config('app.tenant_id', $1, true)`
	bindTenantAsyncSQL = `SELECT set_config('app.tenant_id', $1, true), set_config('synchronous_commit', 'off', true)`
	// bindTenantGenericSQL binds a list's batch and keeps its generic
	// plan (see ListTickets).
	bindTenantGenericSQL = `SELECT set_config('app.tenant_id', $1, true), set_config('plan_cache_mode', 'force_generic_plan', true)`
)

// sendBatch sends b bound to tenant in one round trip: in the store's open
// transaction as it is, outside one with bindTenantSQL queued first.
// Every statement of b runs, or none takes effect when one fails in
// PostgreSQL.
func (s *Store) sendBatch(ctx context.Context, tenant helpdesk.TenantID, b *pgx.Batch) error {
	return s.sendBound(ctx, tenant, bindTenantSQL, b)
}

// sendBound is sendBatch with bind (bindTenantSQL or bindTenantAsyncSQL)
// as the first statement outside a transaction.
func (s *Store) sendBound(ctx context.Context, tenant helpdesk.TenantID, bind string, b *pgx.Batch) error {
	if tenant <= 0 {
		return fmt.Errorf("postgres: no tenant given: %w", helpdesk.ErrNotFound)
	}
	if s.tx != nil {
		return s.inTenant(ctx, tenant, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
	}
	bound := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, len(b.QueuedQueries)+1)}
	bound.Queue(bind, strconv.FormatInt(int64(tenant), 10))
	bound.QueuedQueries = append(bound.QueuedQueries, b.QueuedQueries...)
	return s.pool.SendBatch(ctx, bound).Close()
}

// q returns the open transaction, or the pool for statements that are not
// tenant-owned (the tenant directory, rate limits).
func (s *Store) q() querier {
	if s.tx != nil {
		return s.tx
	}
	return s.pool
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// CheckRole refuses a connection role that would make row-level security
// vanish: a superuser or a role with BYPASSRLS. A role that owns the schema
// is bound by the forced policies but could switch them off; OwnsSchema
// tells, and `atiende serve` refuses such a role too unless told otherwise.
func (s *Store) CheckRole(ctx context.Context) error {
	var name string
	var super, bypass bool
	err := s.pool.QueryRow(ctx, `SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&name, &super, &bypass)
	if err != nil {
		return fmt.Errorf("postgres: read role: %w", err)
	}
	if super || bypass {
		return fmt.Errorf("postgres: role %q is a superuser or has BYPASSRLS, which would disable tenant isolation; connect as an ordinary role (see docs/database.md)", name)
	}
	return nil
}
