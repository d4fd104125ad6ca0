package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// apiWebhookRoutes manage the desk's webhooks through the API (scope
// webhooks:admin), with the same rules as the admin pages.
func (s *Server) apiWebhookRoutes(r chi.Router) {
	r.Get("/webhooks", s.api(helpdesk.ScopeWebhooksAdmin, s.apiWebhooks))
	r.Post("/webhooks", s.api(helpdesk.ScopeWebhooksAdmin, s.apiCreateWebhook))
	r.Get("/webhooks/{id}", s.api(helpdesk.ScopeWebhooksAdmin, s.apiWebhook))
	r.Patch("/webhooks/{id}", s.api(helpdesk.ScopeWebhooksAdmin, s.apiUpdateWebhook))
	r.Post("/webhooks/{id}/test", s.api(helpdesk.ScopeWebhooksAdmin, s.apiTestWebhook))
}

type apiWebhook struct {
	ID             int64             `json:"id"`
	URL            string            `json:"url"`
	Events         []string          `json:"events"`
	GroupID        *int64            `json:"group_id"`
	CategoryID     *int64            `json:"category_id"`
	Active         bool              `json:"active"`
	DisabledReason string            `json:"disabled_reason"`
	CreatedAt      string            `json:"created_at"`
	Secret         string            `json:"secret,omitempty"`
	Deliveries     []apiHookDelivery `json:"deliveries,omitempty"`
}

type apiHookDelivery struct {
	ID        int64  `json:"id"`
	EventID   string `json:"event_id"`
	Event     string `json:"event"`
	State     string `json:"state"`
	Attempts  int    `json:"attempts"`
	Status    int    `json:"last_status"`
	LatencyMS int64  `json:"last_latency_ms"`
	Response  string `json:"last_response"`
	Error     string `json:"last_error"`
	CreatedAt string `json:"created_at"`
}

func toAPIWebhook(w helpdesk.Webhook) apiWebhook {
	return apiWebhook{ID: int64(w.ID), URL: w.URL, Events: w.Events, GroupID: optID(w.Group), CategoryID: optID(w.Category),
		Active: w.Active, DisabledReason: w.DisabledReason, CreatedAt: w.CreatedAt.UTC().Format(timeJSON)}
}

const timeJSON = "2006-01-02T15:04:05.999999Z07:00"

type apiWebhookIn struct {
	URL        *string   `json:"url"`
	Events     *[]string `json:"events"`
	GroupID    *int64    `json:"group_id"`
	CategoryID *int64    `json:"category_id"`
	Active     *bool     `json:"active"`
}

// input applies in's members over base.
func (in apiWebhookIn) input(base helpdesk.WebhookInput) helpdesk.WebhookInput {
	if in.URL != nil {
		base.URL = *in.URL
	}
	if in.Events != nil {
		base.Events = *in.Events
	}
	if in.GroupID != nil {
		base.Group = helpdesk.GroupID(*in.GroupID)
	}
	if in.CategoryID != nil {
		base.Category = helpdesk.CategoryID(*in.CategoryID)
	}
	if in.Active != nil {
		base.Active = *in.Active
	}
	return base
}

func (s *Server) apiWebhooks(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	hooks, err := s.svc.Webhooks(r.Context(), c.by)
	if err != nil {
		return err
	}
	out := apiList[apiWebhook]{Data: []apiWebhook{}}
	for _, h := range hooks {
		out.Data = append(out.Data, toAPIWebhook(h))
	}
	return apiJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateWebhook(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	var in apiWebhookIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	hook, secret, err := s.svc.CreateWebhook(r.Context(), c.by, in.input(helpdesk.WebhookInput{Active: true}))
	if err != nil {
		return err
	}
	out := toAPIWebhook(hook)
	out.Secret = secret
	w.Header().Set("Location", tenantPath(c.tenant, "/api/v1/webhooks/"+idString(hook.ID)))
	return apiJSON(w, http.StatusCreated, out)
}

func (s *Server) apiWebhook(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	id, err := apiID(r)
	if err != nil {
		return err
	}
	hook, log, err := s.svc.WebhookLog(r.Context(), c.by, helpdesk.WebhookID(id), webhookLogSize)
	if err != nil {
		return err
	}
	out := toAPIWebhook(hook)
	out.Deliveries = []apiHookDelivery{}
	for _, d := range log {
		out.Deliveries = append(out.Deliveries, apiHookDelivery{ID: int64(d.ID), EventID: d.EventID, Event: d.Event, State: d.State,
			Attempts: d.Attempts, Status: d.LastStatus, LatencyMS: d.LastLatency.Milliseconds(), Response: d.LastResponse,
			Error: d.LastError, CreatedAt: d.CreatedAt.UTC().Format(timeJSON)})
	}
	return apiJSON(w, http.StatusOK, out)
}

func (s *Server) apiUpdateWebhook(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	id, err := apiID(r)
	if err != nil {
		return err
	}
	var in apiWebhookIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	old, _, err := s.svc.WebhookLog(r.Context(), c.by, helpdesk.WebhookID(id), 0)
	if err != nil {
		return err
	}
	base := helpdesk.WebhookInput{URL: old.URL, Events: old.Events, Group: old.Group, Category: old.Category, Active: old.Active}
	hook, err := s.svc.UpdateWebhook(r.Context(), c.by, helpdesk.WebhookID(id), in.input(base))
	if err != nil {
		return err
	}
	return apiJSON(w, http.StatusOK, toAPIWebhook(hook))
}

func (s *Server) apiTestWebhook(w http.ResponseWriter, r *http.Request, c *apiCall) error {
	id, err := apiID(r)
	if err != nil {
		return err
	}
	if err := s.svc.SendTestWebhook(r.Context(), c.by, helpdesk.WebhookID(id)); err != nil {
		return err
	}
	return apiJSON(w, http.StatusAccepted, map[string]bool{"queued": true})
}
