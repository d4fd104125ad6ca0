package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// WebhookSender posts one signed delivery; internal/webhook implements it
// over HTTP behind the outbound address guard.
type WebhookSender interface {
	Send(ctx context.Context, url string, headers map[string]string, body []byte) WebhookAttempt
}

// webhookConfig is what WithWebhooks wires.
type webhookConfig struct {
	sender    WebhookSender
	checkHost func(ctx context.Context, host string) error
}

// WithWebhooks wires the sender and the check of a target's host (the
// outbound guard, refusing internal addresses). Without it subscriptions
// can be managed and deliveries queue, but nothing is sent.
func WithWebhooks(sender WebhookSender, checkHost func(ctx context.Context, host string) error) Option {
	return func(s *Service) { s.hooks = webhookConfig{sender: sender, checkHost: checkHost} }
}

// CreateWebhook adds a subscription and returns its signing secret, shown
// once.
func (s *Service) CreateWebhook(ctx context.Context, by Actor, in WebhookInput) (Webhook, string, error) {
	secret := newWebhookSecret()
	var out Webhook
	err := s.adminTx(ctx, by, "create webhook", func(tx Store) error {
		w, err := s.webhook(ctx, tx, by, in)
		if err != nil {
			return err
		}
		if w.Secret, err = s.seal(secret); err != nil {
			return err
		}
		w.CreatedAt = s.now()
		if out, err = tx.SaveWebhook(ctx, by.Tenant, w); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "webhook.create", ObjectKind: "webhook", ObjectID: int64(out.ID),
			ObjectLabel: out.URL, After: webhookAudit(out)})
	})
	if err != nil {
		return Webhook{}, "", err
	}
	return out, secret, nil
}

// UpdateWebhook changes a subscription's target, events, filters and
// switch; switching it back on clears its failures and resumes delivery.
func (s *Service) UpdateWebhook(ctx context.Context, by Actor, id WebhookID, in WebhookInput) (Webhook, error) {
	var out Webhook
	err := s.adminTx(ctx, by, "update webhook", func(tx Store) error {
		old, err := tx.Webhook(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		w, err := s.webhook(ctx, tx, by, in)
		if err != nil {
			return err
		}
		w.ID, w.Secret, w.OldSecret, w.OldUntil, w.CreatedAt = old.ID, old.Secret, old.OldSecret, old.OldUntil, old.CreatedAt
		w.Failures, w.DisabledReason = old.Failures, old.DisabledReason
		if w.Active && !old.Active {
			w.Failures, w.DisabledReason = 0, ""
		}
		if out, err = tx.SaveWebhook(ctx, by.Tenant, w); err != nil {
			return err
		}
		if w.Active && !old.Active {
			// Deliveries waited while it was off: wake the queue.
			if err := tx.RequeueWebhookDelivery(ctx, by.Tenant, id, 0, s.now()); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "webhook.update", ObjectKind: "webhook", ObjectID: int64(out.ID),
			ObjectLabel: out.URL, Before: webhookAudit(old), After: webhookAudit(out)})
	})
	return out, err
}

// Webhooks lists the desk's subscriptions, for admins.
func (s *Service) Webhooks(ctx context.Context, by Actor) ([]Webhook, error) {
	var out []Webhook
	err := s.adminTx(ctx, by, "webhooks", func(tx Store) error {
		var err error
		out, err = tx.Webhooks(ctx, by.Tenant)
		return err
	})
	return out, err
}

// WebhookLog returns a subscription and its latest deliveries, for admins.
func (s *Service) WebhookLog(ctx context.Context, by Actor, id WebhookID, limit int) (Webhook, []WebhookDelivery, error) {
	var w Webhook
	var ds []WebhookDelivery
	err := s.adminTx(ctx, by, "webhook log", func(tx Store) error {
		var err error
		if w, err = tx.Webhook(ctx, by.Tenant, id); err != nil {
			return err
		}
		ds, err = tx.WebhookDeliveries(ctx, by.Tenant, id, limit)
		return err
	})
	return w, ds, err
}

// DeleteWebhook removes a subscription and its log.
func (s *Service) DeleteWebhook(ctx context.Context, by Actor, id WebhookID) error {
	return s.adminTx(ctx, by, "delete webhook", func(tx Store) error {
		old, err := tx.Webhook(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteWebhook(ctx, by.Tenant, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "webhook.delete", ObjectKind: "webhook", ObjectID: int64(id),
			ObjectLabel: old.URL, Before: webhookAudit(old)})
	})
}

// RotateWebhookSecret gives a subscription a new secret, shown once; the
// old one keeps signing (as a second signature) for WebhookSecretOverlap.
func (s *Service) RotateWebhookSecret(ctx context.Context, by Actor, id WebhookID) (string, error) {
	secret := newWebhookSecret()
	err := s.adminTx(ctx, by, "rotate webhook secret", func(tx Store) error {
		w, err := tx.Webhook(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		w.OldSecret, w.OldUntil = w.Secret, s.now().Add(WebhookSecretOverlap)
		if w.Secret, err = s.seal(secret); err != nil {
			return err
		}
		if _, err := tx.SaveWebhook(ctx, by.Tenant, w); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "webhook.rotate", ObjectKind: "webhook", ObjectID: int64(id),
			ObjectLabel: w.URL, After: AuditValues{"old_secret_until": w.OldUntil.Format(time.RFC3339)}})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// SendTestWebhook queues a test event to a subscription, whatever events it
// takes.
func (s *Service) SendTestWebhook(ctx context.Context, by Actor, id WebhookID) error {
	return s.adminTx(ctx, by, "test webhook", func(tx Store) error {
		w, err := tx.Webhook(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		now := s.now()
		ev := newEventID()
		body, err := hookPayload(ev, HookTest, now, nil, nil)
		if err != nil {
			return err
		}
		_, err = tx.InsertWebhookDelivery(ctx, by.Tenant, WebhookDelivery{Webhook: w.ID, EventID: ev, Event: HookTest,
			Payload: body, State: "pending", NextAt: now, CreatedAt: now})
		return err
	})
}

// ResendWebhookDelivery sends a delivery again (same event id), now.
func (s *Service) ResendWebhookDelivery(ctx context.Context, by Actor, id WebhookID, d WebhookDeliveryID) error {
	if d <= 0 {
		return fmt.Errorf("helpdesk: resend: %w", ErrNotFound)
	}
	return s.adminTx(ctx, by, "resend webhook delivery", func(tx Store) error {
		return tx.RequeueWebhookDelivery(ctx, by.Tenant, id, d, s.now())
	})
}

// webhookBackoff is the wait before attempt n+1: 30 s doubling, at most
// 6 h, so about a dozen attempts fit in WebhookMaxAge.
func webhookBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// webhookLease bounds one worker's hold on a subscription's queue.
const webhookLease = 2 * time.Minute

// DeliverWebhooks sends a subscription's pending deliveries in order, one
// at a time, for the delivery job: an event is never sent before an older
// one of the same subscription has been delivered or given up, so each
// ticket's events arrive in order. It returns when to run again (zero:
// nothing left).
func (s *Service) DeliverWebhooks(ctx context.Context, tenant TenantID, id WebhookID) (time.Duration, error) {
	if s.hooks.sender == nil {
		return 0, nil
	}
	var leased bool
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		leased, err = tx.LeaseWebhook(ctx, tenant, id, s.now(), s.now().Add(webhookLease))
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return 0, nil // deleted, or switched off: its deliveries wait
	}
	if err != nil || !leased {
		return 2 * time.Second, err
	}
	defer func() {
		_ = s.store.InTx(context.WithoutCancel(ctx), tenant, func(tx Store) error { return tx.ReleaseWebhook(ctx, tenant, id) })
	}()
	for range 100 {
		wait, err := s.deliverNext(ctx, tenant, id)
		switch {
		case err != nil:
			return 0, err
		case wait < 0:
			return 0, nil
		case wait > 0:
			return wait, nil
		}
	}
	return time.Second, nil
}

// errNoDelivery ends the queue.
var errNoDelivery = errors.New("no pending delivery")

// deliverNext sends the oldest pending delivery if due; it returns the wait
// before the next try, -1 as "done", or 0 to go on.
func (s *Service) deliverNext(ctx context.Context, tenant TenantID, id WebhookID) (time.Duration, error) {
	var w Webhook
	var d WebhookDelivery
	err := s.store.InTx(ctx, tenant, func(tx Store) error {
		var err error
		if w, err = tx.Webhook(ctx, tenant, id); err != nil {
			return err
		}
		if !w.Active {
			return errNoDelivery
		}
		d, err = tx.NextWebhookDelivery(ctx, tenant, id)
		if errors.Is(err, ErrNotFound) {
			return errNoDelivery
		}
		return err
	})
	if errors.Is(err, errNoDelivery) || errors.Is(err, ErrNotFound) {
		return -1, nil
	}
	if err != nil {
		return 0, err
	}
	now := s.now()
	if d.NextAt.After(now) {
		return d.NextAt.Sub(now), nil
	}
	headers, err := s.signHeaders(w, d, now)
	if err != nil {
		return 0, err
	}
	a := s.hooks.sender.Send(ctx, w.URL, headers, d.Payload)
	now = s.now()
	d.Attempts++
	d.LastStatus, d.LastLatency, d.LastResponse, d.LastError = a.Status, a.Latency, clip(a.Response, 1000), clip(a.Err, 500)
	var wait time.Duration
	switch {
	case a.OK():
		d.State, d.FinishedAt, w.Failures = "delivered", now, 0
	case now.Sub(d.CreatedAt) >= WebhookMaxAge:
		d.State, d.FinishedAt = "failed", now
		w.Failures++
	default:
		w.Failures++
		d.NextAt = now.Add(webhookBackoff(d.Attempts))
		wait = d.NextAt.Sub(now)
	}
	// A receiver that failed a whole day, or that many times in a row, is
	// switched off: its deliveries wait until an admin turns it back on.
	disable := w.Active && (w.Failures >= WebhookDisableAfter || d.State == "failed")
	if disable {
		w.Active, w.DisabledReason = false, "failures:"+strconv.Itoa(w.Failures)
	}
	err = s.store.InTx(ctx, tenant, func(tx Store) error {
		if err := tx.RecordWebhookAttempt(ctx, tenant, d, w); err != nil {
			return err
		}
		if !disable {
			return nil
		}
		// The admins' notice: the audit log and the webhook page say why.
		return s.audit(ctx, tx, System(tenant), AuditEntry{Action: "webhook.disable", ObjectKind: "webhook",
			ObjectID: int64(w.ID), ObjectLabel: w.URL, After: AuditValues{"active": "false", "reason": w.DisabledReason}})
	})
	if err != nil || disable {
		return -1, err
	}
	return wait, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
