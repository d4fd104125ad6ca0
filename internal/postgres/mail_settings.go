package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The email channel's settings and small lookups: guest link requests,
// IMAP accounts, the desk's own notice texts, counts for the loop brake.

// GuestLinkRequestForUpdate implements helpdesk.MailStore.
func (s *Store) GuestLinkRequestForUpdate(ctx context.Context, tenant helpdesk.TenantID, id int64) (helpdesk.GuestLinkRequest, bool, error) {
	var r helpdesk.GuestLinkRequest
	var done bool
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var n int64
		err := tx.QueryRow(ctx, `SELECT ticket_number, email, requested_at, resolved_at IS NOT NULL FROM guest_link_requests
			WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, int64(tenant), id).Scan(&n, &r.Email, &r.RequestedAt, &done)
		r.Number = helpdesk.TicketNumber(n)
		return err
	})
	return r, done, mapErr(err, "guest link request %d", id)
}

// ResolveGuestLinkRequest implements helpdesk.MailStore.
func (s *Store) ResolveGuestLinkRequest(ctx context.Context, tenant helpdesk.TenantID, id int64, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE guest_link_requests SET resolved_at = $3 WHERE tenant_id = $1 AND id = $2`, int64(tenant), id, at)
		return err
	})
	return mapErr(err, "resolve guest link request %d", id)
}

// IMAPAccount implements helpdesk.MailStore.
func (s *Store) IMAPAccount(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.IMAPAccount, error) {
	var a helpdesk.IMAPAccount
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var validity, last int64
		var polled *time.Time
		err := tx.QueryRow(ctx, `SELECT host, port, tls, username, password_enc, mailbox, enabled, uid_validity, last_uid,
				last_error, last_polled_at FROM mail_imap WHERE tenant_id = $1`, int64(tenant)).
			Scan(&a.Host, &a.Port, &a.TLS, &a.Username, &a.Password, &a.Mailbox, &a.Enabled, &validity, &last, &a.LastError, &polled)
		a.UIDValidity, a.LastUID = uint32(validity), uint32(last)
		if polled != nil {
			a.LastPolledAt = *polled
		}
		return err
	})
	return a, mapErr(err, "imap account")
}

// SaveIMAPAccount implements helpdesk.MailStore.
func (s *Store) SaveIMAPAccount(ctx context.Context, tenant helpdesk.TenantID, a helpdesk.IMAPAccount) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO mail_imap (tenant_id, host, port, tls, username, password_enc, mailbox, enabled, uid_validity, last_uid)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (tenant_id) DO UPDATE SET host = excluded.host, port = excluded.port, tls = excluded.tls,
				username = excluded.username, password_enc = excluded.password_enc, mailbox = excluded.mailbox,
				enabled = excluded.enabled, uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, last_error = ''`,
			int64(tenant), a.Host, a.Port, a.TLS, a.Username, a.Password, a.Mailbox, a.Enabled, int64(a.UIDValidity), int64(a.LastUID))
		if err != nil {
			return err
		}
		if a.Enabled {
			_, err = tx.Exec(ctx, `INSERT INTO mail_imap_pollable (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING`, int64(tenant))
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM mail_imap_pollable WHERE tenant_id = $1`, int64(tenant))
		}
		return err
	})
	return mapErr(err, "save imap account")
}

// SetIMAPProgress implements helpdesk.MailStore.
func (s *Store) SetIMAPProgress(ctx context.Context, tenant helpdesk.TenantID, validity, lastUID uint32, lastError string, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE mail_imap SET uid_validity = $2, last_uid = $3, last_error = $4, last_polled_at = $5
			WHERE tenant_id = $1`, int64(tenant), int64(validity), int64(lastUID), clip(lastError, 1000), at)
		return err
	})
	return mapErr(err, "imap progress")
}

// IMAPTenants lists the desks whose mailbox the poller visits: the IMAP
// poller's one cross-tenant read, of ids only.
func (s *Store) IMAPTenants(ctx context.Context) ([]helpdesk.TenantID, error) {
	rows, err := s.pool.Query(ctx, `SELECT tenant_id FROM mail_imap_pollable ORDER BY tenant_id`)
	if err != nil {
		return nil, mapErr(err, "imap tenants")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	out := make([]helpdesk.TenantID, len(ids))
	for i, id := range ids {
		out[i] = helpdesk.TenantID(id)
	}
	return out, mapErr(err, "imap tenants")
}

// MailsSince implements helpdesk.MailStore.
func (s *Store) MailsSince(ctx context.Context, tenant helpdesk.TenantID, to string, kind helpdesk.MailKind, since time.Time) (int, error) {
	var n int
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		// to_key, not lower(to_addr): see migration 00048. The address is
		// lowered as to_key was, by PostgreSQL, in a subquery so that the
		// comparison stays an index condition (as in userByEmailSQL).
		return tx.QueryRow(ctx, `SELECT count(*) FROM mail_outbox
			WHERE tenant_id = $1 AND to_key = (SELECT lower($2::text)) AND kind = $3 AND created_at >= $4`,
			int64(tenant), to, string(kind), since).Scan(&n)
	})
	return n, mapErr(err, "mails since")
}

// MailTemplates implements helpdesk.TemplateStore.
func (s *Store) MailTemplates(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.MailTemplate, error) {
	var out []helpdesk.MailTemplate
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT kind, language, body, updated_at FROM mail_templates
			WHERE tenant_id = $1 ORDER BY kind, language`, int64(tenant))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.MailTemplate, error) {
			var t helpdesk.MailTemplate
			var kind string
			err := r.Scan(&kind, &t.Language, &t.Body, &t.UpdatedAt)
			t.Kind = helpdesk.MailKind(kind)
			return t, err
		})
		return err
	})
	return out, mapErr(err, "mail templates")
}

// SaveMailTemplate implements helpdesk.TemplateStore.
func (s *Store) SaveMailTemplate(ctx context.Context, tenant helpdesk.TenantID, t helpdesk.MailTemplate) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if t.Body == "" {
			_, err := tx.Exec(ctx, `DELETE FROM mail_templates WHERE tenant_id = $1 AND kind = $2 AND language = $3`,
				int64(tenant), string(t.Kind), t.Language)
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO mail_templates (tenant_id, kind, language, body, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (tenant_id, kind, language) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
			int64(tenant), string(t.Kind), t.Language, t.Body, t.UpdatedAt)
		return err
	})
	return mapErr(err, "save mail template")
}
