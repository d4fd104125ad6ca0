package helpdesk_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Edge cases of the reply-time and touch rules, in calendar hours (no
// policy): the worked examples with a business calendar are the fixture
// desk of internal/postgres/reports_test.go.
func TestComputeMetricsReplyAndTouchRules(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	agent := helpdesk.Author{Kind: helpdesk.AuthorAgent, User: 7}
	other := helpdesk.Author{Kind: helpdesk.AuthorAgent, User: 8}
	cust := helpdesk.Author{Kind: helpdesk.AuthorCustomer, User: 3}
	status := func(by helpdesk.Author, min int, from, to helpdesk.Status) helpdesk.Event {
		kind := helpdesk.EventStatusChanged
		if from == helpdesk.StatusSolved && to != helpdesk.StatusClosed {
			kind = helpdesk.EventReopened
		}
		return helpdesk.Event{Kind: kind, Actor: by, At: at(min), Field: helpdesk.FieldStatus, From: string(from), To: string(to)}
	}
	comment := func(by helpdesk.Author, min int) helpdesk.Event {
		return helpdesk.Event{Kind: helpdesk.EventCommentAdded, Actor: by, At: at(min)}
	}
	d := func(min int) helpdesk.Durations {
		return helpdesk.Durations{Calendar: time.Duration(min) * time.Minute, Business: time.Duration(min) * time.Minute}
	}
	tests := []struct {
		name    string
		events  []helpdesk.Event
		replies []helpdesk.Durations
		touches int
		fcr     *bool
	}{
		{
			name: "an agent creating the ticket is no touch; a second requester message does not restart the wait",
			events: []helpdesk.Event{
				{Kind: helpdesk.EventCreated, Actor: agent, At: at(0)},
				{Kind: helpdesk.EventAssigned, Actor: agent, At: at(0)},
				comment(cust, 10), comment(agent, 30), status(agent, 30, helpdesk.StatusNew, helpdesk.StatusOpen),
			},
			replies: []helpdesk.Durations{d(30)}, touches: 1,
		},
		{
			name: "two agent replies in a row measure once; two agents at one instant are two touches",
			events: []helpdesk.Event{
				{Kind: helpdesk.EventCreated, Actor: cust, At: at(0)},
				comment(agent, 20), comment(agent, 25), {Kind: helpdesk.EventNoteAdded, Actor: other, At: at(25)},
				comment(cust, 60), comment(agent, 90),
			},
			replies: []helpdesk.Durations{d(20), d(30)}, touches: 4,
		},
		{
			name: "a solution without a reply ends the wait unmeasured",
			events: []helpdesk.Event{
				{Kind: helpdesk.EventCreated, Actor: cust, At: at(0)},
				status(agent, 15, helpdesk.StatusNew, helpdesk.StatusSolved),
				comment(cust, 100), status(cust, 100, helpdesk.StatusSolved, helpdesk.StatusOpen),
				comment(agent, 130), status(agent, 130, helpdesk.StatusOpen, helpdesk.StatusSolved),
			},
			replies: []helpdesk.Durations{d(30)}, touches: 2, fcr: new(bool),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := helpdesk.ComputeMetrics(helpdesk.MetricInput{
				Ticket: helpdesk.Ticket{ID: 1, Number: 1, CreatedAt: t0, Priority: helpdesk.PriorityNormal},
				Events: tt.events,
			})
			assert.Equal(t, tt.replies, m.Replies)
			assert.Equal(t, tt.touches, m.Touches)
			assert.Equal(t, tt.fcr, m.FCR)
		})
	}
}
