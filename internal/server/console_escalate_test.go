package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestConsoleEscalateWithReason(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("esc")
	ctx := context.Background()
	n1, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	n2, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Especialistas N2", 2, []helpdesk.UserID{d.admin.ID})
	require.NoError(t, err)
	peer, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Otro N1", 1, nil)
	require.NoError(t, err)
	tk := e.consoleOpen(d.customer, "Caso difícil")
	g := n1.ID
	_, err = e.svc.Assign(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.Assignment{Group: &g})
	require.NoError(t, err)
	tk = e.staffTicket(d, tk.Number)
	path := "/" + d.tenant.Slug + "/agent/tickets/" + num(tk.Number)

	c := e.client()
	c.login(d, d.agent)
	page := c.get(path)
	opts := page.doc.Find(`[data-testid="escalate-group"] option`)
	require.Equal(t, 1, opts.Length(), "an agent is offered only higher tiers")
	v, _ := opts.Attr("value")
	require.Equal(t, strconv.FormatInt(int64(n2.ID), 10), v)

	// No reason: refused, nothing changed, the choice kept.
	res := c.post(path+"/escalate", url.Values{"version": {num2(tk.Version)}, "group": {v}, "reason": {" "}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	require.Equal(t, 1, res.doc.Find(`[data-testid="error-escalate-reason"]`).Length())
	// A same-tier group is refused for an agent.
	res = c.post(path+"/escalate", url.Values{"version": {num2(tk.Version)}, "group": {strconv.FormatInt(int64(peer.ID), 10)}, "reason": {"x"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	require.Equal(t, tk.Version, e.staffTicket(d, tk.Number).Version)

	res = c.post(path+"/escalate", url.Values{"version": {num2(tk.Version)}, "group": {v}, "reason": {"Necesita acceso a la red central."}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	after := e.staffTicket(d, tk.Number)
	require.Equal(t, n2.ID, after.Group)
	require.Equal(t, 1, after.Escalations)
	require.Equal(t, tk.Version+1, after.Version, "one update")
	var escalated, note bool
	for _, en := range e.timelineOf(d, tk.Number) {
		if en.Event != nil && en.Event.Kind == helpdesk.EventEscalated {
			escalated = true
		}
		if en.Comment != nil && en.Comment.Visibility == helpdesk.Internal && en.Comment.Body == "Necesita acceso a la red central." {
			note = true
		}
	}
	require.True(t, escalated)
	require.True(t, note)

	// An admin is offered lower tiers too, marked.
	ac := e.client()
	ac.login(d, d.admin)
	require.Equal(t, 2, ac.get(path).doc.Find(`[data-testid="escalate-group"] option`).Length())
}
