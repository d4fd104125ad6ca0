package helpdesk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestHookEventsOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		evs  []Event
		want []string
	}{
		{"created", []Event{{Kind: EventCreated}}, []string{HookTicketCreated}},
		{"reply that solves", []Event{{Kind: EventCommentAdded}, {Kind: EventStatusChanged, Field: FieldStatus}},
			[]string{HookReplied, HookStatusChanged}},
		{"reopen is a status change", []Event{{Kind: EventReopened, Field: FieldStatus}}, []string{HookStatusChanged}},
		{"assignment and group", []Event{{Kind: EventAssigned}, {Kind: EventGroupChanged}}, []string{HookAssigned, HookTicketUpdated}},
		{"two field changes, one update", []Event{{Kind: EventTagsChanged}, {Kind: EventPriorityOverridden}}, []string{HookTicketUpdated}},
		{"SLA", []Event{{Kind: EventSLAEscalated}, {Kind: EventSLABreached}}, []string{HookSLAWarning, HookSLABreach}},
		{"rating", []Event{{Kind: EventRated}}, []string{HookRatingReceived}},
		{"bookkeeping only", []Event{{Kind: EventNotificationQueued}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, hookEventsOf(tt.evs))
		})
	}
}

func TestWebhookBackoffFitsADay(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 30*time.Second, webhookBackoff(1))
	assert.Equal(t, time.Minute, webhookBackoff(2))
	assert.Equal(t, 6*time.Hour, webhookBackoff(20))
	var total time.Duration
	n := 0
	for total < WebhookMaxAge {
		n++
		total += webhookBackoff(n)
	}
	assert.Less(t, n, 20, "a day of retries is a dozen attempts or so")
}

func TestWebhookWantsAndURL(t *testing.T) {
	t.Parallel()
	w := Webhook{Active: true, Events: []string{HookTicketCreated}, Group: 3}
	assert.True(t, w.Wants(HookTicketCreated, 3, 9))
	assert.False(t, w.Wants(HookTicketCreated, 4, 9), "another group's ticket")
	assert.False(t, w.Wants(HookReplied, 3, 9))
	w.Active = false
	assert.False(t, w.Wants(HookTicketCreated, 3, 9))
	for _, u := range []string{"https://crm.example.com/hook", "http://10.0.0.1:8080/x"} {
		assert.NoError(t, CheckWebhookURL(u), u)
	}
	for _, u := range []string{"ftp://x", "https://user:pw@example.com", "https://example.com/#frag", "javascript:alert(1)", "https:///nohost", "https://ex ample.com"} {
		assert.Error(t, CheckWebhookURL(u), u)
	}
	assert.Equal(t, SignWebhook("s", "1", []byte("{}")), SignWebhook("s", "1", []byte("{}")))
	assert.NotEqual(t, SignWebhook("s", "1", []byte("{}")), SignWebhook("s", "2", []byte("{}")))
}

func TestValidIdempotencyKey(t *testing.T) {
	t.Parallel()
	assert.True(t, ValidIdempotencyKey("7f1c-abc_DEF.123"))
	for _, k := range []string{"", "con espacio", "tab\t", "ñ", string(make([]byte, 256))} {
		assert.False(t, ValidIdempotencyKey(k), "%q", k)
	}
}
