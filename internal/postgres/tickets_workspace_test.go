package postgres_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// presenceRows counts the desk's presence reports.
func presenceRows(t *testing.T, d *desk) int {
	t.Helper()
	var n int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(d.ctx(), `SELECT count(*) FROM ticket_presence WHERE tenant_id = $1`, int64(d.tenant.ID)).Scan(&n)
	}))
	return n
}

// The workspace's one batch names the ticket by number throughout: what
// it reads belongs to that ticket (ratings, the requester's average and
// other tickets, the call), and the visit is recorded.
func TestTicketWorkspaceReadsTheTicketByNumber(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "numeros")
	ctx := d.ctx()
	rated := d.openFor(t, d.cust, "La impresora no imprime")
	other := d.openFor(t, d.cust, "El escáner tampoco")
	d.clock.Advance(time.Hour)
	d.solve(t, rated.Number)
	_, err := d.svc.Rate(ctx, d.cust.Actor(), rated.Number, 4, "Bien")
	require.NoError(t, err)

	ws, err := d.svc.StaffWorkspace(ctx, d.agent.Actor(), rated.Number)
	require.NoError(t, err)
	assert.Equal(t, rated.ID, ws.Ticket.ID)
	require.Len(t, ws.CSAT.Ratings, 1)
	assert.Equal(t, rated.ID, ws.CSAT.Ratings[0].Ticket)
	assert.Equal(t, 4, ws.CSAT.Ratings[0].Score)
	assert.Equal(t, 1, ws.CSAT.RequesterRated)
	assert.InDelta(t, 4.0, ws.CSAT.RequesterAvg, 0.001)
	require.Len(t, ws.RequesterTickets, 1, "the requester's other ticket, not this one")
	assert.Equal(t, other.Number, ws.RequesterTickets[0].Number)
	assert.Equal(t, "El escáner tampoco", ws.RequesterTickets[0].Subject)
	assert.Equal(t, ws.Ticket.Requester, ws.RequesterTickets[0].Requester, "the ticket's requester, not read again")
	require.NotEmpty(t, ws.Timeline)
	for _, e := range ws.Timeline {
		if e.Comment != nil {
			assert.Equal(t, rated.ID, e.Comment.Ticket)
		}
	}
	assert.Nil(t, ws.Call)
	assert.Empty(t, ws.Others)
	assert.Equal(t, 1, presenceRows(t, d), "opening the workspace records the visit")

	// A phone ticket shows its call; the other ticket's page reads none.
	require.NoError(t, d.s.SaveCall(ctx, d.tenant.ID, other.ID, helpdesk.PhoneCall{CallerNumber: "+34600000000", Duration: 90 * time.Second}))
	d.exec(t, `UPDATE tickets SET channel = 'phone' WHERE tenant_id = $1 AND id = $2`, int64(d.tenant.ID), int64(other.ID))
	ws, err = d.svc.StaffWorkspace(ctx, d.agent.Actor(), other.Number)
	require.NoError(t, err)
	require.NotNil(t, ws.Call)
	assert.Equal(t, "+34600000000", ws.Call.CallerNumber)
	assert.Equal(t, 90*time.Second, ws.Call.Duration)
	assert.Equal(t, 1, ws.CSAT.RequesterRated, "the requester's average, from another ticket's page")
	ws, err = d.svc.StaffWorkspace(ctx, d.admin.Actor(), rated.Number)
	require.NoError(t, err)
	assert.Nil(t, ws.Call)
	require.Len(t, ws.Others, 1, "the agent's visit, seen by the admin")
	assert.Equal(t, d.agent.ID, ws.Others[0].User)
	before := presenceRows(t, d)

	// No ticket of that number, a customer, another desk: not found, and
	// nothing recorded.
	_, err = d.svc.StaffWorkspace(ctx, d.agent.Actor(), 999)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = d.svc.StaffWorkspace(ctx, d.cust.Actor(), rated.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	d2 := newDesk(t, d.pool, "otra")
	_, err = d2.svc.StaffWorkspace(ctx, d2.agent.Actor(), rated.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	assert.Equal(t, before, presenceRows(t, d))
	assert.Zero(t, presenceRows(t, d2))
}

// What the ticket page's settings are read from (migration 00040) announces
// the tenant on atiende_desks, so every server's desk cache drops them.
func TestTicketPageSettingsAreAnnounced(t *testing.T) {
	t.Parallel()
	a := newDesk(t, pgtest.New(t), "ajustes")
	ctx, cancel := context.WithCancel(a.ctx())
	var mu sync.Mutex
	var desks []helpdesk.TenantID
	listening := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.s.ListenDeskChanges(ctx, func() { close(listening) },
			func(id helpdesk.TenantID) { mu.Lock(); desks = append(desks, id); mu.Unlock() })
	}()
	t.Cleanup(func() { cancel(); <-done })
	<-listening
	c, by := a.ctx(), a.admin.Actor()
	announced := func(what string, change func() error) {
		t.Helper()
		mu.Lock()
		desks = nil
		mu.Unlock()
		require.NoError(t, change(), what)
		assert.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return slices.Contains(desks, a.tenant.ID)
		}, 5*time.Second, 10*time.Millisecond, what)
	}
	var m helpdesk.Macro
	announced("a macro", func() (err error) {
		m, err = a.svc.CreateMacro(c, by, helpdesk.MacroInput{Name: "Gracias", Body: "Gracias.", Shared: true})
		return err
	})
	announced("a macro changed", func() error {
		_, err := a.svc.UpdateMacro(c, by, m.ID, helpdesk.MacroInput{Name: "Gracias", Body: "Muchas gracias.", Shared: true})
		return err
	})
	announced("a custom field", func() error {
		_, err := a.svc.AddField(c, by, helpdesk.FieldInput{Label: "Sede", Type: "text"})
		return err
	})
	var cal helpdesk.Calendar
	announced("a calendar", func() (err error) {
		week := [7]string{"", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", "09:00-18:00", ""}
		cal, err = a.svc.SaveCalendar(c, by, 0, helpdesk.CalendarInput{Name: "Oficina", TimeZone: "UTC", Hours: week})
		return err
	})
	announced("an SLA policy with its targets and ladder", func() error {
		targets := map[helpdesk.Priority]helpdesk.SLATargets{helpdesk.PriorityHigh: {FirstReply: 60, Resolution: 480}}
		_, err := a.svc.SavePolicy(c, by, 0, helpdesk.SLAPolicyInput{Name: "Base", Calendar: cal.ID, Targets: targets,
			Escalations: []helpdesk.EscalationLevel{{Percent: 75, NotifyAssignee: true}}})
		return err
	})
	announced("the SLA settings", func() error { return a.svc.SetSoonWindow(c, by, 2*time.Hour) })
}

// The single-values row (workspaceScalarsSQL) carries the SLA clock
// events, the ratings and the reader's draft: each equals what the store's
// own reads of them return, and another agent's draft is never the
// reader's.
func TestTicketWorkspaceSingleRowMatchesTheReads(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "fila")
	ctx := d.ctx()
	d.policy(t, 0, helpdesk.SLAPolicyInput{Targets: allPriorities(120, 60, 8*60)})
	tk := d.openFor(t, d.cust, "La VPN no conecta")
	d.clock.Advance(time.Hour)
	d.reply(t, d.agent.Actor(), tk.Number, helpdesk.StatusPending)
	d.reply(t, d.cust.Actor(), tk.Number, "")
	d.solve(t, tk.Number)
	_, err := d.svc.Rate(ctx, d.cust.Actor(), tk.Number, 2, "Tardó, pero «funciona»")
	require.NoError(t, err)
	at := d.clock.Now().UTC().Truncate(time.Microsecond)
	require.NoError(t, d.s.SaveReplyDraft(ctx, d.tenant.ID, helpdesk.Draft{Ticket: tk.ID, User: d.agent.ID, Body: "Hola:\n¿sigue igual?", Public: true, UpdatedAt: at}))
	require.NoError(t, d.s.SaveReplyDraft(ctx, d.tenant.ID, helpdesk.Draft{Ticket: tk.ID, User: d.admin.ID, Body: "Nota del admin", UpdatedAt: at}))

	read := func(by helpdesk.User, withDraft bool) helpdesk.WorkspaceReads {
		t.Helper()
		now := d.clock.Now()
		r, err := d.s.TicketWorkspace(ctx, d.tenant.ID, helpdesk.WorkspaceRead{Number: tk.Number,
			Visit: helpdesk.Visit{User: by.ID, At: now, Since: now.Add(-helpdesk.PresenceTTL), WithDraft: withDraft}})
		require.NoError(t, err)
		return r
	}
	r := read(d.agent, true)
	_, events, err := d.s.SLATicketState(ctx, d.tenant.ID, tk.ID)
	require.NoError(t, err)
	require.NotEmpty(t, events)
	assert.Equal(t, events, r.Clock)
	rating, err := d.s.SatisfactionRating(ctx, d.tenant.ID, tk.ID, 1)
	require.NoError(t, err)
	require.Len(t, r.CSAT.Ratings, 1)
	got := r.CSAT.Ratings[0]
	assert.Equal(t, []any{rating.Ticket, rating.Resolution, rating.Score, rating.Comment, rating.RatedBy.Name, rating.Via, rating.SolvedAt, rating.UpdatedAt},
		[]any{got.Ticket, got.Resolution, got.Score, got.Comment, got.RatedBy.Name, got.Via, got.SolvedAt, got.UpdatedAt})
	draft, err := d.s.ReplyDraft(ctx, d.tenant.ID, tk.ID, d.agent.ID)
	require.NoError(t, err)
	require.NotNil(t, r.Visited.Draft)
	assert.Equal(t, draft, *r.Visited.Draft)
	assert.Equal(t, "Hola:\n¿sigue igual?", r.Visited.Draft.Body)

	assert.Nil(t, read(d.agent, false).Visited.Draft, "no draft asked for")
	assert.Equal(t, "Nota del admin", read(d.admin, true).Visited.Draft.Body, "each reader's own")
	luis := d.user(t, "luis@fila.example", "Luis", helpdesk.RoleAgent, 0)
	assert.Nil(t, read(luis, true).Visited.Draft, "none of another's")
}

// The ticket page reads its ticket without names and names its group,
// assignee and category from the desk's directory: from a directory kept
// since before all three existed, the names are read from the store and
// are the same as the ticket's own read gives.
func TestTicketPageNamesTheTicketFromTheDirectory(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "nombres")
	ctx, by := d.ctx(), d.admin.Actor()
	first := d.openFor(t, d.cust, "La impresora no imprime")
	page, err := d.svc.StaffWorkspacePage(ctx, d.agent.Actor(), first.Number, nil, nil)
	require.NoError(t, err)
	require.NotNil(t, page.Directory)
	kept := page.Directory

	// Abel comes after the admin by id and before by name.
	abel := d.user(t, "abel@nombres.example", "Abel Agente", helpdesk.RoleAgent, 0)
	g, err := d.svc.CreateGroup(ctx, by, "Segundo nivel", 2, []helpdesk.UserID{abel.ID})
	require.NoError(t, err)
	c, err := d.svc.CreateCategory(ctx, by, "Facturación")
	require.NoError(t, err)
	tk := d.open(t, d.agent.Actor(), helpdesk.NewTicket{Subject: "Factura duplicada", Category: c.ID,
		Requester: helpdesk.Requester{User: d.cust.ID}})
	_, err = d.svc.Assign(ctx, by, helpdesk.TicketVersion{Number: tk.Number}, helpdesk.Assignment{Group: &g.ID, Agent: &abel.ID})
	require.NoError(t, err)
	stored, err := d.s.Ticket(ctx, d.tenant.ID, tk.Number)
	require.NoError(t, err)
	require.Equal(t, []string{"Segundo nivel", "Abel Agente", "Facturación"}, []string{stored.GroupName, stored.AssigneeName, stored.CategoryName})

	// Abel and the admin have the ticket open: the agent sees both, named,
	// in the directory's order (by name, in the database's collation); an
	// agent the kept directory lacks comes last.
	for _, who := range []helpdesk.User{abel, d.admin} {
		_, err = d.svc.StaffWorkspacePage(ctx, who.Actor(), tk.Number, nil, nil)
		require.NoError(t, err)
	}
	order := map[string][]string{"kept from before": {d.admin.Name, "Abel Agente"}, "read with the page": {"Abel Agente", d.admin.Name}}
	for name, dir := range map[string]*helpdesk.WorkspaceDirectory{"kept from before": kept, "read with the page": nil} {
		page, err := d.svc.StaffWorkspacePage(ctx, d.agent.Actor(), tk.Number, nil, dir)
		require.NoError(t, err, name)
		got := page.Workspace.Ticket
		assert.Equal(t, []string{stored.GroupName, stored.AssigneeName, stored.CategoryName},
			[]string{got.GroupName, got.AssigneeName, got.CategoryName}, name)
		var others []string
		for _, p := range page.Workspace.Others {
			others = append(others, p.Name)
		}
		assert.Equal(t, order[name], others, name)
	}
	page, err = d.svc.StaffWorkspacePage(ctx, d.agent.Actor(), first.Number, nil, kept)
	require.NoError(t, err)
	assert.Equal(t, []string{"", "", ""}, []string{page.Workspace.Ticket.GroupName, page.Workspace.Ticket.AssigneeName, page.Workspace.Ticket.CategoryName},
		"nothing to name")
}
