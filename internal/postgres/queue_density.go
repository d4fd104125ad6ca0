package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// QueueDensity reads a staff user's queue density.
func (s *Store) QueueDensity(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) (helpdesk.QueueDensity, error) {
	var d string
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT queue_density FROM users WHERE tenant_id = $1 AND id = $2 AND role IN ('agent', 'admin')`,
			int64(tenant), int64(user)).Scan(&d)
	})
	return helpdesk.QueueDensity(d), mapErr(err, "queue density of %d", user)
}

// SetQueueDensity stores a staff user's queue density.
func (s *Store) SetQueueDensity(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, d helpdesk.QueueDensity) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET queue_density = $3 WHERE tenant_id = $1 AND id = $2 AND role IN ('agent', 'admin')`,
			int64(tenant), int64(user), string(d))
		if err == nil && tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "set queue density of %d", user)
}
