package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// RememberDevice implements helpdesk.DeviceStore. Expired devices of the
// same user go at the same time, so the table stays small without a job.
func (s *Store) RememberDevice(ctx context.Context, tenant helpdesk.TenantID, d helpdesk.KnownDevice) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM known_devices WHERE tenant_id = $1 AND user_id = $2 AND expires_at < $3`,
			int64(tenant), int64(d.User), d.CreatedAt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO known_devices (tenant_id, token_hash, user_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, int64(tenant), d.Hash, int64(d.User), d.CreatedAt, d.ExpiresAt)
		return err
	})
	return mapErr(err, "remember device")
}

// KnownDevice implements helpdesk.DeviceStore.
func (s *Store) KnownDevice(ctx context.Context, tenant helpdesk.TenantID, hash []byte) (helpdesk.KnownDevice, error) {
	var d helpdesk.KnownDevice
	var user int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT d.token_hash, d.user_id, u.email, d.created_at, d.expires_at
			FROM known_devices d JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.user_id
			WHERE d.tenant_id = $1 AND d.token_hash = $2`, int64(tenant), hash).
			Scan(&d.Hash, &user, &d.Email, &d.CreatedAt, &d.ExpiresAt)
	})
	d.User = helpdesk.UserID(user)
	return d, mapErr(err, "known device")
}
