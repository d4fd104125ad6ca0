package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// A time-based rule "if the SLA is breached" reads and locks only the
// breached tickets: 4 of 40 due tickets are breached, and the sweep with
// the clocks' filter sends a fraction of the statements the same rule
// written as "any" (which cannot be filtered) sends, with the same result.
func TestBreachedRuleSweepReadsOnlyBreachedTickets(t *testing.T) {
	t.Parallel()
	pool, tracer := pgtest.NewTraced(t, 8)
	d := newDesk(t, pool, "acme")
	ctx := d.ctx()
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(60, 0, 0)})
	var tks []helpdesk.Ticket
	for i := range 40 {
		tk := d.openFor(t, d.cust, "Caso")
		if i%10 != 0 {
			d.reply(t, d.agent.Actor(), tk.Number, "")
		}
		tks = append(tks, tk)
	}
	d.clock.Advance(2 * time.Hour)

	sweep := func(matchAny bool, tag string) int {
		r := d.rule(t, helpdesk.Rule{Kind: helpdesk.RuleTimed, Name: tag, Active: true, Anchor: helpdesk.AnchorCreated, Minutes: 90,
			MatchAny:   matchAny,
			Conditions: []helpdesk.Condition{{Field: helpdesk.CondSLA, Op: helpdesk.OpIs, Value: "breached"}},
			Actions:    []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: tag}}})
		var n int
		stmts := tracer.Capture(func() {
			var err error
			n, err = d.svc.RunTimedRules(ctx, d.tenant.ID, 500)
			require.NoError(t, err)
		})
		assert.Equal(t, 4, n, tag)
		r.Active = false
		_, err := d.svc.SaveRule(ctx, d.admin.Actor(), r)
		require.NoError(t, err)
		return len(stmts)
	}
	filtered := sweep(false, "filtrada")
	scanned := sweep(true, "recorrida")
	t.Logf("sweep of 40 due tickets, 4 breached: %d statements through the clocks' filter, %d without", filtered, scanned)
	assert.Less(t, filtered*2, scanned)
	for i, tk := range tks {
		tags := d.staffTicket(t, tk.Number).Tags
		if i%10 == 0 {
			assert.Equal(t, []string{"filtrada", "recorrida"}, tags)
		} else {
			assert.Empty(t, tags)
		}
	}
}
