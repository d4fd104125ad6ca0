package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// The SLA state condition on both kinds of rule: a trigger sees the
// warning (75 % of a one-hour first reply target used) when an agent
// changes the ticket; a time-based rule "90 minutes after creation, if the
// SLA is breached" tags the unanswered ticket only, reading through the
// SLA clocks which tickets are breached, and the preview agrees.
func TestRulesReadTheTicketsSLAState(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(60, 0, 0), Escalations: []helpdesk.EscalationLevel{
		{Percent: 75, NotifyAssignee: true}}})
	sla := func(v helpdesk.SLAState) []helpdesk.Condition {
		return []helpdesk.Condition{{Field: helpdesk.CondSLA, Op: helpdesk.OpIs, Value: string(v)}}
	}
	d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "Aviso", Event: helpdesk.OnUpdated, Conditions: sla(helpdesk.SLAStateWarning),
		Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "aviso"}}})
	late := helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: "Vencido", Anchor: helpdesk.AnchorCreated, Minutes: 90,
		Conditions: sla(helpdesk.SLAStateBreached), Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "vencido"}}}
	d.rule(t, late)

	waiting := d.openFor(t, d.cust, "Sin respuesta")
	answered := d.openFor(t, d.cust, "Respondido")
	d.clock.Advance(20 * time.Minute)
	d.reply(t, d.agent.Actor(), answered.Number, "")
	d.clock.Advance(30 * time.Minute) // 50 minutes: past 75 % of the hour
	_, err := d.svc.SetPriority(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: waiting.Number}, helpdesk.PriorityHigh)
	require.NoError(t, err)
	assert.Equal(t, []string{"aviso"}, d.staffTicket(t, waiting.Number).Tags, "the trigger saw the warning")

	preview, err := d.svc.PreviewRule(ctx, d.admin.Actor(), helpdesk.Rule{Kind: helpdesk.RuleTrigger, Name: "p", Event: helpdesk.OnUpdated,
		Conditions: sla(helpdesk.SLAStateOnTrack), Actions: late.Actions})
	require.NoError(t, err)
	require.Len(t, preview.Matches, 1)
	assert.Equal(t, answered.Number, preview.Matches[0].Number, "answered in time: on track")

	for range 41 { // 50 → 91 minutes, one sweep a minute
		d.clock.Advance(time.Minute)
		_, err := d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"aviso", "vencido"}, d.staffTicket(t, waiting.Number).Tags)
	assert.Empty(t, d.staffTicket(t, answered.Number).Tags, "answered in time: never breached")
	assert.Len(t, d.events(t, waiting.Number, helpdesk.EventAutomation), 2)

	// The scan moved past both: a breach after the rule was due does not
	// make it run late.
	n, err := d.svc.RunTimedRules(ctx, d.tenant.ID, 100)
	require.NoError(t, err)
	assert.Zero(t, n)
}
