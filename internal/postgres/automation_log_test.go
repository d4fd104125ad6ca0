package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// An action that cannot be made is never silent: the ticket's history
// says which and why, the rule's log has the run with what changed and
// what failed, and the counters count it.
func TestRuleActionFailuresAreRecordedOnTheTicketAndInTheLog(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	r := d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Avisar", Event: helpdesk.OnCreated,
		Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "visto"},
			{Type: helpdesk.ActNotify, Value: "assignee", Text: "Nuevo"},
			{Type: helpdesk.ActSetAssignee, Value: "0"}}})
	// A stored value the form could never produce (an old or hand-edited
	// row): "abc" where an agent's id belongs.
	d.exec(t, `UPDATE automation_rules SET actions = jsonb_set(actions, '{2,v}', '"abc"') WHERE tenant_id = $1 AND id = $2`,
		int64(d.tenant.ID), int64(r.ID))

	tk := d.openFor(t, d.cust, "Hola")
	assert.Equal(t, []string{"visto"}, d.staffTicket(t, tk.Number).Tags, "the other actions still run")
	failed := d.events(t, tk.Number, helpdesk.EventAutomationFailed)
	require.Len(t, failed, 2)
	assert.Equal(t, "no_recipient", failed[0].Field)
	assert.Equal(t, "notify", failed[0].From)
	assert.Equal(t, "bad_value", failed[1].Field)
	assert.Equal(t, "set_assignee", failed[1].From)
	assert.Equal(t, "Avisar", failed[1].To)

	rule, runs, err := d.svc.RuleRuns(ctx, d.admin.Actor(), r.ID)
	require.NoError(t, err)
	assert.Equal(t, "Avisar", rule.Name)
	require.Len(t, runs, 1)
	assert.Equal(t, tk.Number, runs[0].Number)
	assert.Equal(t, "Hola", runs[0].Subject)
	assert.Equal(t, 1, runs[0].Changed)
	assert.Equal(t, 2, runs[0].Failed)
	assert.Equal(t, []helpdesk.RunFailure{"", helpdesk.FailNoRecipient, helpdesk.FailBadValue},
		[]helpdesk.RunFailure{runs[0].Steps[0].Failure, runs[0].Steps[1].Failure, runs[0].Steps[2].Failure})

	counts, err := d.svc.RuleCounters(ctx, d.admin.Actor())
	require.NoError(t, err)
	assert.Equal(t, helpdesk.RuleCounts{Matched: 1, Acted: 1, Failed: 1}, counts[r.ID])
	_, _, err = d.svc.RuleRuns(ctx, d.agent.Actor(), r.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "admins only")
}
