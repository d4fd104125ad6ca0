package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// AutomationSettings reads the tenant's timer settings (defaults: off).
func (s *Store) AutomationSettings(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.AutomationSettings, error) {
	var st helpdesk.AutomationSettings
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var us int64
		err := tx.QueryRow(ctx, `SELECT (extract(epoch FROM pending_reminder_after) * 1000000)::bigint
			FROM automation_settings WHERE tenant_id = $1`, int64(tenant)).Scan(&us)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		st.PendingReminderAfter = time.Duration(us) * time.Microsecond
		return err
	})
	return st, mapErr(err, "automation settings")
}

// SetAutomationSettings stores the tenant's timer settings.
func (s *Store) SetAutomationSettings(ctx context.Context, tenant helpdesk.TenantID, st helpdesk.AutomationSettings) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO automation_settings (tenant_id, pending_reminder_after)
			VALUES ($1, $2 * interval '1 microsecond')
			ON CONFLICT (tenant_id) DO UPDATE SET pending_reminder_after = excluded.pending_reminder_after`,
			int64(tenant), st.PendingReminderAfter.Microseconds())
		return err
	})
	return mapErr(err, "save automation settings")
}

// RecordNotification inserts an intent (sent already when SentAt is set);
// the unique key makes a deduplicated one once.
func (s *Store) RecordNotification(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.NotificationIntent) (bool, error) {
	var key *string
	if n.DedupeKey != "" {
		key = &n.DedupeKey
	}
	var rows int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO notification_intents (tenant_id, ticket_id, kind, recipient, rule_id, message, dedupe_key, created_at, sent_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
			int64(tenant), int64(n.Ticket), string(n.Kind), string(n.Recipient), toID(n.Rule), n.Message, key, n.CreatedAt, toTime(n.SentAt))
		rows = tag.RowsAffected()
		return err
	})
	return rows == 1, mapErr(err, "record notification")
}

// PendingNotifications lists unsent intents, oldest first
// (notification_intents_unsent).
func (s *Store) PendingNotifications(ctx context.Context, tenant helpdesk.TenantID, limit int) ([]helpdesk.NotificationIntent, error) {
	var out []helpdesk.NotificationIntent
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, ticket_id, kind, recipient, coalesce(rule_id, 0), message, coalesce(dedupe_key, ''), created_at
			FROM notification_intents WHERE tenant_id = $1 AND sent_at IS NULL ORDER BY created_at, id LIMIT $2`, int64(tenant), limit)
		if err != nil {
			return err
		}
		var n helpdesk.NotificationIntent
		var ticket, rule int64
		var kind, rcpt string
		_, err = pgx.ForEachRow(rows, []any{&n.ID, &ticket, &kind, &rcpt, &rule, &n.Message, &n.DedupeKey, &n.CreatedAt}, func() error {
			n.Ticket, n.Kind, n.Recipient, n.Rule = helpdesk.TicketID(ticket), helpdesk.IntentKind(kind), helpdesk.Recipient(rcpt), helpdesk.RuleID(rule)
			n.CreatedAt = n.CreatedAt.UTC()
			out = append(out, n)
			return nil
		})
		return err
	})
	return out, mapErr(err, "pending notifications")
}

// MarkNotificationSent stamps an intent as sent.
func (s *Store) MarkNotificationSent(ctx context.Context, tenant helpdesk.TenantID, id int64, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE notification_intents SET sent_at = $3 WHERE tenant_id = $1 AND id = $2 AND sent_at IS NULL`,
			int64(tenant), id, at)
		return err
	})
	return mapErr(err, "mark notification %s sent", strconv.FormatInt(id, 10))
}

// TenantIDs lists every tenant, for the jobs that visit each in turn (the
// tenant directory is readable without a tenant; see 00001).
func (s *Store) TenantIDs(ctx context.Context) ([]helpdesk.TenantID, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM tenants ORDER BY id`)
	if err != nil {
		return nil, mapErr(err, "tenants")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	out := make([]helpdesk.TenantID, 0, len(ids))
	for _, id := range ids {
		out = append(out, helpdesk.TenantID(id))
	}
	return out, mapErr(err, "tenants")
}
