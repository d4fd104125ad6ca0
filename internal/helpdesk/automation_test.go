package helpdesk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRuleMatches(t *testing.T) {
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	tk := Ticket{Tenant: tenantA, Status: StatusPending, Priority: PriorityHigh, Channel: ChannelEmail,
		Category: 4, Group: 2, Subject: "Factura de marzo", Tags: []string{"vip"},
		Requester: Requester{Email: "Rosa@Example.com"},
		CreatedAt: now.Add(-72 * time.Hour), UpdatedAt: now.Add(-2 * time.Hour),
		StatusChangedAt: now.Add(-30 * time.Hour)}
	cond := func(f CondField, op Operator, v string) Rule {
		return Rule{Kind: RuleTrigger, Conditions: []Condition{{Field: f, Op: op, Value: v}}}
	}
	tests := []struct {
		name string
		r    Rule
		want bool
	}{
		{"no conditions", Rule{Kind: RuleTrigger}, true},
		{"status is", cond(CondStatus, OpIs, "pending"), true},
		{"status is not", cond(CondStatus, OpIsNot, "pending"), false},
		{"priority", cond(CondPriority, OpIs, "high"), true},
		{"category id", cond(CondCategory, OpIs, "4"), true},
		{"no assignee", cond(CondAssignee, OpIs, "0"), true},
		{"group", cond(CondGroup, OpIsNot, "2"), false},
		{"channel", cond(CondChannel, OpIs, "email"), true},
		{"requester domain", cond(CondRequesterEmail, OpContains, "@example.com"), true},
		{"requester exact, any case", cond(CondRequesterEmail, OpIs, "rosa@example.com"), true},
		{"subject contains, any case", cond(CondSubject, OpContains, "factura"), true},
		{"subject lacks", cond(CondSubject, OpNotContains, "factura"), false},
		{"body", cond(CondBody, OpContains, "urgente"), true},
		{"has tag", cond(CondTag, OpContains, "vip"), true},
		{"lacks tag", cond(CondTag, OpNotContains, "vip"), false},
		{"all must hold", Rule{Kind: RuleTrigger, Conditions: []Condition{{Field: CondStatus, Op: OpIs, Value: "pending"}, {Field: CondPriority, Op: OpIs, Value: "low"}}}, false},
		{"any: one is enough", Rule{Kind: RuleTrigger, MatchAny: true, Conditions: []Condition{{Field: CondStatus, Op: OpIs, Value: "pending"}, {Field: CondPriority, Op: OpIs, Value: "low"}}}, true},
		{"any: none holds", Rule{Kind: RuleTrigger, MatchAny: true, Conditions: []Condition{{Field: CondStatus, Op: OpIs, Value: "open"}, {Field: CondPriority, Op: OpIs, Value: "low"}}}, false},
		{"any with no conditions", Rule{Kind: RuleTrigger, MatchAny: true}, true},
		{"pending 24 h: due", Rule{Kind: RuleTimed, Anchor: AnchorPending, Minutes: 24 * 60}, true},
		{"pending 48 h: not yet", Rule{Kind: RuleTimed, Anchor: AnchorPending, Minutes: 48 * 60}, false},
		{"updated 1 h", Rule{Kind: RuleTimed, Anchor: AnchorUpdated, Minutes: 1 * 60}, true},
		{"updated 3 h", Rule{Kind: RuleTimed, Anchor: AnchorUpdated, Minutes: 3 * 60}, false},
		{"created 72 h, exactly", Rule{Kind: RuleTimed, Anchor: AnchorCreated, Minutes: 72 * 60}, true},
		{"solved anchor on a pending ticket", Rule{Kind: RuleTimed, Anchor: AnchorSolved, Minutes: 1 * 60}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.r.Matches(&tk, MatchInput{Body: "Es URGENTE", Now: now}))
		})
	}
	closed := tk
	closed.Status = StatusClosed
	assert.False(t, Rule{Kind: RuleTrigger}.Matches(&closed, MatchInput{Now: now}), "closed tickets are read-only")
}

func TestRuleOn(t *testing.T) {
	both := Rule{Event: OnCreatedOrUpdated}
	assert.True(t, both.On(OnCreated))
	assert.True(t, both.On(OnUpdated))
	assert.False(t, Rule{Event: OnCreated}.On(OnUpdated))
	assert.True(t, Rule{Event: OnUpdated}.On(OnUpdated))
}
