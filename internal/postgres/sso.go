package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Single sign-on (sso_settings, sso_identities; migrations/00027).

// SSOSettings implements helpdesk.SSOStore. The login page reads it on
// every view, so it is one round trip.
func (s *Store) SSOSettings(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.SSOSettings, error) {
	var st helpdesk.SSOSettings
	var role string
	err := s.readRow(ctx, tenant, `SELECT enabled, issuer, client_id, secret_enc, allowed_domains, new_user_role,
			staff_sso_only, button_label, updated_at
		FROM sso_settings WHERE tenant_id = $1`, []any{int64(tenant)}, func(row pgx.Row) error {
		return row.Scan(&st.Enabled, &st.Issuer, &st.ClientID, &st.Secret, &st.AllowedDomains, &role,
			&st.StaffSSOOnly, &st.ButtonLabel, &st.UpdatedAt)
	})
	st.NewUserRole = helpdesk.Role(role)
	return st, mapErr(err, "sso settings")
}

// SaveSSOSettings implements helpdesk.SSOStore.
func (s *Store) SaveSSOSettings(ctx context.Context, tenant helpdesk.TenantID, st helpdesk.SSOSettings) error {
	domains := st.AllowedDomains
	if domains == nil {
		domains = []string{}
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sso_settings (tenant_id, enabled, issuer, client_id, secret_enc, allowed_domains,
				new_user_role, staff_sso_only, button_label, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (tenant_id) DO UPDATE SET enabled = excluded.enabled, issuer = excluded.issuer,
				client_id = excluded.client_id, secret_enc = excluded.secret_enc, allowed_domains = excluded.allowed_domains,
				new_user_role = excluded.new_user_role, staff_sso_only = excluded.staff_sso_only,
				button_label = excluded.button_label, updated_at = excluded.updated_at`,
			int64(tenant), st.Enabled, st.Issuer, st.ClientID, st.Secret, domains, string(st.NewUserRole),
			st.StaffSSOOnly, st.ButtonLabel, st.UpdatedAt)
		return err
	})
	return mapErr(err, "save sso settings")
}

// SSOIdentityUser implements helpdesk.SSOStore.
func (s *Store) SSOIdentityUser(ctx context.Context, tenant helpdesk.TenantID, issuer, subject string) (helpdesk.UserID, error) {
	var id int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT user_id FROM sso_identities WHERE tenant_id = $1 AND issuer = $2 AND subject = $3`,
			int64(tenant), issuer, subject).Scan(&id)
	})
	return helpdesk.UserID(id), mapErr(err, "sso identity")
}

// LinkSSOIdentity implements helpdesk.SSOStore. An existing link keeps
// its user: only its last use changes.
func (s *Store) LinkSSOIdentity(ctx context.Context, tenant helpdesk.TenantID, issuer, subject string, user helpdesk.UserID, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sso_identities (tenant_id, issuer, subject, user_id, created_at, last_used_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (tenant_id, issuer, subject) DO UPDATE SET last_used_at = excluded.last_used_at`,
			int64(tenant), issuer, subject, int64(user), at)
		return err
	})
	return mapErr(err, "link sso identity")
}
