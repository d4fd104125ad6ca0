package postgres_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func numbers(page helpdesk.TicketPage) []helpdesk.TicketNumber {
	var out []helpdesk.TicketNumber
	for _, t := range page.Tickets {
		out = append(out, t.Number)
	}
	return out
}

// A saved view keeps "me" and "my groups" unresolved, so it lists each
// agent's own tickets; private views are their owner's alone; shared
// views are for admins to define; tenant B sees none of A's.
func TestSavedViewsFollowTheirViewer(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	b := newDesk(t, pool, "beta")
	ctx := a.ctx()
	luis := a.user(t, "luis@acme.example", "Luis", helpdesk.RoleAgent, 0)
	n1, err := a.svc.CreateGroup(ctx, a.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{a.agent.ID})
	require.NoError(t, err)
	n2, err := a.svc.CreateGroup(ctx, a.admin.Actor(), "Especialistas N2", 2, []helpdesk.UserID{luis.ID})
	require.NoError(t, err)

	t1 := a.openFor(t, a.cust, "Impresora en N1")
	t2 := a.openFor(t, a.cust, "Servidor en N2")
	a.clock.Advance(48 * time.Hour)
	t3 := a.openFor(t, a.cust, "Nuevo sin grupo")
	_, err = a.svc.Assign(ctx, a.admin.Actor(), helpdesk.TicketVersion{Number: t1.Number}, helpdesk.Assignment{Group: &n1.ID})
	require.NoError(t, err)
	_, err = a.svc.Assign(ctx, a.admin.Actor(), helpdesk.TicketVersion{Number: t2.Number}, helpdesk.Assignment{Group: &n2.ID})
	require.NoError(t, err)

	// "Mis grupos" resolves per viewer.
	v, err := a.svc.CreateView(ctx, a.admin.Actor(), helpdesk.ViewInput{
		Name: "Cola de mis grupos", Shared: true,
		Filter:  helpdesk.TicketFilter{MyGroups: true},
		Sort:    helpdesk.Sort{Key: helpdesk.SortCreated},
		Columns: []helpdesk.ViewColumn{helpdesk.ColumnStatus, helpdesk.ColumnGroup, helpdesk.ColumnStatus},
	})
	require.NoError(t, err)
	assert.Equal(t, []helpdesk.ViewColumn{helpdesk.ColumnStatus, helpdesk.ColumnGroup}, v.Columns, "duplicates dropped")
	for _, c := range []struct {
		who  helpdesk.User
		want []helpdesk.TicketNumber
	}{{a.agent, []helpdesk.TicketNumber{t1.Number}}, {luis, []helpdesk.TicketNumber{t2.Number}}, {a.admin, nil}} {
		got, err := a.svc.SavedView(ctx, c.who.Actor(), v.ID)
		require.NoError(t, err, "a shared view opens for everyone")
		page, err := a.svc.Tickets(ctx, c.who.Actor(), helpdesk.TicketQuery{Filter: got.Filter, Sort: got.Sort})
		require.NoError(t, err)
		assert.Equal(t, c.want, numbers(page), c.who.Name)
	}

	// Created range: only the ticket of two days later.
	from := a.clock.Now().Add(-time.Hour)
	page, err := a.svc.Tickets(ctx, a.agent.Actor(), helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Created: helpdesk.TimeRange{From: from}}})
	require.NoError(t, err)
	assert.Equal(t, []helpdesk.TicketNumber{t3.Number}, numbers(page))
	_, err = a.svc.Tickets(ctx, a.agent.Actor(), helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Created: helpdesk.TimeRange{From: from, To: from}}})
	assertField(t, err, "created", "error.range")

	// Private views: Luis's is not Ana's to open or change.
	own, err := a.svc.CreateView(ctx, luis.Actor(), helpdesk.ViewInput{Name: "Lo mío urgente",
		Filter:  helpdesk.TicketFilter{Assignee: helpdesk.AssigneeFilter{Mode: helpdesk.AssigneeMe}, Priorities: []helpdesk.Priority{helpdesk.PriorityUrgent}},
		Columns: helpdesk.DefaultViewColumns()})
	require.NoError(t, err)
	_, err = a.svc.SavedView(ctx, a.agent.Actor(), own.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = a.svc.UpdateView(ctx, a.agent.Actor(), own.ID, helpdesk.ViewInput{Name: "Robada", Columns: helpdesk.DefaultViewColumns()})
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	assert.ErrorIs(t, a.svc.DeleteView(ctx, a.agent.Actor(), own.ID), helpdesk.ErrNotFound)
	// An agent may open a shared view but neither change nor share one.
	assert.ErrorIs(t, a.svc.DeleteView(ctx, luis.Actor(), v.ID), helpdesk.ErrForbidden)
	_, err = a.svc.CreateView(ctx, luis.Actor(), helpdesk.ViewInput{Name: "Para todos", Shared: true, Columns: helpdesk.DefaultViewColumns()})
	assert.ErrorIs(t, err, helpdesk.ErrForbidden)
	_, err = a.svc.UpdateView(ctx, luis.Actor(), own.ID, helpdesk.ViewInput{Name: "Para todos", Shared: true, Columns: helpdesk.DefaultViewColumns()})
	assert.ErrorIs(t, err, helpdesk.ErrForbidden)

	// Bad input: every problem at once, nothing saved.
	_, err = a.svc.CreateView(ctx, luis.Actor(), helpdesk.ViewInput{Name: " ",
		Filter: helpdesk.TicketFilter{Statuses: []helpdesk.Status{"borrado"}}, Columns: []helpdesk.ViewColumn{"tenant_id"}})
	assertField(t, err, "name", "error.required")
	assertField(t, err, "status", "error.invalid")
	assertField(t, err, "columns", "error.invalid")
	views, err := a.svc.SavedViews(ctx, luis.Actor())
	require.NoError(t, err)
	require.Len(t, views, 2, "the shared view first, then Luis's own")
	assert.True(t, views[0].Shared())
	assert.Equal(t, "Lo mío urgente", views[1].Name)
	assert.Equal(t, helpdesk.AssigneeMe, views[1].Filter.Assignee.Mode, "stored unresolved")

	// Luis edits and deletes his own.
	upd, err := a.svc.UpdateView(ctx, luis.Actor(), own.ID, helpdesk.ViewInput{Name: "Urgentes",
		Filter: helpdesk.TicketFilter{Tag: "VIP"}, Sort: helpdesk.Sort{Key: helpdesk.SortPriority, Desc: true}, Columns: []helpdesk.ViewColumn{helpdesk.ColumnDue}})
	require.NoError(t, err)
	got, err := a.svc.SavedView(ctx, luis.Actor(), own.ID)
	require.NoError(t, err)
	assert.Equal(t, upd.Name, got.Name)
	assert.Equal(t, "vip", got.Filter.Tag, "tags normalised")
	assert.Equal(t, "-priority", got.Sort.String())
	require.NoError(t, a.svc.DeleteView(ctx, luis.Actor(), own.ID))
	_, err = a.svc.SavedView(ctx, luis.Actor(), own.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)

	// Tenant B: A's shared view does not exist there.
	_, err = b.svc.SavedView(ctx, b.admin.Actor(), v.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	assert.ErrorIs(t, b.svc.DeleteView(ctx, b.admin.Actor(), v.ID), helpdesk.ErrNotFound)
	// Customers have no views, and cannot filter by group.
	_, err = a.svc.SavedViews(ctx, a.cust.Actor())
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = a.svc.Tickets(ctx, a.cust.Actor(), helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{MyGroups: true}})
	assert.ErrorIs(t, err, helpdesk.ErrForbidden)
}

func TestAgentSettingsAndSignature(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "acme")
	ctx := a.ctx()

	st, err := a.svc.AgentSettings(ctx, a.agent.Actor())
	require.NoError(t, err)
	assert.Equal(t, helpdesk.Available, st.Availability)
	assert.True(t, st.Wants(helpdesk.NotifyAssigned), "every notice is on by default")

	_, err = a.svc.UpdateAgentSettings(ctx, a.agent.Actor(), helpdesk.AgentSettingsInput{Availability: "dormida", Language: "fr", Notify: []string{"spam"}})
	assertField(t, err, "availability", "error.invalid")
	assertField(t, err, "language", "error.invalid")
	assertField(t, err, "notify", "error.invalid")

	_, err = a.svc.UpdateAgentSettings(ctx, a.agent.Actor(), helpdesk.AgentSettingsInput{
		Availability: "away", Signature: "  Ana Agente\nSoporte Acme  ", Language: "en", Notify: []string{"assigned", "mention"}})
	require.NoError(t, err)
	st, err = a.svc.AgentSettings(ctx, a.agent.Actor())
	require.NoError(t, err)
	assert.Equal(t, helpdesk.Away, st.Availability)
	assert.Equal(t, "Ana Agente\nSoporte Acme", st.Signature)
	assert.Equal(t, "en", st.Language)
	assert.True(t, st.Wants(helpdesk.NotifyMention))
	assert.False(t, st.Wants(helpdesk.NotifyRequesterReply))
	assert.False(t, st.Wants(helpdesk.NotifySLABreach))

	// Customers have no console settings.
	_, err = a.svc.UpdateAgentSettings(ctx, a.cust.Actor(), helpdesk.AgentSettingsInput{Availability: "away"})
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)

	// The signature goes under public replies that ask for it, never
	// under internal notes.
	tk := a.openFor(t, a.cust, "No puedo entrar")
	res, err := a.svc.Reply(ctx, a.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Ya está arreglado."}, Public: true, Signature: true})
	require.NoError(t, err)
	res, err = a.svc.Reply(ctx, a.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number, Version: res.Ticket.Version}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Nota interna"}, Public: false, Signature: true})
	require.NoError(t, err)
	tl, err := a.svc.Timeline(ctx, a.agent.Actor(), tk.Number)
	require.NoError(t, err)
	var bodies []string
	for _, e := range tl {
		if e.Comment != nil {
			bodies = append(bodies, e.Comment.Body)
		}
	}
	assert.Contains(t, bodies, "Ya está arreglado.\n\n-- \nAna Agente\nSoporte Acme")
	assert.Contains(t, bodies, "Nota interna")
}

func TestWithSignature(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Hola\n\n-- \nAna", helpdesk.WithSignature("Hola  \n", "Ana"))
	assert.Equal(t, "Hola\n\n-- \nAna", helpdesk.WithSignature("Hola\n\n-- \nAna", "Ana"), "not twice")
	assert.Equal(t, "  ", helpdesk.WithSignature("  ", "Ana"), "a signature alone is no reply: the body stays empty")
	assert.Equal(t, "Hola", helpdesk.WithSignature("Hola", " "))
}

// assertField checks that err is a ValidationError naming field with key.
func assertField(t *testing.T, err error, field, key string) {
	t.Helper()
	var ve *helpdesk.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, key, ve.Fields[field], "field %s in %v", field, ve.Fields)
}
