package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// AgentSettings reads an active staff user's console settings.
func (s *Store) AgentSettings(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) (helpdesk.AgentSettings, error) {
	var a helpdesk.AgentSettings
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var avail string
		var off []string
		err := tx.QueryRow(ctx, `SELECT availability, signature, language, notifications_off FROM users
			WHERE tenant_id = $1 AND id = $2 AND role IN ('agent', 'admin') AND active`, int64(tenant), int64(user)).
			Scan(&avail, &a.Signature, &a.Language, &off)
		a.Availability = helpdesk.Availability(avail)
		for _, k := range off {
			a.NotificationsOff = append(a.NotificationsOff, helpdesk.NotificationKind(k))
		}
		return err
	})
	return a, mapErr(err, "agent settings %d", user)
}

// SetAgentSettings stores an active staff user's console settings.
func (s *Store) SetAgentSettings(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, a helpdesk.AgentSettings) error {
	off := make([]string, 0, len(a.NotificationsOff))
	for _, k := range a.NotificationsOff {
		off = append(off, string(k))
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET availability = $3, signature = $4, language = $5, notifications_off = $6
			WHERE tenant_id = $1 AND id = $2 AND role IN ('agent', 'admin') AND active`,
			int64(tenant), int64(user), string(a.Availability), a.Signature, a.Language, off)
		if err == nil && tag.RowsAffected() == 0 {
			err = pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "set agent settings %d", user)
}
