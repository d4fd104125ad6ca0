package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Passkeys and WebAuthn ceremonies in flight (passkeys,
// webauthn_challenges; migrations/00028).

const passkeyColumns = `id, tenant_id, user_id, user_handle, credential_id, name, record, sign_count, created_at, last_used_at`

func scanPasskey(row pgx.Row) (helpdesk.Passkey, error) {
	var p helpdesk.Passkey
	var count int64
	var used *time.Time
	err := row.Scan(&p.ID, &p.Tenant, &p.User, &p.Handle, &p.CredentialID, &p.Name, &p.Record, &count, &p.CreatedAt, &used)
	p.SignCount = uint32(count)
	if used != nil {
		p.LastUsedAt = *used
	}
	return p, err
}

// InsertPasskey implements helpdesk.PasskeyStore.
func (s *Store) InsertPasskey(ctx context.Context, tenant helpdesk.TenantID, p helpdesk.Passkey) (helpdesk.PasskeyID, error) {
	var id helpdesk.PasskeyID
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO passkeys (tenant_id, user_id, user_handle, credential_id, name, record, sign_count, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			int64(tenant), int64(p.User), p.Handle, p.CredentialID, p.Name, p.Record, int64(p.SignCount), p.CreatedAt).Scan(&id)
	})
	return id, mapErr(err, "insert passkey of %d", p.User)
}

// PasskeysOf implements helpdesk.PasskeyStore.
func (s *Store) PasskeysOf(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) ([]helpdesk.Passkey, error) {
	var out []helpdesk.Passkey
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE tenant_id = $1 AND user_id = $2 ORDER BY id`,
			int64(tenant), int64(user))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPasskey(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, mapErr(err, "passkeys of %d", user)
}

// PasskeyByCredential implements helpdesk.PasskeyStore.
func (s *Store) PasskeyByCredential(ctx context.Context, tenant helpdesk.TenantID, credentialID []byte) (helpdesk.Passkey, error) {
	var p helpdesk.Passkey
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		p, err = scanPasskey(tx.QueryRow(ctx, `SELECT `+passkeyColumns+` FROM passkeys
			WHERE tenant_id = $1 AND credential_id = $2 FOR UPDATE`, int64(tenant), credentialID))
		return err
	})
	return p, mapErr(err, "passkey by credential")
}

// TouchPasskey implements helpdesk.PasskeyStore.
func (s *Store) TouchPasskey(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.PasskeyID, record []byte, signCount uint32, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `UPDATE passkeys SET record = $3, sign_count = $4, last_used_at = $5
			WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id), record, int64(signCount), at))
	})
	return mapErr(err, "touch passkey %d", id)
}

// DeletePasskey implements helpdesk.PasskeyStore.
func (s *Store) DeletePasskey(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, id helpdesk.PasskeyID) (helpdesk.Passkey, error) {
	var p helpdesk.Passkey
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		p, err = scanPasskey(tx.QueryRow(ctx, `DELETE FROM passkeys WHERE tenant_id = $1 AND user_id = $2 AND id = $3
			RETURNING `+passkeyColumns, int64(tenant), int64(user), int64(id)))
		return err
	})
	return p, mapErr(err, "delete passkey %d", id)
}

// DeletePasskeys implements helpdesk.PasskeyStore.
func (s *Store) DeletePasskeys(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) (int, error) {
	var n int
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM passkeys WHERE tenant_id = $1 AND user_id = $2`, int64(tenant), int64(user))
		n = int(tag.RowsAffected())
		return err
	})
	return n, mapErr(err, "delete passkeys of %d", user)
}

// SaveChallenge implements helpdesk.PasskeyStore.
func (s *Store) SaveChallenge(ctx context.Context, c helpdesk.PasskeyChallenge) error {
	err := s.inTenant(ctx, c.Tenant, func(tx pgx.Tx) error {
		// Abandoned ceremonies go here rather than in a job: one indexed
		// delete per new ceremony keeps the table small.
		if _, err := tx.Exec(ctx, `DELETE FROM webauthn_challenges WHERE tenant_id = $1 AND expires_at < now()`,
			int64(c.Tenant)); err != nil {
			return err
		}
		var user *int64
		if c.User != 0 {
			u := int64(c.User)
			user = &u
		}
		_, err := tx.Exec(ctx, `INSERT INTO webauthn_challenges (tenant_id, token_hash, purpose, user_id, label, user_handle, session, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, int64(c.Tenant), c.TokenHash, string(c.Purpose), user, c.Label, c.Handle, c.Session, c.ExpiresAt)
		return err
	})
	return mapErr(err, "save WebAuthn challenge")
}

// TakeChallenge implements helpdesk.PasskeyStore.
func (s *Store) TakeChallenge(ctx context.Context, tenant helpdesk.TenantID, tokenHash []byte, purpose helpdesk.PasskeyPurpose, now time.Time) (helpdesk.PasskeyChallenge, error) {
	c := helpdesk.PasskeyChallenge{Tenant: tenant, TokenHash: tokenHash, Purpose: purpose}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var user *int64
		err := tx.QueryRow(ctx, `DELETE FROM webauthn_challenges WHERE tenant_id = $1 AND token_hash = $2 AND purpose = $3
			RETURNING user_id, label, user_handle, session, expires_at`, int64(tenant), tokenHash, string(purpose)).
			Scan(&user, &c.Label, &c.Handle, &c.Session, &c.ExpiresAt)
		if err == nil && user != nil {
			c.User = helpdesk.UserID(*user)
		}
		if err == nil && !c.ExpiresAt.After(now) {
			return pgx.ErrNoRows
		}
		return err
	})
	return c, mapErr(err, "take WebAuthn challenge")
}
