package helpdesk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestRuleGroupsNestOneLevel: a rule is all (or any) of its own conditions
// and its groups; a group is all (or any) of its conditions; an empty
// group counts for nothing. Also the custom field and reply conditions.
func TestRuleGroupsNestOneLevel(t *testing.T) {
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	tk := Ticket{Tenant: tenantA, Status: StatusOpen, Priority: PriorityHigh, Channel: ChannelEmail, Subject: "Factura",
		Fields: []CustomFieldValue{{Field: 7, Type: FieldText, Text: "Chile"}}, CreatedAt: now}
	c := func(f CondField, op Operator, v string, g int) Condition {
		return Condition{Field: f, Op: op, Value: v, Group: g}
	}
	high, low := c(CondPriority, OpIs, "high", 0), c(CondPriority, OpIs, "low", 0)
	email, web := c(CondChannel, OpIs, "email", 1), c(CondChannel, OpIs, "web", 1)
	tests := []struct {
		name string
		r    Rule
		want bool
	}{
		{"all: high and (email or web)", Rule{Conditions: []Condition{high, email, web}, Groups: []ConditionGroup{{MatchAny: true}}}, true},
		{"all: high and (email and web)", Rule{Conditions: []Condition{high, email, web}, Groups: []ConditionGroup{{}}}, false},
		{"any: low or (email and web)", Rule{MatchAny: true, Conditions: []Condition{low, email, web}, Groups: []ConditionGroup{{}}}, false},
		{"any: low or (email or web)", Rule{MatchAny: true, Conditions: []Condition{low, email, web}, Groups: []ConditionGroup{{MatchAny: true}}}, true},
		{"an empty group counts for nothing", Rule{Conditions: []Condition{high}, Groups: []ConditionGroup{{}, {MatchAny: true}}}, true},
		{"two groups", Rule{Conditions: []Condition{email, c(CondSubject, OpContains, "factura", 2), c(CondPriority, OpIs, "low", 2)},
			Groups: []ConditionGroup{{}, {MatchAny: true}}}, true},
		{"custom field is, any case", Rule{Conditions: []Condition{{Field: CondCustomField, Key: "7", Op: OpIs, Value: "chile"}}}, true},
		{"custom field unset", Rule{Conditions: []Condition{{Field: CondCustomField, Key: "8", Op: OpContains, Value: "x"}}}, false},
		{"no agent reply yet", Rule{Conditions: []Condition{c(CondReplied, OpIs, "no", 0)}}, true},
		{"replied", Rule{Conditions: []Condition{c(CondReplied, OpIs, "yes", 0)}}, false},
	}
	for _, tt := range tests {
		tt.r.Kind = RuleTrigger
		assert.Equal(t, tt.want, tt.r.Matches(&tk, MatchInput{Now: now}), tt.name)
	}
	bad := Rule{Kind: RuleTrigger, Name: "x", Event: OnCreated, Conditions: []Condition{c(CondPriority, OpIs, "high", 2)},
		Groups: []ConditionGroup{{}}, Actions: []Action{{Type: ActAddTag, Value: "x"}}}
	err := bad.Validate(RuleRefs{})
	assert.ErrorContains(t, err, "condition_0=error.rule_group")
}
