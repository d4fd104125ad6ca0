package postgres_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// TestStoredMetricsEqualRecomputationAfterRandomOperations: whatever
// sequence of operations a desk goes through (replies either way, status
// changes, routing, escalation, ratings, the SLA scan, time passing in and
// out of opening hours), each ticket's stored metric row equals the row
// computed from scratch from its events, and the daily rollup equals the
// one summed from those rows (and the reports agree either way).
func TestStoredMetricsEqualRecomputationAfterRandomOperations(t *testing.T) {
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 13))
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	week := [7]string{1: "09:00-14:00, 15:00-18:00", 2: "09:00-18:00", 3: "09:00-18:00", 4: "09:00-18:00", 5: "08:00-15:00"}
	cal, err := d.svc.SaveCalendar(ctx, d.admin.Actor(), 0, helpdesk.CalendarInput{
		Name: "Madrid", TimeZone: "Europe/Madrid", Hours: week, Holidays: []string{"03-19", "2025-03-12"}})
	require.NoError(t, err)
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(60, 120, 6*60), Calendar: cal.ID, PauseOnHold: rng.IntN(2) == 0})
	n1, err := d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Nivel 1", Tier: 1, Members: []helpdesk.UserID{d.agent.ID}})
	require.NoError(t, err)
	n2, err := d.s.CreateGroup(ctx, d.tenant.ID, helpdesk.Group{Name: "Nivel 2", Tier: 2, Members: []helpdesk.UserID{d.agent.ID, d.admin.ID}})
	require.NoError(t, err)

	var tickets []helpdesk.TicketNumber
	for range 3 {
		tickets = append(tickets, d.open(t, d.cust.Actor(), helpdesk.NewTicket{Subject: "Incidencia"}).Number)
	}
	agents := []helpdesk.Actor{d.agent.Actor(), d.admin.Actor()}
	statuses := []helpdesk.Status{"", helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold, helpdesk.StatusSolved}
	for range 40 {
		d.clock.Advance(time.Duration(rng.IntN(26*60)) * time.Minute)
		n := tickets[rng.IntN(len(tickets))]
		v := helpdesk.TicketVersion{Number: n}
		agent := agents[rng.IntN(len(agents))]
		var err error
		switch rng.IntN(8) {
		case 0, 1:
			_, err = d.svc.Reply(ctx, agent, v, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Respuesta"},
				Public: true, Status: statuses[rng.IntN(len(statuses))]})
		case 2:
			_, err = d.svc.Reply(ctx, d.cust.Actor(), v, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Más datos"}, Public: true})
		case 3:
			_, err = d.svc.ChangeStatus(ctx, agent, v, statuses[1+rng.IntN(len(statuses)-1)])
		case 4:
			g := n1.ID
			_, err = d.svc.Assign(ctx, agent, v, helpdesk.Assignment{Group: &g, Agent: &d.agent.ID})
		case 5:
			_, err = d.svc.Escalate(ctx, agent, v, n2.ID)
		case 6:
			_, err = d.svc.Rate(ctx, d.cust.Actor(), n, 1+rng.IntN(5), "Comentario")
		case 7:
			_, err = d.svc.ScanSLA(ctx, d.clock.Now(), 100)
		}
		var verr *helpdesk.ValidationError
		if err != nil && !errors.Is(err, helpdesk.ErrInvalidTransition) && !errors.Is(err, helpdesk.ErrForbidden) &&
			!errors.Is(err, helpdesk.ErrConflict) && !errors.As(err, &verr) {
			require.NoError(t, err)
		}
	}
	for _, n := range tickets {
		stored, fresh, err := d.svc.CheckTicketMetrics(ctx, d.admin.Actor(), n)
		require.NoError(t, err)
		assert.Equal(t, fresh, stored, "ticket %s (seed %d)", n, seed)
	}
	assertRollupExact(t, d, seed)
}
