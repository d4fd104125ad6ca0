package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Second factors (user_factors, recovery_codes; migrations/00020).

// SavePendingTOTP implements helpdesk.FactorStore.
func (s *Store) SavePendingTOTP(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, sealed []byte, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `INSERT INTO user_factors (tenant_id, user_id, kind, secret_enc, created_at)
			VALUES ($1, $2, 'totp', $3, $4)
			ON CONFLICT (tenant_id, user_id, kind) DO UPDATE SET secret_enc = excluded.secret_enc, created_at = excluded.created_at,
				last_step = 0
			WHERE user_factors.confirmed_at IS NULL`, int64(tenant), int64(user), sealed, at))
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: pending TOTP: a confirmed factor exists: %w", helpdesk.ErrConflict)
	}
	return mapErr(err, "pending TOTP")
}

// TOTPFactor implements helpdesk.FactorStore.
func (s *Store) TOTPFactor(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) (helpdesk.Factor, error) {
	var f helpdesk.Factor
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT secret_enc, confirmed_at IS NOT NULL, last_step FROM user_factors
			WHERE tenant_id = $1 AND user_id = $2 AND kind = 'totp' FOR UPDATE`, int64(tenant), int64(user)).
			Scan(&f.Sealed, &f.Confirmed, &f.LastStep)
	})
	return f, mapErr(err, "TOTP factor of %d", user)
}

// SetTOTPStep implements helpdesk.FactorStore.
func (s *Store) SetTOTPStep(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, step int64, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `UPDATE user_factors SET last_step = $3, confirmed_at = coalesce(confirmed_at, $4)
			WHERE tenant_id = $1 AND user_id = $2 AND kind = 'totp' AND last_step < $3`, int64(tenant), int64(user), step, at))
	})
	return mapErr(err, "TOTP step of %d", user)
}

// ReplaceRecoveryCodes implements helpdesk.FactorStore.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, hashes [][]byte) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2`, int64(tenant), int64(user)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO recovery_codes (tenant_id, user_id, code_hash) SELECT $1, $2, unnest($3::bytea[])`,
			int64(tenant), int64(user), hashes)
		return err
	})
	return mapErr(err, "recovery codes of %d", user)
}

// UseRecoveryCode implements helpdesk.FactorStore.
func (s *Store) UseRecoveryCode(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, hash []byte, at time.Time) (bool, error) {
	var used bool
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE recovery_codes SET used_at = $4
			WHERE tenant_id = $1 AND user_id = $2 AND code_hash = $3 AND used_at IS NULL`, int64(tenant), int64(user), hash, at)
		used = tag.RowsAffected() == 1
		return err
	})
	return used, mapErr(err, "use recovery code")
}

// UnusedRecoveryCodes implements helpdesk.FactorStore.
func (s *Store) UnusedRecoveryCodes(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) (int, error) {
	var n int
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2 AND used_at IS NULL`,
			int64(tenant), int64(user)).Scan(&n)
	})
	return n, mapErr(err, "recovery codes of %d", user)
}

// DeleteFactors implements helpdesk.FactorStore.
func (s *Store) DeleteFactors(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) (bool, error) {
	var had bool
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2`, int64(tenant), int64(user)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM user_factors WHERE tenant_id = $1 AND user_id = $2`, int64(tenant), int64(user))
		had = tag.RowsAffected() > 0
		return err
	})
	return had, mapErr(err, "delete factors of %d", user)
}

// StaffTwoFactorRequired implements helpdesk.FactorStore.
func (s *Store) StaffTwoFactorRequired(ctx context.Context, tenant helpdesk.TenantID) (bool, error) {
	var on bool
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT require_staff_2fa FROM tenant_security WHERE tenant_id = $1`, int64(tenant)).Scan(&on)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	return on, mapErr(err, "two-factor rule")
}

// SetStaffTwoFactorRequired implements helpdesk.FactorStore.
func (s *Store) SetStaffTwoFactorRequired(ctx context.Context, tenant helpdesk.TenantID, on bool, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tenant_security (tenant_id, require_staff_2fa, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (tenant_id) DO UPDATE SET require_staff_2fa = excluded.require_staff_2fa, updated_at = excluded.updated_at`,
			int64(tenant), on, at)
		return err
	})
	return mapErr(err, "set two-factor rule")
}
