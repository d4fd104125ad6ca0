package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// A user's sessions (user_sessions, migrations/00020). The sessions table
// itself belongs to the session store (scs) and has no tenant; rows there
// are reached only through a key recorded here for the tenant's user.

// RecordSession implements helpdesk.SessionStore. It also forgets the
// user's entries older than a month, whose sessions are long gone.
func (s *Store) RecordSession(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, ss helpdesk.Session, deviceHash []byte, epoch int) (bool, bool, error) {
	var known, first bool
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT
				EXISTS (SELECT 1 FROM user_sessions WHERE tenant_id = $1 AND user_id = $2 AND device_hash = $3),
				NOT EXISTS (SELECT 1 FROM user_sessions WHERE tenant_id = $1 AND user_id = $2)`,
			int64(tenant), int64(user), deviceHash).Scan(&known, &first)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_sessions WHERE tenant_id = $1 AND user_id = $2 AND last_seen_at < $3`,
			int64(tenant), int64(user), ss.CreatedAt.Add(-30*24*time.Hour)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO user_sessions (tenant_id, user_id, store_key, device_hash, device, address, epoch, created_at, last_seen_at)
			VALUES (@tenant, @user, @key, @device_hash, @device, @address, @epoch, @at, @at)
			ON CONFLICT (tenant_id, store_key) DO NOTHING`, pgx.NamedArgs{
			"tenant": int64(tenant), "user": int64(user), "key": ss.Key, "device_hash": deviceHash, "device": clip(ss.Device, 100),
			"address": clip(ss.Address, 100), "epoch": epoch, "at": ss.CreatedAt,
		})
		return err
	})
	return known, first, mapErr(err, "record session")
}

// TouchSession implements helpdesk.SessionStore.
func (s *Store) TouchSession(ctx context.Context, tenant helpdesk.TenantID, key string, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE user_sessions SET last_seen_at = $3 WHERE tenant_id = $1 AND store_key = $2`, int64(tenant), key, at)
		return err
	})
	return mapErr(err, "touch session")
}

// UserSessions implements helpdesk.SessionStore.
func (s *Store) UserSessions(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, epoch int, since time.Time) ([]helpdesk.Session, error) {
	var out []helpdesk.Session
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT us.id, us.store_key, us.device, us.address, us.created_at, us.last_seen_at
			FROM user_sessions us JOIN sessions ss ON ss.token = us.store_key AND ss.expiry > now()
			WHERE us.tenant_id = $1 AND us.user_id = $2 AND us.epoch = $3 AND us.last_seen_at >= $4
			ORDER BY us.last_seen_at DESC, us.id DESC LIMIT 100`, int64(tenant), int64(user), epoch, since)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Session, error) {
			var ss helpdesk.Session
			err := r.Scan(&ss.ID, &ss.Key, &ss.Device, &ss.Address, &ss.CreatedAt, &ss.LastSeenAt)
			return ss, err
		})
		return err
	})
	return out, mapErr(err, "sessions of %d", user)
}

// EndSession implements helpdesk.SessionStore: the session store's row
// goes, so the cookie signs nobody in any more.
func (s *Store) EndSession(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, id int64) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var key string
		// The entry stays: it remembers the device for the next sign-in.
		if err := tx.QueryRow(ctx, `SELECT store_key FROM user_sessions WHERE tenant_id = $1 AND user_id = $2 AND id = $3`,
			int64(tenant), int64(user), id).Scan(&key); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, key)
		return err
	})
	return mapErr(err, "end session %d", id)
}
