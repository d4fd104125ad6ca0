package helpdesk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookID identifies a webhook subscription inside a tenant.
type WebhookID int64

// WebhookDeliveryID identifies one delivery of an event to a subscription.
type WebhookDeliveryID int64

// The events a subscription may ask for.
const (
	HookTicketCreated  = "ticket.created"
	HookTicketUpdated  = "ticket.updated"
	HookStatusChanged  = "ticket.status_changed"
	HookAssigned       = "ticket.assigned"
	HookReplied        = "ticket.replied"
	HookSLAWarning     = "sla.warning"
	HookSLABreach      = "sla.breach"
	HookRatingReceived = "rating.received"
	// HookTest is the "send test event" delivery; nobody subscribes to it.
	HookTest = "webhook.test"
	// HookRuleFired is a delivery an automation rule sends to a chosen
	// subscription; nobody subscribes to it either.
	HookRuleFired = "automation.rule"
)

// WebhookEvents lists the events in the order the admin page offers them.
func WebhookEvents() []string {
	return []string{HookTicketCreated, HookTicketUpdated, HookStatusChanged, HookAssigned, HookReplied,
		HookSLAWarning, HookSLABreach, HookRatingReceived}
}

// Webhook limits.
const (
	// WebhookMaxAge is how long a delivery is retried before it fails.
	WebhookMaxAge = 24 * time.Hour
	// WebhookDisableAfter consecutive failed attempts disable a
	// subscription, as does a delivery given up after WebhookMaxAge.
	WebhookDisableAfter = 15
	// WebhookSecretOverlap is how long the previous secret still signs
	// after a rotation, so receivers can switch without losing events.
	WebhookSecretOverlap = 24 * time.Hour
	maxWebhookURL        = 2000
)

// Webhook is a subscription: where to send which events of the desk,
// optionally only for one group's or one category's tickets.
type Webhook struct {
	ID       WebhookID
	URL      string
	Events   []string
	Group    GroupID    // 0: any
	Category CategoryID // 0: any
	// Secret and OldSecret are sealed (see SecretBox) when the desk has a
	// box; OldSecret still signs until OldUntil.
	Secret    string
	OldSecret string
	OldUntil  time.Time
	Active    bool
	// Failures counts consecutive failed attempts; DisabledReason says why
	// the subscription was switched off automatically.
	Failures       int
	DisabledReason string
	CreatedAt      time.Time
}

// Wants reports whether w takes event about a ticket of group and category.
func (w Webhook) Wants(event string, group GroupID, category CategoryID) bool {
	return w.Active && slices.Contains(w.Events, event) &&
		(w.Group == 0 || w.Group == group) && (w.Category == 0 || w.Category == category)
}

// WebhookDelivery is one event sent (or to send) to one subscription, with
// the outcome of its last attempt: the delivery log.
type WebhookDelivery struct {
	ID           WebhookDeliveryID
	Webhook      WebhookID
	EventID      string
	Event        string
	Ticket       TicketID
	Payload      []byte
	State        string // pending, delivered, failed
	Attempts     int
	NextAt       time.Time
	LastStatus   int
	LastLatency  time.Duration
	LastResponse string
	LastError    string
	CreatedAt    time.Time
	FinishedAt   time.Time
}

// WebhookAttempt is the outcome of one delivery attempt.
type WebhookAttempt struct {
	Status   int
	Latency  time.Duration
	Response string // the first bytes of the answer
	Err      string
}

// OK reports whether the receiver took the event (any 2xx).
func (a WebhookAttempt) OK() bool { return a.Err == "" && a.Status >= 200 && a.Status < 300 }

// WebhookStore persists subscriptions and their deliveries.
type WebhookStore interface {
	SaveWebhook(ctx context.Context, tenant TenantID, w Webhook) (Webhook, error)
	Webhooks(ctx context.Context, tenant TenantID) ([]Webhook, error)
	Webhook(ctx context.Context, tenant TenantID, id WebhookID) (Webhook, error)
	DeleteWebhook(ctx context.Context, tenant TenantID, id WebhookID) error
	// InsertWebhookDelivery queues d and the job that delivers it, in the
	// caller's transaction.
	InsertWebhookDelivery(ctx context.Context, tenant TenantID, d WebhookDelivery) (WebhookDelivery, error)
	// LeaseWebhook gives one worker the subscription's queue until until,
	// unless another holds an unexpired lease (false).
	LeaseWebhook(ctx context.Context, tenant TenantID, id WebhookID, now, until time.Time) (bool, error)
	ReleaseWebhook(ctx context.Context, tenant TenantID, id WebhookID) error
	// NextWebhookDelivery is the oldest pending delivery, or ErrNotFound.
	NextWebhookDelivery(ctx context.Context, tenant TenantID, id WebhookID) (WebhookDelivery, error)
	// RecordWebhookAttempt stores d's new state and the subscription's
	// failure count, active flag and reason.
	RecordWebhookAttempt(ctx context.Context, tenant TenantID, d WebhookDelivery, w Webhook) error
	WebhookDeliveries(ctx context.Context, tenant TenantID, id WebhookID, limit int) ([]WebhookDelivery, error)
	// RequeueWebhookDelivery makes a delivery pending again, due now, and
	// queues its job.
	RequeueWebhookDelivery(ctx context.Context, tenant TenantID, id WebhookID, d WebhookDeliveryID, now time.Time) error
}

// WebhookInput is the subscription form as typed.
type WebhookInput struct {
	URL      string
	Events   []string
	Group    GroupID
	Category CategoryID
	Active   bool
}

// CheckWebhookURL is the shape check of a target: http or https with a
// host, no credentials, no fragment. Where the host points is checked by
// the outbound guard (WithWebhooks), when saved and at every dial.
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.Fragment != "" || len(raw) > maxWebhookURL || strings.ContainsAny(raw, " \t\r\n") {
		return invalid("url", "webhook.error.url")
	}
	return nil
}

// webhook validates in.
func (s *Service) webhook(ctx context.Context, tx Store, by Actor, in WebhookInput) (Webhook, error) {
	w := Webhook{URL: strings.TrimSpace(in.URL), Group: in.Group, Category: in.Category, Active: in.Active}
	var v ValidationError
	if err := CheckWebhookURL(w.URL); err != nil {
		mergeValidation(&v, err)
	} else if s.hooks.checkHost != nil {
		u, _ := url.Parse(w.URL)
		if err := s.hooks.checkHost(ctx, u.Hostname()); err != nil {
			v.Add("url", "webhook.error.host")
		}
	}
	for _, e := range in.Events {
		if !slices.Contains(WebhookEvents(), e) {
			v.Add("events", "error.invalid")
		} else if !slices.Contains(w.Events, e) {
			w.Events = append(w.Events, e)
		}
	}
	if len(w.Events) == 0 {
		v.Add("events", "webhook.error.no_event")
	}
	if w.Group != 0 {
		if _, err := tx.Group(ctx, by.Tenant, w.Group); err != nil {
			v.Add("group", "error.invalid")
		}
	}
	if w.Category != 0 {
		if _, err := tx.Category(ctx, by.Tenant, w.Category); err != nil {
			v.Add("category", "error.invalid")
		}
	}
	return w, v.Err()
}

// newWebhookSecret returns a fresh signing secret.
func newWebhookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

func (s *Service) seal(secret string) (string, error) {
	if s.secrets == nil {
		return "plain:" + secret, nil
	}
	b, err := s.secrets.Seal([]byte(secret))
	if err != nil {
		return "", err
	}
	return "sealed:" + hex.EncodeToString(b), nil
}

func (s *Service) unseal(stored string) (string, error) {
	if p, ok := strings.CutPrefix(stored, "plain:"); ok {
		return p, nil
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(stored, "sealed:"))
	if err != nil || s.secrets == nil {
		return "", fmt.Errorf("helpdesk: webhook secret cannot be opened")
	}
	b, err := s.secrets.Open(raw)
	return string(b), err
}

func webhookAudit(w Webhook) AuditValues {
	return AuditValues{"url": w.URL, "events": strings.Join(w.Events, " "), "group": fmt.Sprint(int64(w.Group)),
		"category": fmt.Sprint(int64(w.Category)), "active": fmt.Sprint(w.Active)}
}
