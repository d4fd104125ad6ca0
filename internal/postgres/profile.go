package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// UpdateProfile sets the name, phone and language of an active user.
func (s *Store) UpdateProfile(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID, p helpdesk.ProfileInput) (helpdesk.User, error) {
	const q = `UPDATE users SET name = @name, phone = @phone, language = @language
		WHERE tenant_id = @tenant AND id = @id AND active
		RETURNING ` + userColumns
	var u helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, q, pgx.NamedArgs{
			"tenant": int64(tenant), "id": int64(id), "name": p.Name, "phone": p.Phone, "language": p.Language,
		}))
		return err
	})
	return u, mapErr(err, "update profile of user %d", id)
}

// SetPassword stores hash as an active user's password and raises their
// session epoch in the same statement, so no session signed in with the old
// password outlives the change.
func (s *Store) SetPassword(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID, hash string) (int, error) {
	const q = `UPDATE users SET password_hash = $3, session_epoch = session_epoch + 1
		WHERE tenant_id = $1 AND id = $2 AND active
		RETURNING session_epoch`
	return s.returnEpoch(ctx, tenant, id, "set password", q, hash)
}

// BumpSessionEpoch raises an active user's session epoch, which ends every
// session holding the old one.
func (s *Store) BumpSessionEpoch(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID) (int, error) {
	const q = `UPDATE users SET session_epoch = session_epoch + 1
		WHERE tenant_id = $1 AND id = $2 AND active
		RETURNING session_epoch`
	return s.returnEpoch(ctx, tenant, id, "bump session epoch", q)
}

// returnEpoch runs q, an update of user id returning the session epoch,
// with the tenant and id as $1 and $2 followed by args.
func (s *Store) returnEpoch(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID, what, q string, args ...any) (int, error) {
	var epoch int
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q, append([]any{int64(tenant), int64(id)}, args...)...).Scan(&epoch)
	})
	return epoch, mapErr(err, "%s of user %d", what, id)
}
