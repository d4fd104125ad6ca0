package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// slaPolicy gives urgent tickets a one-hour first reply and the others ten
// hours, in calendar hours, with a resolution target.
func (e *env) slaPolicy(d desk) helpdesk.SLAPolicy {
	e.t.Helper()
	targets := map[helpdesk.Priority]helpdesk.SLATargets{}
	for _, p := range helpdesk.Priorities() {
		targets[p] = helpdesk.SLATargets{FirstReply: 600, Resolution: 2400}
	}
	targets[helpdesk.PriorityUrgent] = helpdesk.SLATargets{FirstReply: 60, Resolution: 240}
	p, err := e.svc.SavePolicy(context.Background(), d.admin.Actor(), 0, helpdesk.SLAPolicyInput{Name: "Estándar", Targets: targets})
	require.NoError(e.t, err)
	return p
}

func TestConsoleSLAViewsBadgesAndPanel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	e.slaPolicy(d)
	ctx := context.Background()
	urgent := e.consoleOpen(d.customer, "Servidor caído")
	_, err := e.svc.SetPriority(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: urgent.Number}, helpdesk.PriorityUrgent)
	require.NoError(t, err)
	late := e.consoleOpen(d.customer, "Factura duplicada")
	calm := e.consoleOpen(d.customer, "Cambio de dirección")
	// The overdue ticket: its deadline is put in the past directly (the
	// test cannot wait ten hours); the views read next_due_at.
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, `UPDATE tickets SET next_due_at = now() - interval '25 minutes' WHERE id = $1`, int64(late.ID))
		require.NoError(t, err)
	})

	c := e.client()
	c.login(d, d.agent)
	soon := c.get(agentPath(d, "/views/due-soon"))
	require.Equal(t, http.StatusOK, soon.status, soon.body)
	assert.Equal(t, refs(urgent), rowNumbers(soon), "due within the hour")
	badge := soon.doc.Find("[data-testid=ticket-row] [data-testid=sla-badge]")
	assert.Equal(t, "soon", badge.AttrOr("data-level", ""))
	assert.Contains(t, strings.TrimSpace(badge.Text()), "Vence pronto")

	overdue := c.get(agentPath(d, "/views/overdue"))
	require.Equal(t, http.StatusOK, overdue.status)
	assert.Equal(t, refs(late), rowNumbers(overdue))
	badge = overdue.doc.Find("[data-testid=ticket-row] [data-testid=sla-badge]")
	assert.Equal(t, "overdue", badge.AttrOr("data-level", ""))
	assert.Equal(t, "Vencido hace 25 min", strings.TrimSpace(badge.Text()))

	// The sidebar counts both views; the queue sorts by the next deadline.
	assert.Equal(t, "1", strings.TrimSpace(overdue.doc.Find("[data-view=due-soon] [data-testid=count], a[href$='/views/due-soon'] .count").First().Text()))
	all := c.get(agentPath(d, "/views/all?sort=due"))
	require.Equal(t, http.StatusOK, all.status)
	assert.Equal(t, refs(late, urgent, calm), rowNumbers(all))
	assert.Equal(t, "ok", all.doc.Find("[data-number='"+calm.Number.String()+"'] [data-testid=sla-badge]").AttrOr("data-level", ""))

	// The ticket page explains the clocks.
	page := c.get(agentPath(d, "/tickets/"+num(urgent.Number)))
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, text(page, "[data-testid=sla-policy]"), "Estándar")
	assert.Contains(t, text(page, "[data-testid=sla-calendar]"), "horas naturales")
	first := page.doc.Find("[data-testid=sla-clock][data-metric=first_reply]")
	assert.Equal(t, "running", first.AttrOr("data-state", ""))
	assert.Contains(t, first.Text(), "Objetivo: 1 h naturales.")
	assert.Contains(t, first.Find("[data-testid=sla-due]").Text(), "Vencerá el")
	assert.Equal(t, 1, page.doc.Find("header [data-testid=sla-badge]").Length())

	// An agent's reply meets the first-reply clock.
	_, err = e.svc.Reply(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: urgent.Number},
		helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Lo miramos"}, Public: true, Status: helpdesk.StatusPending})
	require.NoError(t, err)
	page = c.get(agentPath(d, "/tickets/"+num(urgent.Number)))
	assert.Equal(t, "fulfilled", page.doc.Find("[data-testid=sla-clock][data-metric=first_reply]").AttrOr("data-state", ""))
	res := page.doc.Find("[data-testid=sla-clock][data-metric=resolution]")
	assert.Equal(t, "paused", res.AttrOr("data-state", ""))
	assert.Contains(t, res.Find("[data-testid=sla-paused]").Text(), "ahora")
}

// A customer's list never offers the SLA views' filter.
func TestSLAFilterIsStaffOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	_, err := e.svc.Tickets(context.Background(), d.customer.Actor(), helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{SLA: helpdesk.SLAOverdue}})
	require.ErrorIs(t, err, helpdesk.ErrForbidden)
}
