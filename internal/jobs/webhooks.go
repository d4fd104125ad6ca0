package jobs

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/netguard"
)

// WebhookDeliverer sends a subscription's pending deliveries
// (helpdesk.Service.DeliverWebhooks); it returns when to try again.
type WebhookDeliverer interface {
	DeliverWebhooks(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.WebhookID) (time.Duration, error)
}

// WebhookArgs is the delivery job: send subscription Webhook's queue. The
// store inserts it (postgres.WebhookJob, the same kind and fields) in the
// transaction that queues a delivery.
type WebhookArgs struct {
	Tenant  helpdesk.TenantID  `json:"tenant"`
	Webhook helpdesk.WebhookID `json:"webhook"`
}

// Kind names the job in the queue.
func (WebhookArgs) Kind() string { return "webhook" }

type webhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	d WebhookDeliverer
}

// Work drains the queue; a delivery that failed, or a queue another worker
// holds, snoozes the job until it is due (River does not count a snooze as
// an attempt, so the domain's backoff, not River's, paces retries).
func (w *webhookWorker) Work(ctx context.Context, j *river.Job[WebhookArgs]) error {
	wait, err := w.d.DeliverWebhooks(ctx, j.Args.Tenant, j.Args.Webhook)
	if err != nil {
		return err
	}
	if wait > 0 {
		return river.JobSnooze(wait)
	}
	return nil
}

// RegisterWebhooks adds the webhook delivery worker.
func RegisterWebhooks(reg *Registry, d WebhookDeliverer) {
	river.AddWorker(reg.Workers(), &webhookWorker{d: d})
}

// HTTPSender posts webhook deliveries through the outbound guard.
type HTTPSender struct {
	client *http.Client
}

// NewHTTPSender returns a sender with a 10 s timeout; allowPrivate lets it
// reach internal addresses (tests with a loopback receiver only).
func NewHTTPSender(allowPrivate bool) *HTTPSender {
	return &HTTPSender{client: netguard.HTTPClient(allowPrivate, 10*time.Second)}
}

// Send posts body with headers and reports the outcome; it never returns
// an error, only an attempt that says what went wrong.
func (s *HTTPSender) Send(ctx context.Context, url string, headers map[string]string, body []byte) helpdesk.WebhookAttempt {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return helpdesk.WebhookAttempt{Err: err.Error()}
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", "Atiende-Webhooks/1")
	res, err := s.client.Do(req)
	if err != nil {
		return helpdesk.WebhookAttempt{Err: err.Error(), Latency: time.Since(start)}
	}
	defer res.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return helpdesk.WebhookAttempt{Status: res.StatusCode, Latency: time.Since(start), Response: string(bytes.ToValidUTF8(excerpt, nil))}
}
