package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ClaimIdempotencyKey implements helpdesk.IdempotencyStore. The insert
// waits on the primary key for a concurrent first use to commit or roll
// back, so exactly one transaction claims a key.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, tenant helpdesk.TenantID, k helpdesk.IdempotencyKey) (helpdesk.TicketNumber, bool, error) {
	var n *int64
	claimed := false
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (tenant_id, scope, key) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, int64(tenant), k.Scope, k.Key)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			claimed = true
			return nil
		}
		return tx.QueryRow(ctx, `SELECT ticket_number FROM idempotency_keys WHERE tenant_id = $1 AND scope = $2 AND key = $3`,
			int64(tenant), k.Scope, k.Key).Scan(&n)
	})
	if err != nil || claimed {
		return 0, claimed, mapErr(err, "claim idempotency key")
	}
	if n == nil {
		// Claimed and committed without a result: a bug, never a replay.
		return 0, false, fmt.Errorf("postgres: idempotency key %s without a ticket: %w", k.Scope, helpdesk.ErrConflict)
	}
	return helpdesk.TicketNumber(*n), false, nil
}

// TakeAllowance implements helpdesk.IdempotencyStore: Hit inside the
// store's open transaction, so the count commits (or not) with the work
// it allows and parallel uses of one key wait on its row. Outside a
// transaction it is Hit.
func (s *Store) TakeAllowance(ctx context.Context, a helpdesk.Allowance) (bool, error) {
	if s.tx == nil {
		return s.Hit(ctx, a.Key, a.Window, a.Limit)
	}
	var hits int
	if err := s.tx.QueryRow(ctx, hitSQL, a.Key, a.Window).Scan(&hits); err != nil {
		return false, fmt.Errorf("postgres: allowance: %w", err)
	}
	return hits <= a.Limit, nil
}

// SetIdempotencyResult implements helpdesk.IdempotencyStore.
func (s *Store) SetIdempotencyResult(ctx context.Context, tenant helpdesk.TenantID, k helpdesk.IdempotencyKey, n helpdesk.TicketNumber) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, setIdempotencyResultSQL, int64(tenant), k.Scope, k.Key, int64(n))
		return err
	})
	return mapErr(err, "record idempotency result")
}

const setIdempotencyResultSQL = `UPDATE idempotency_keys SET ticket_number = $4 WHERE tenant_id = $1 AND scope = $2 AND key = $3`

// PruneIdempotency deletes, desk by desk (the tables are isolated by
// tenant), the API's idempotency records older than apiAge and the forms'
// keys older than formAge, and returns how many rows went. A record past
// its age answers no retry any more: the API's claim takes an expired
// one over, and a form resubmitted that late is a new submission.
func (s *Store) PruneIdempotency(ctx context.Context, apiAge, formAge time.Duration) (int64, error) {
	tenants, err := s.TenantIDs(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, t := range tenants {
		err := s.inTenant(ctx, t, func(tx pgx.Tx) error {
			api, err := tx.Exec(ctx, `DELETE FROM api_idempotency WHERE tenant_id = $1 AND created_at < now() - $2::interval`, int64(t), apiAge)
			if err != nil {
				return err
			}
			form, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND created_at < now() - $2::interval`, int64(t), formAge)
			n += api.RowsAffected() + form.RowsAffected()
			return err
		})
		if err != nil {
			return n, mapErr(err, "prune idempotency of tenant %d", t)
		}
	}
	return n, nil
}
