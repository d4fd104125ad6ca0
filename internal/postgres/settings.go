package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// UpdateTenant stores the desk settings of the tenants row; only a
// transaction bound to the tenant may (its RLS update policy).
func (s *Store) UpdateTenant(ctx context.Context, tenant helpdesk.TenantID, t helpdesk.Tenant) (helpdesk.Tenant, error) {
	var out helpdesk.Tenant
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanTenant(tx.QueryRow(ctx, `UPDATE tenants SET name = @name, language = @language, time_zone = @tz,
			accent_color = @colour, guest_tickets = @guests WHERE id = @tenant RETURNING `+tenantColumns, pgx.NamedArgs{
			"tenant": int64(tenant), "name": t.Name, "language": t.Language, "tz": t.TimeZone, "colour": t.AccentColor, "guests": t.GuestTickets,
		}))
		return err
	})
	return out, mapErr(err, "update tenant %d", tenant)
}

// SetLogo stores or (nil data) removes the tenant's logo and stamps the
// tenant's logo_updated_at, which versions the logo's URL.
func (s *Store) SetLogo(ctx context.Context, tenant helpdesk.TenantID, contentType string, data []byte, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if data == nil {
			if _, err := tx.Exec(ctx, `DELETE FROM tenant_logos WHERE tenant_id = $1`, int64(tenant)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE tenants SET logo_updated_at = NULL WHERE id = $1`, int64(tenant))
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tenant_logos (tenant_id, content_type, data, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, updated_at = excluded.updated_at`,
			int64(tenant), contentType, data, at); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE tenants SET logo_updated_at = $2 WHERE id = $1`, int64(tenant), at)
		return err
	})
	return mapErr(err, "set logo")
}

// Logo reads the tenant's logo.
func (s *Store) Logo(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.Logo, error) {
	var l helpdesk.Logo
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT content_type, data, updated_at FROM tenant_logos WHERE tenant_id = $1`, int64(tenant)).
			Scan(&l.ContentType, &l.Data, &l.UpdatedAt)
	})
	return l, mapErr(err, "logo")
}
