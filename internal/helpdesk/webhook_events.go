package helpdesk

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Webhook headers. The signature is HMAC-SHA256 with the subscription's
// secret over "<timestamp>.<body>", hex-encoded: "t=<unix seconds>,v1=<hex>"
// and, while a rotated secret overlaps, a second v1 with the old one.
const (
	HookHeaderEvent     = "Atiende-Event"
	HookHeaderDelivery  = "Atiende-Event-Id"
	HookHeaderSignature = "Atiende-Signature"
)

// newEventID names one occurrence of an event; retries and re-sends keep it,
// so receivers can drop duplicates.
func newEventID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "evt_" + hex.EncodeToString(b)
}

// hookTicket is a ticket as deliveries show it.
type hookTicket struct {
	Number    int64    `json:"number"`
	Subject   string   `json:"subject"`
	Status    string   `json:"status"`
	Priority  string   `json:"priority"`
	Channel   string   `json:"channel"`
	Group     int64    `json:"group_id,omitempty"`
	Assignee  int64    `json:"assignee_id,omitempty"`
	Category  int64    `json:"category_id,omitempty"`
	Tags      []string `json:"tags"`
	Version   int      `json:"version"`
	Updated   string   `json:"updated_at"`
	Requester struct {
		ID    int64  `json:"id,omitempty"`
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"requester"`
}

type hookChange struct {
	Kind  string `json:"kind"`
	Field string `json:"field,omitempty"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
	Actor string `json:"actor"`
}

// hookPayload is a delivery's body.
func hookPayload(id, event string, at time.Time, t *Ticket, changes []Event) ([]byte, error) {
	body := struct {
		ID      string       `json:"id"`
		Type    string       `json:"type"`
		At      string       `json:"created_at"`
		Ticket  *hookTicket  `json:"ticket,omitempty"`
		Changes []hookChange `json:"changes,omitempty"`
	}{ID: id, Type: event, At: at.UTC().Format(time.RFC3339Nano)}
	if t != nil {
		ht := &hookTicket{Number: int64(t.Number), Subject: t.Subject, Status: t.Status.String(), Priority: t.Priority.String(),
			Channel: t.Channel.String(), Group: int64(t.Group), Assignee: int64(t.Assignee), Category: int64(t.Category),
			Tags: t.Tags, Version: t.Version, Updated: t.UpdatedAt.UTC().Format(time.RFC3339Nano)}
		if ht.Tags == nil {
			ht.Tags = []string{}
		}
		ht.Requester.ID, ht.Requester.Name, ht.Requester.Email = int64(t.Requester.User), t.Requester.Name, t.Requester.Email
		body.Ticket = ht
	}
	for _, e := range changes {
		body.Changes = append(body.Changes, hookChange{Kind: e.Kind.String(), Field: e.Field, From: e.From, To: e.To, Actor: e.Actor.Name})
	}
	return json.Marshal(body)
}

// hookEventsOf maps a saved change's history events to webhook events, in
// order, each once; anything else that changed the ticket is
// ticket.updated.
func hookEventsOf(evs []Event) []string {
	var out []string
	add := func(e string) {
		for _, o := range out {
			if o == e {
				return
			}
		}
		out = append(out, e)
	}
	for _, e := range evs {
		switch {
		case e.Kind == EventCreated:
			add(HookTicketCreated)
		case e.Field == FieldStatus:
			add(HookStatusChanged)
		case e.Kind == EventAssigned:
			add(HookAssigned)
		case e.Kind == EventCommentAdded:
			add(HookReplied)
		case e.Kind == EventSLAEscalated:
			add(HookSLAWarning)
		case e.Kind == EventSLABreached:
			add(HookSLABreach)
		case e.Kind == EventRated:
			add(HookRatingReceived)
		case e.Kind == EventNotificationQueued || e.Kind == EventAutomation:
		default:
			add(HookTicketUpdated)
		}
	}
	return out
}

// queueWebhooks queues, in the change's transaction, a delivery of each
// event to each subscription that wants it. Without subscriptions it costs
// one indexed read.
func queueWebhooks(ctx context.Context, tx Store, t Ticket, evs []Event, now time.Time) error {
	kinds := hookEventsOf(evs)
	if len(kinds) == 0 {
		return nil
	}
	subs, err := tx.Webhooks(ctx, t.Tenant)
	if err != nil {
		return fmt.Errorf("helpdesk: webhooks: %w", err)
	}
	for _, kind := range kinds {
		var id string
		var body []byte
		for _, w := range subs {
			if !w.Wants(kind, t.Group, t.Category) {
				continue
			}
			if id == "" {
				id = newEventID()
				if body, err = hookPayload(id, kind, now, &t, evs); err != nil {
					return err
				}
			}
			if _, err := tx.InsertWebhookDelivery(ctx, t.Tenant, WebhookDelivery{Webhook: w.ID, EventID: id, Event: kind,
				Ticket: t.ID, Payload: body, State: "pending", NextAt: now, CreatedAt: now}); err != nil {
				return fmt.Errorf("helpdesk: queue webhook %s: %w", kind, err)
			}
		}
	}
	return nil
}

// signHeaders signs d for w at now.
func (s *Service) signHeaders(w Webhook, d WebhookDelivery, now time.Time) (map[string]string, error) {
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := "t=" + ts
	secrets := []string{w.Secret}
	if w.OldSecret != "" && now.Before(w.OldUntil) {
		secrets = append(secrets, w.OldSecret)
	}
	for _, sealed := range secrets {
		key, err := s.unseal(sealed)
		if err != nil {
			return nil, err
		}
		sig += ",v1=" + SignWebhook(key, ts, d.Payload)
	}
	return map[string]string{"Content-Type": "application/json", HookHeaderEvent: d.Event,
		HookHeaderDelivery: d.EventID, HookHeaderSignature: sig}, nil
}

// SignWebhook is the hex HMAC-SHA256 of "<timestamp>.<body>" under secret,
// as receivers compute it to verify a delivery.
func SignWebhook(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
