package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
)

// WebhookJob asks a worker to send a subscription's pending deliveries. It
// carries ids only; one is inserted with every delivery, in the
// transaction that queues it, and workers take turns on a subscription
// through its lease (helpdesk.Service.DeliverWebhooks).
type WebhookJob struct {
	Tenant  helpdesk.TenantID  `json:"tenant"`
	Webhook helpdesk.WebhookID `json:"webhook"`
}

// Kind names the job in the queue.
func (WebhookJob) Kind() string { return "webhook" }

const webhookColumns = `id, url, events, coalesce(group_id, 0), coalesce(category_id, 0), secret, old_secret,
	old_secret_until, active, failures, disabled_reason, created_at`

func scanWebhook(row pgx.Row) (helpdesk.Webhook, error) {
	var w helpdesk.Webhook
	var id, group, cat int64
	var until *time.Time
	err := row.Scan(&id, &w.URL, &w.Events, &group, &cat, &w.Secret, &w.OldSecret, &until, &w.Active, &w.Failures,
		&w.DisabledReason, &w.CreatedAt)
	w.ID, w.Group, w.Category, w.OldUntil = helpdesk.WebhookID(id), helpdesk.GroupID(group), helpdesk.CategoryID(cat), deref(until)
	return w, err
}

// SaveWebhook inserts (ID zero) or updates a subscription.
func (s *Store) SaveWebhook(ctx context.Context, tenant helpdesk.TenantID, w helpdesk.Webhook) (helpdesk.Webhook, error) {
	const insert = `INSERT INTO webhook_subscriptions (tenant_id, url, events, group_id, category_id, secret, active, created_at)
		VALUES (@tenant, @url, @events, nullif(@group, 0), nullif(@category, 0), @secret, @active, @created)
		RETURNING ` + webhookColumns
	const update = `UPDATE webhook_subscriptions SET url = @url, events = @events, group_id = nullif(@group, 0),
		category_id = nullif(@category, 0), secret = @secret, old_secret = @old, old_secret_until = @until,
		active = @active, failures = @failures, disabled_reason = @reason
		WHERE tenant_id = @tenant AND id = @id RETURNING ` + webhookColumns
	args := pgx.NamedArgs{"tenant": int64(tenant), "id": int64(w.ID), "url": w.URL, "events": w.Events,
		"group": int64(w.Group), "category": int64(w.Category), "secret": w.Secret, "old": w.OldSecret,
		"until": nullTime(w.OldUntil), "active": w.Active, "failures": w.Failures, "reason": w.DisabledReason, "created": w.CreatedAt}
	q := insert
	if w.ID != 0 {
		q = update
	}
	var out helpdesk.Webhook
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanWebhook(tx.QueryRow(ctx, q, args))
		return err
	})
	return out, mapErr(err, "save webhook")
}

// Webhooks lists the tenant's subscriptions, oldest first.
func (s *Store) Webhooks(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.Webhook, error) {
	const q = `SELECT ` + webhookColumns + ` FROM webhook_subscriptions WHERE tenant_id = $1 ORDER BY id`
	var out []helpdesk.Webhook
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, int64(tenant))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Webhook, error) { return scanWebhook(r) })
		return err
	})
	return out, mapErr(err, "webhooks")
}

// Webhook loads one subscription.
func (s *Store) Webhook(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.WebhookID) (helpdesk.Webhook, error) {
	const q = `SELECT ` + webhookColumns + ` FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2`
	var out helpdesk.Webhook
	err := s.readRow(ctx, tenant, q, []any{int64(tenant), int64(id)}, func(row pgx.Row) error {
		var err error
		out, err = scanWebhook(row)
		return err
	})
	return out, mapErr(err, "webhook %d", id)
}

// DeleteWebhook removes a subscription and its deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.WebhookID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id))
		return err
	})
	return mapErr(err, "delete webhook %d", id)
}

const deliveryColumns = `id, subscription_id, event_id, event, coalesce(ticket_id, 0), payload, state, attempts, next_at,
	last_status, last_latency_ms, last_response, last_error, created_at, finished_at`

func scanDelivery(row pgx.Row) (helpdesk.WebhookDelivery, error) {
	var d helpdesk.WebhookDelivery
	var id, sub, ticket int64
	var ms int
	var finished *time.Time
	err := row.Scan(&id, &sub, &d.EventID, &d.Event, &ticket, &d.Payload, &d.State, &d.Attempts, &d.NextAt,
		&d.LastStatus, &ms, &d.LastResponse, &d.LastError, &d.CreatedAt, &finished)
	d.ID, d.Webhook, d.Ticket = helpdesk.WebhookDeliveryID(id), helpdesk.WebhookID(sub), helpdesk.TicketID(ticket)
	d.LastLatency, d.FinishedAt = time.Duration(ms)*time.Millisecond, deref(finished)
	d.NextAt, d.CreatedAt = d.NextAt.UTC(), d.CreatedAt.UTC()
	return d, err
}

func (s *Store) enqueueWebhook(ctx context.Context, tx pgx.Tx, tenant helpdesk.TenantID, id helpdesk.WebhookID) error {
	_, err := s.jobs.InsertTx(ctx, tx, WebhookJob{Tenant: tenant, Webhook: id}, &river.InsertOpts{MaxAttempts: 25})
	return err
}

// InsertWebhookDelivery queues a delivery and its job.
func (s *Store) InsertWebhookDelivery(ctx context.Context, tenant helpdesk.TenantID, d helpdesk.WebhookDelivery) (helpdesk.WebhookDelivery, error) {
	const q = `INSERT INTO webhook_deliveries (tenant_id, subscription_id, event_id, event, ticket_id, payload, next_at, created_at)
		VALUES (@tenant, @sub, @event_id, @event, nullif(@ticket, 0), @payload, @next, @created) RETURNING ` + deliveryColumns
	var out helpdesk.WebhookDelivery
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanDelivery(tx.QueryRow(ctx, q, pgx.NamedArgs{"tenant": int64(tenant), "sub": int64(d.Webhook),
			"event_id": d.EventID, "event": d.Event, "ticket": int64(d.Ticket), "payload": d.Payload, "next": d.NextAt, "created": d.CreatedAt}))
		if err != nil {
			return err
		}
		return s.enqueueWebhook(ctx, tx, tenant, d.Webhook)
	})
	return out, mapErr(err, "insert webhook delivery")
}

// LeaseWebhook takes the subscription's queue if it is active and free.
func (s *Store) LeaseWebhook(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.WebhookID, now, until time.Time) (bool, error) {
	const q = `UPDATE webhook_subscriptions SET lease_until = $4
		WHERE tenant_id = $1 AND id = $2 AND (lease_until IS NULL OR lease_until < $3) RETURNING true`
	const exists = `SELECT true FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2`
	ok := false
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, q, int64(tenant), int64(id), now, until).Scan(&ok)
		if err == pgx.ErrNoRows {
			var found bool
			return tx.QueryRow(ctx, exists, int64(tenant), int64(id)).Scan(&found)
		}
		return err
	})
	return ok, mapErr(err, "lease webhook %d", id)
}

// ReleaseWebhook frees the subscription's queue.
func (s *Store) ReleaseWebhook(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.WebhookID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE webhook_subscriptions SET lease_until = NULL WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id))
		return err
	})
	return mapErr(err, "release webhook %d", id)
}

// NextWebhookDelivery is the subscription's oldest pending delivery.
func (s *Store) NextWebhookDelivery(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.WebhookID) (helpdesk.WebhookDelivery, error) {
	const q = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries
		WHERE tenant_id = $1 AND subscription_id = $2 AND state = 'pending' ORDER BY id LIMIT 1`
	var out helpdesk.WebhookDelivery
	err := s.readRow(ctx, tenant, q, []any{int64(tenant), int64(id)}, func(row pgx.Row) error {
		var err error
		out, err = scanDelivery(row)
		return err
	})
	return out, mapErr(err, "next delivery of webhook %d", id)
}

// RecordWebhookAttempt stores an attempt's outcome and the subscription's
// failure state.
func (s *Store) RecordWebhookAttempt(ctx context.Context, tenant helpdesk.TenantID, d helpdesk.WebhookDelivery, w helpdesk.Webhook) error {
	const del = `UPDATE webhook_deliveries SET state = @state, attempts = @attempts, next_at = @next, last_status = @status,
		last_latency_ms = @ms, last_response = left(@response, 1024), last_error = left(@error, 512), finished_at = @finished
		WHERE tenant_id = @tenant AND id = @id`
	const sub = `UPDATE webhook_subscriptions SET failures = $3, active = $4, disabled_reason = $5 WHERE tenant_id = $1 AND id = $2`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, del, pgx.NamedArgs{"tenant": int64(tenant), "id": int64(d.ID), "state": d.State,
			"attempts": d.Attempts, "next": d.NextAt, "status": d.LastStatus, "ms": int(d.LastLatency / time.Millisecond),
			"response": d.LastResponse, "error": d.LastError, "finished": nullTime(d.FinishedAt)}); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sub, int64(tenant), int64(w.ID), w.Failures, w.Active, w.DisabledReason)
		return err
	})
	return mapErr(err, "record webhook attempt")
}

// WebhookDeliveries is the subscription's log, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.WebhookID, limit int) ([]helpdesk.WebhookDelivery, error) {
	const q = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE tenant_id = $1 AND subscription_id = $2
		ORDER BY id DESC LIMIT $3`
	var out []helpdesk.WebhookDelivery
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, int64(tenant), int64(id), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.WebhookDelivery, error) { return scanDelivery(r) })
		return err
	})
	return out, mapErr(err, "webhook deliveries")
}

// RequeueWebhookDelivery makes delivery d of subscription id pending and
// due now (d zero: none, only wake the queue), and queues a job.
func (s *Store) RequeueWebhookDelivery(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.WebhookID, d helpdesk.WebhookDeliveryID, now time.Time) error {
	const q = `UPDATE webhook_deliveries SET state = 'pending', next_at = $4, created_at = $4, attempts = 0, finished_at = NULL
		WHERE tenant_id = $1 AND subscription_id = $2 AND id = $3`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if d != 0 {
			tag, err := tx.Exec(ctx, q, int64(tenant), int64(id), int64(d), now)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return pgx.ErrNoRows
			}
		}
		return s.enqueueWebhook(ctx, tx, tenant, id)
	})
	return mapErr(err, "requeue webhook delivery %d", d)
}
