package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
	"github.com/atiende/atiende/internal/netguard"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// receiver is a webhook endpoint on loopback that answers with the next
// status of its script (200 once the script runs out).
type receiver struct {
	mu     sync.Mutex
	script []int
	got    []received
	srv    *httptest.Server
}

type received struct {
	id, event, signature string
	body                 []byte
	status               int
}

func newReceiver(t *testing.T, script ...int) *receiver {
	rc := &receiver{script: script}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		status := http.StatusOK
		if len(rc.script) > 0 {
			status, rc.script = rc.script[0], rc.script[1:]
		}
		rc.got = append(rc.got, received{id: r.Header.Get(helpdesk.HookHeaderDelivery), event: r.Header.Get(helpdesk.HookHeaderEvent),
			signature: r.Header.Get(helpdesk.HookHeaderSignature), body: b, status: status})
		rc.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// verify is what a receiver does: recompute the HMAC of "t.body".
func verify(t *testing.T, secret string, r received) {
	t.Helper()
	var ts string
	var sigs []string
	for _, part := range strings.Split(r.signature, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	require.NotEmpty(t, ts)
	assert.Contains(t, sigs, helpdesk.SignWebhook(secret, ts, r.body), "the signature verifies")
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

type hookRig struct {
	svc    *helpdesk.Service
	clock  *clock
	tenant helpdesk.TenantID
	admin  helpdesk.Actor
}

// newHookRig builds a desk whose webhooks may reach private addresses
// (loopback receivers) only when allowPrivate.
func newHookRig(t *testing.T, allowPrivate ...bool) hookRig {
	allow := len(allowPrivate) == 0 || allowPrivate[0]
	pool := pgtest.New(t)
	store := postgres.New(pool)
	c := &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	svc := helpdesk.NewService(store, nil, c.Now, helpdesk.WithWebhooks(jobs.NewHTTPSender(allow), netguard.CheckHost(allow)))
	tn, admin, err := store.CreateTenant(context.Background(), helpdesk.Tenant{Slug: "acme", Name: "Acme", Language: "es", TimeZone: "UTC"},
		helpdesk.User{Email: "a@acme.example", Name: "Ana", Role: helpdesk.RoleAdmin, Active: true})
	require.NoError(t, err)
	return hookRig{svc: svc, clock: c, tenant: tn.ID, admin: admin.Actor()}
}

func (h hookRig) open(t *testing.T, subject string) helpdesk.Ticket {
	tk, err := h.svc.OpenTicket(context.Background(), h.admin, helpdesk.NewTicket{Subject: subject, Description: "Hola",
		Channel: helpdesk.ChannelPhone, Requester: helpdesk.Requester{Name: "Luis", Email: "luis@example.com"}})
	require.NoError(t, err)
	return tk
}

// A receiver that fails once: the event is retried after the backoff with
// the same id, the next event of the ticket waits behind it, and every
// delivery's signature verifies.
func TestWebhookRetriesInOrderWithOneEventID(t *testing.T) {
	t.Parallel()
	h := newHookRig(t)
	ctx := context.Background()
	rc := newReceiver(t, http.StatusInternalServerError)
	w, secret, err := h.svc.CreateWebhook(ctx, h.admin, helpdesk.WebhookInput{URL: rc.srv.URL + "/hook",
		Events: []string{helpdesk.HookTicketCreated, helpdesk.HookStatusChanged}, Active: true})
	require.NoError(t, err)
	tk := h.open(t, "Router")
	_, err = h.svc.ChangeStatus(ctx, h.admin, helpdesk.TicketVersion{Number: tk.Number}, helpdesk.StatusOpen)
	require.NoError(t, err)

	wait, err := h.svc.DeliverWebhooks(ctx, h.tenant, w.ID)
	require.NoError(t, err)
	assert.Equal(t, 30*time.Second, wait, "first backoff")
	require.Len(t, rc.received(), 1, "the second event waits behind the failed first")

	wait, err = h.svc.DeliverWebhooks(ctx, h.tenant, w.ID)
	require.NoError(t, err)
	assert.Equal(t, 30*time.Second, wait, "not due yet: nothing sent")
	require.Len(t, rc.received(), 1)

	h.clock.add(31 * time.Second)
	wait, err = h.svc.DeliverWebhooks(ctx, h.tenant, w.ID)
	require.NoError(t, err)
	assert.Zero(t, wait)
	got := rc.received()
	require.Len(t, got, 3)
	assert.Equal(t, got[0].id, got[1].id, "a retry keeps the event id")
	assert.NotEqual(t, got[1].id, got[2].id)
	assert.Equal(t, []string{"ticket.created", "ticket.created", "ticket.status_changed"}, []string{got[0].event, got[1].event, got[2].event})
	for _, r := range got {
		verify(t, secret, r)
	}
	var body struct {
		ID     string `json:"id"`
		Type   string `json:"type"`
		Ticket struct {
			Number  int64  `json:"number"`
			Channel string `json:"channel"`
		} `json:"ticket"`
	}
	require.NoError(t, json.Unmarshal(got[1].body, &body))
	assert.Equal(t, got[1].id, body.ID)
	assert.Equal(t, int64(tk.Number), body.Ticket.Number)

	_, log, err := h.svc.WebhookLog(ctx, h.admin, w.ID, 10)
	require.NoError(t, err)
	require.Len(t, log, 2)
	assert.Equal(t, "delivered", log[1].State)
	assert.Equal(t, 2, log[1].Attempts)
	assert.Equal(t, 200, log[1].LastStatus)
	assert.Contains(t, log[1].LastResponse, "ok")

	// Rotation: the old secret still signs for the overlap.
	newSecret, err := h.svc.RotateWebhookSecret(ctx, h.admin, w.ID)
	require.NoError(t, err)
	require.NoError(t, h.svc.SendTestWebhook(ctx, h.admin, w.ID))
	_, err = h.svc.DeliverWebhooks(ctx, h.tenant, w.ID)
	require.NoError(t, err)
	last := rc.received()[3]
	assert.Equal(t, helpdesk.HookTest, last.event)
	verify(t, newSecret, last)
	verify(t, secret, last)
}

// A receiver that always fails switches its subscription off, with a note
// in the audit log; deliveries then wait.
func TestWebhookDisablesAfterRepeatedFailure(t *testing.T) {
	t.Parallel()
	h := newHookRig(t)
	ctx := context.Background()
	script := make([]int, 40)
	for i := range script {
		script[i] = http.StatusServiceUnavailable
	}
	rc := newReceiver(t, script...)
	w, _, err := h.svc.CreateWebhook(ctx, h.admin, helpdesk.WebhookInput{URL: rc.srv.URL, Events: []string{helpdesk.HookTicketCreated}, Active: true})
	require.NoError(t, err)
	h.open(t, "Uno")
	for range 12 {
		_, err := h.svc.DeliverWebhooks(ctx, h.tenant, w.ID)
		require.NoError(t, err)
		h.clock.add(3 * time.Hour)
	}
	got, log, err := h.svc.WebhookLog(ctx, h.admin, w.ID, 10)
	require.NoError(t, err)
	assert.False(t, got.Active)
	assert.NotEmpty(t, got.DisabledReason)
	require.Len(t, log, 1)
	assert.Equal(t, "failed", log[0].State, "given up after 24 h")
	page, err := h.svc.AuditLog(ctx, h.admin, helpdesk.AuditQuery{Action: "webhook.disable"})
	require.NoError(t, err)
	assert.Len(t, page.Entries, 1)
	n := len(rc.received())
	h.open(t, "Dos")
	_, err = h.svc.DeliverWebhooks(ctx, h.tenant, w.ID)
	require.NoError(t, err)
	assert.Len(t, rc.received(), n, "a disabled subscription sends nothing")
}

// With the guard on, a loopback target is refused when saved and at dial
// time, and nothing reaches it.
func TestWebhookGuardRefusesLoopback(t *testing.T) {
	t.Parallel()
	h := newHookRig(t, false)
	ctx := context.Background()
	rc := newReceiver(t)
	port := rc.srv.URL[strings.LastIndex(rc.srv.URL, ":"):]
	for _, u := range []string{rc.srv.URL, "http://localhost" + port, "http://[::1]" + port, "http://169.254.169.254/latest"} {
		_, _, err := h.svc.CreateWebhook(ctx, h.admin, helpdesk.WebhookInput{URL: u, Events: []string{helpdesk.HookTicketCreated}, Active: true})
		var v *helpdesk.ValidationError
		require.ErrorAs(t, err, &v, u)
		assert.Contains(t, v.Fields, "url")
	}
	a := jobs.NewHTTPSender(false).Send(ctx, rc.srv.URL, nil, []byte("{}"))
	assert.Contains(t, a.Err, "netguard")
	assert.Empty(t, rc.received())
}

// The River worker delivers what a change queues.
func TestWebhookJobDelivers(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	store := postgres.New(pool)
	svc := helpdesk.NewService(store, nil, nil, helpdesk.WithWebhooks(jobs.NewHTTPSender(true), netguard.CheckHost(true)))
	ctx := context.Background()
	tn, admin, err := store.CreateTenant(ctx, helpdesk.Tenant{Slug: "acme", Name: "Acme", Language: "es", TimeZone: "UTC"},
		helpdesk.User{Email: "a@acme.example", Name: "Ana", Role: helpdesk.RoleAdmin, Active: true})
	require.NoError(t, err)
	_ = tn
	rc := newReceiver(t)
	_, _, err = svc.CreateWebhook(ctx, admin.Actor(), helpdesk.WebhookInput{URL: rc.srv.URL, Events: []string{helpdesk.HookTicketCreated}, Active: true})
	require.NoError(t, err)
	reg := jobs.NewRegistry()
	jobs.RegisterWebhooks(reg, svc)
	start(t, pool, reg)
	_, err = svc.OpenTicket(ctx, admin.Actor(), helpdesk.NewTicket{Subject: "Por River", Description: "x", Channel: helpdesk.ChannelAPI,
		Requester: helpdesk.Requester{Name: "Luis", Email: "luis@example.com"}})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(rc.received()) == 1 }, 10*time.Second, 50*time.Millisecond)
}
