package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRuleAuditReadsBackWhatItStored(t *testing.T) {
	t.Parallel()
	r := Rule{Kind: RuleTrigger, Name: "x", Event: OnCreated,
		Conditions: []Condition{{Field: CondPriority, Op: OpIs, Value: "high"}, {Field: CondSubject, Op: OpContains, Value: `dice "hola"; adiós`}, {Field: CondTag, Op: OpNotContains, Value: "vip"}},
		Actions: []Action{{Type: ActAddTag, Value: "seguimiento"}, {Type: ActAddNote, Text: "nota; con \"comillas\""},
			{Type: ActNotify, Value: "requester", Text: "Hola {{requester.name}}"}, {Type: ActSetAssignee, Value: "0"}}}
	v := ruleAudit(r)
	conds, err := ParseAuditConditions(v["conditions"])
	require.NoError(t, err)
	assert.Equal(t, r.Conditions, conds)
	acts, err := ParseAuditActions(v["actions"])
	require.NoError(t, err)
	assert.Equal(t, r.Actions, acts)

	none, err := ParseAuditConditions("")
	require.NoError(t, err)
	assert.Empty(t, none)
	_, err = ParseAuditConditions(`priority is high`)
	assert.Error(t, err)
}
