package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// An agent narrows a queue, saves it as a view with chosen columns, finds
// it in the sidebar with its count, edits and deletes it; another agent
// never sees it; bad input is refused with everything typed kept.
func TestConsoleSavedViewLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("vistas")
	ctx := context.Background()
	luis, err := e.svc.CreateUser(ctx, d.tenant.ID, "Luis", "luis@vistas.example", testPassword, helpdesk.RoleAgent)
	require.NoError(t, err)
	urgent := e.consoleOpen(d.customer, "Caída total")
	_, err = e.svc.SetPriority(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: urgent.Number}, helpdesk.PriorityUrgent)
	require.NoError(t, err)
	e.consoleOpen(d.customer, "Duda menor")

	ana, other := e.client(), e.client()
	ana.login(d, d.agent)
	other.login(d, luis)

	// The queue narrowed by priority, saved with two columns.
	q := ana.get(agentPath(d, "/views/all?priority=urgent"))
	require.Equal(t, http.StatusOK, q.status, q.body)
	assert.Equal(t, refs(urgent), rowNumbers(q))
	hidden := url.Values{}
	q.doc.Find(`[data-testid="save-view-form"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		hidden.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	assert.Equal(t, "all", hidden.Get("view"))
	assert.Equal(t, "urgent", hidden.Get("priority"), "the form carries the queue's filters")

	// Refused: no name, no column. The queue comes back with the form open
	// and the typed values.
	bad := url.Values{"view": {"all"}, "priority": {"urgent"}, "name": {" "}}
	res := ana.post(agentPath(d, "/views"), bad)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, 1, res.doc.Find(`details[data-testid="save-view"][open]`).Length())
	assert.Contains(t, text(res, `[data-testid="save-view-errors"]`), "Elige al menos una columna.")
	assert.Equal(t, refs(urgent), rowNumbers(res), "the queue still shows what was filtered")
	views, err := e.svc.SavedViews(ctx, d.agent.Actor())
	require.NoError(t, err)
	assert.Empty(t, views)

	// A forged "shared" from an agent is refused.
	res = ana.post(agentPath(d, "/views"), url.Values{"view": {"all"}, "name": {"Todos"}, "columns": {"status"}, "shared": {"1"}})
	assert.Equal(t, http.StatusForbidden, res.status)

	form := url.Values{"view": {"all"}, "priority": {"urgent"}, "name": {"Urgentes"}, "columns": {"status", "due"}, "tenant_id": {"999"}}
	res = ana.post(agentPath(d, "/views"), form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	views, err = e.svc.SavedViews(ctx, d.agent.Actor())
	require.NoError(t, err)
	require.Len(t, views, 1)
	v := views[0]
	id := num(helpdesk.TicketNumber(v.ID))
	assert.Equal(t, agentPath(d, "/views/"+id), res.header.Get("Location"))
	assert.Equal(t, []helpdesk.Priority{helpdesk.PriorityUrgent}, v.Filter.Priorities)

	page := ana.get(agentPath(d, "/views/"+id))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, refs(urgent), rowNumbers(page))
	assert.Equal(t, "1", text(page, `[data-testid="count-`+id+`"]`), "the sidebar counts the saved view")
	assert.Equal(t, 1, page.doc.Find(`[data-testid="tickets-table"] [data-testid="col-status"]`).Length())
	assert.Zero(t, page.doc.Find(`[data-testid="tickets-table"] [data-testid="col-requester"]`).Length(), "only the chosen columns")

	// Luis: not in his sidebar, not found by number, not editable.
	assert.Zero(t, other.get(agentPath(d, "/views/all")).doc.Find(`[data-testid="view-`+id+`"]`).Length())
	assert.Equal(t, http.StatusNotFound, other.get(agentPath(d, "/views/"+id)).status)
	assert.Equal(t, http.StatusNotFound, other.get(agentPath(d, "/views/"+id+"/edit")).status)
	assert.Equal(t, http.StatusNotFound, other.post(agentPath(d, "/views/"+id+"/delete"), nil).status)

	// Edit: statuses by checkbox, refused input kept.
	edit := ana.get(agentPath(d, "/views/"+id+"/edit"))
	require.Equal(t, http.StatusOK, edit.status, edit.body)
	assert.Equal(t, "Urgentes", edit.doc.Find(`#view-name`).AttrOr("value", ""))
	assert.Equal(t, 1, edit.doc.Find(`input[name="priorities"][value="urgent"][checked]`).Length())
	res = ana.post(agentPath(d, "/views/"+id), url.Values{"name": {"Urgentes y nuevos"}, "priorities": {"urgent"}, "statuses": {"new"}, "tag": {"no vale!"}, "columns": {"status"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, "Urgentes y nuevos", res.doc.Find(`#view-name`).AttrOr("value", ""))
	assert.Equal(t, "no vale!", res.doc.Find(`#f-tag`).AttrOr("value", ""))
	res = ana.post(agentPath(d, "/views/"+id), url.Values{"name": {"Urgentes y nuevos"}, "priorities": {"urgent"}, "statuses": {"new"}, "columns": {"status", "requester"}, "sort": {"-created"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got, err := e.svc.SavedView(ctx, d.agent.Actor(), v.ID)
	require.NoError(t, err)
	assert.Equal(t, "Urgentes y nuevos", got.Name)
	assert.Equal(t, []helpdesk.Status{helpdesk.StatusNew}, got.Filter.Statuses)
	assert.Equal(t, "-created", got.Sort.String())

	// Delete.
	res = ana.post(agentPath(d, "/views/"+id+"/delete"), nil)
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, http.StatusNotFound, ana.get(agentPath(d, "/views/"+id)).status)
}

// The queue's extra filters narrow the view; a filter outside the view
// matches nothing; bad values are named and dropped.
func TestConsoleQueueExtraFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("filtros")
	ctx := context.Background()
	g, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	inGroup := e.consoleOpen(d.customer, "En el grupo")
	_, err = e.svc.Assign(ctx, d.admin.Actor(), helpdesk.TicketVersion{Number: inGroup.Number}, helpdesk.Assignment{Group: &g.ID})
	require.NoError(t, err)
	tagged := e.consoleOpen(d.customer, "Con etiqueta")
	_, err = e.svc.SetTags(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tagged.Number}, []string{"vip"})
	require.NoError(t, err)

	c := e.client()
	c.login(d, d.agent)
	assert.Equal(t, refs(inGroup), rowNumbers(c.get(agentPath(d, "/views/all?group=mine"))))
	assert.Equal(t, refs(inGroup), rowNumbers(c.get(agentPath(d, "/views/my-groups"))), "the built-in view")
	assert.Equal(t, refs(tagged), rowNumbers(c.get(agentPath(d, "/views/all?tag=VIP"))))
	assert.Empty(t, rowNumbers(c.get(agentPath(d, "/views/all?channel=email"))))
	res := c.get(agentPath(d, "/views/all?from=2000-01-01&to=1999-01-01&tag=<b>"))
	assert.Equal(t, http.StatusBadRequest, res.status)
	msgs := text(res, `[data-testid="queue-errors"]`)
	assert.Contains(t, msgs, "«hasta»")
	assert.Contains(t, msgs, "etiqueta")
	assert.Len(t, rowNumbers(res), 2, "the view shows without the bad filters")
	res = c.get(agentPath(d, "/views/mine?assignee=nobody"))
	assert.Equal(t, http.StatusOK, res.status)
	assert.Empty(t, rowNumbers(res), "a filter outside the view matches nothing")
	assert.True(t, strings.Contains(res.body, `data-testid="empty-state"`))
}

// The profile: availability, signature, language and notices, saved by
// the agent for themselves only; the signature goes under public replies.
func TestConsoleProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("perfil")
	ctx := context.Background()
	c := e.client()
	c.login(d, d.agent)

	page := c.get(agentPath(d, "/profile"))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, 1, page.doc.Find(`[data-testid="availability-available"][checked]`).Length())
	assert.Equal(t, len(helpdesk.NotificationKinds()), page.doc.Find(`input[name="notify"][checked]`).Length(), "every notice on by default")

	res := c.post(agentPath(d, "/profile"), url.Values{"availability": {"dormido"}, "signature": {"Ana <b>Agente</b>"}, "notify": {"assigned"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "Ana <b>Agente</b>", res.doc.Find(`#signature`).Text(), "kept as typed, shown as text")
	assert.Equal(t, 1, res.doc.Find(`input[name="notify"][value="assigned"][checked]`).Length())

	res = c.post(agentPath(d, "/profile"), url.Values{"availability": {"away"}, "signature": {"Ana\nSoporte"}, "language": {""}, "notify": {"mention"}, "role": {"admin"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	st, err := e.svc.AgentSettings(ctx, d.agent.Actor())
	require.NoError(t, err)
	assert.Equal(t, helpdesk.Away, st.Availability)
	assert.False(t, st.Wants(helpdesk.NotifyAssigned))
	u, err := e.store.User(ctx, d.tenant.ID, d.agent.ID)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.RoleAgent, u.Role, "extra fields are ignored")

	tk := e.consoleOpen(d.customer, "Firma")
	ws := c.get(agentPath(d, "/tickets/"+num(tk.Number)))
	res = c.post(agentPath(d, "/tickets/"+num(tk.Number)+"/reply"), url.Values{
		"version": {formValue(t, ws, `[data-testid="reply-form"]`, "version")}, "seen": {formValue(t, ws, `[data-testid="reply-form"]`, "seen")},
		"visibility": {"public"}, "body": {"Hecho."}, "status": {""},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	var bodies []string
	for _, en := range e.timelineOf(d, tk.Number) {
		if en.Comment != nil {
			bodies = append(bodies, en.Comment.Body)
		}
	}
	assert.Contains(t, bodies, "Hecho.\n\n-- \nAna\nSoporte")

	// Customers never reach it.
	cust := e.client()
	cust.login(d, d.customer)
	assert.NotEqual(t, http.StatusOK, cust.get(agentPath(d, "/profile")).status)
}

// Bulk assign to an agent, move to a group, add a tag and merge into one,
// each ticket through the domain with the version the agent saw.
func TestConsoleBulkAssignGroupTagMerge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("masivo")
	ctx := context.Background()
	g, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Especialistas N2", 2, []helpdesk.UserID{d.agent.ID})
	require.NoError(t, err)
	var tks []helpdesk.Ticket
	for _, s := range []string{"Uno", "Dos", "Tres"} {
		tks = append(tks, e.consoleOpen(d.customer, s))
	}
	c := e.client()
	c.login(d, d.admin)
	sel := func() []string {
		var out []string
		for _, tk := range tks {
			out = append(out, num(tk.Number)+":"+num2(e.staffTicket(d, tk.Number).Version))
		}
		return out
	}
	page := c.get(agentPath(d, "/views/all"))
	assert.Equal(t, 1, page.doc.Find(`#bulk-action option[value="assign:`+num(helpdesk.TicketNumber(d.agent.ID))+`"]`).Length())
	assert.Equal(t, 1, page.doc.Find(`#bulk-action option[value="group:`+num(helpdesk.TicketNumber(g.ID))+`"]`).Length())

	// bulk posts an action and returns the flash it leaves: after the
	// redirect when it applies, on the queue shown again (its selection
	// kept, 422) when it is refused.
	bulk := func(action, arg string, want int) string {
		res := c.post(agentPath(d, "/bulk"), url.Values{"action": {action}, "arg": {arg}, "ticket": sel(), "next": {agentPath(d, "/views/all")}})
		require.Equal(t, want, res.status, res.body)
		if want == http.StatusUnprocessableEntity {
			return text(res, `[data-testid="flash"]`)
		}
		return text(c.get(agentPath(d, "/views/all")), `[data-testid="flash"]`)
	}
	post := func(action, arg string) string { return bulk(action, arg, http.StatusSeeOther) }
	refused := func(action, arg string) string { return bulk(action, arg, http.StatusUnprocessableEntity) }
	assert.Contains(t, post("assign:"+num(helpdesk.TicketNumber(d.agent.ID)), ""), "Tickets actualizados: 3.")
	assert.Contains(t, post("group:"+num(helpdesk.TicketNumber(g.ID)), ""), "Tickets actualizados: 3.")
	assert.Contains(t, refused("tag", "no vale!"), "etiqueta válida")
	assert.Contains(t, post("tag", "Revisar"), "Tickets actualizados: 3.")
	for _, tk := range tks {
		st := e.staffTicket(d, tk.Number)
		assert.Equal(t, d.agent.ID, st.Assignee)
		assert.Equal(t, g.ID, st.Group)
		assert.Contains(t, st.Tags, "revisar")
	}
	assert.Contains(t, refused("merge", "9999"), "número de un ticket")
	assert.Contains(t, post("merge", tks[0].Number.String()), "Tickets actualizados: 2.", "the target is not counted")
	assert.Equal(t, helpdesk.StatusClosed, e.staffTicket(d, tks[1].Number).Status)
	assert.Equal(t, helpdesk.StatusClosed, e.staffTicket(d, tks[2].Number).Status)
	assert.NotEqual(t, helpdesk.StatusClosed, e.staffTicket(d, tks[0].Number).Status, "the target stays")
}
