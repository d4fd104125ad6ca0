package postgres

import (
	"context"
	"fmt"

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

// SetIdempotencyResult implements helpdesk.IdempotencyStore.
func (s *Store) SetIdempotencyResult(ctx context.Context, tenant helpdesk.TenantID, k helpdesk.IdempotencyKey, n helpdesk.TicketNumber) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET ticket_number = $4 WHERE tenant_id = $1 AND scope = $2 AND key = $3`,
			int64(tenant), k.Scope, k.Key, int64(n))
		return err
	})
	return mapErr(err, "record idempotency result")
}
