package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestConsoleViewsListTheRightTickets seeds one ticket per situation and
// checks that each view lists exactly its tickets and that the sidebar's
// counts agree, for two different agents.
func TestConsoleViewsListTheRightTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("vistas")
	ctx := context.Background()

	newUnassigned := e.consoleOpen(d.customer, "Nuevo sin asignar")
	mineOpen := e.consoleOpen(d.customer, "Mío abierto")
	e.assignTo(d.agent, mineOpen.Number)
	minePending := e.consoleOpen(d.customer, "Mío pendiente")
	e.assignTo(d.agent, minePending.Number)
	e.moveTo(d.agent, minePending.Number, helpdesk.StatusPending)
	adminOnHold := e.consoleOpen(d.customer, "Del admin en espera")
	e.assignTo(d.admin, adminOnHold.Number)
	e.moveTo(d.admin, adminOnHold.Number, helpdesk.StatusOnHold)
	mineSolved := e.consoleOpen(d.customer, "Mío resuelto")
	e.moveTo(d.agent, mineSolved.Number, helpdesk.StatusSolved) // solving assigns the solver
	unassignedPending := e.consoleOpen(d.customer, "Pendiente sin asignar")
	e.moveTo(d.agent, unassignedPending.Number, helpdesk.StatusPending)
	merged := e.consoleOpen(d.customer, "Fusionado y cerrado")
	_, err := e.svc.Merge(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: merged.Number}, mineOpen.Number)
	require.NoError(t, err)

	tests := []struct {
		as   helpdesk.User
		view string
		want []helpdesk.Ticket
	}{
		{d.agent, "mine", []helpdesk.Ticket{mineOpen, minePending}},
		{d.agent, "unassigned", []helpdesk.Ticket{newUnassigned, unassignedPending}},
		{d.agent, "pending", []helpdesk.Ticket{minePending, unassignedPending}},
		{d.agent, "on-hold", []helpdesk.Ticket{adminOnHold}},
		{d.agent, "solved", []helpdesk.Ticket{mineSolved}},
		{d.agent, "all", []helpdesk.Ticket{newUnassigned, mineOpen, minePending, adminOnHold, mineSolved, unassignedPending, merged}},
		{d.admin, "mine", []helpdesk.Ticket{adminOnHold}},
		{d.admin, "unassigned", []helpdesk.Ticket{newUnassigned, unassignedPending}},
	}
	clients := map[helpdesk.UserID]*client{}
	for _, u := range []helpdesk.User{d.agent, d.admin} {
		c := e.client()
		c.login(d, u)
		clients[u.ID] = c
	}
	for _, tt := range tests {
		t.Run(tt.as.Name+" "+tt.view, func(t *testing.T) {
			res := clients[tt.as.ID].get(agentPath(d, "/views/"+tt.view))
			require.Equal(t, http.StatusOK, res.status, res.body)
			assert.ElementsMatch(t, refs(tt.want...), rowNumbers(res))
			// Every view's count is in the sidebar of every page.
			assert.Equal(t, fmt.Sprint(len(tt.want)), text(res, `[data-testid="count-`+tt.view+`"]`))
			cur, _ := res.doc.Find(`[data-testid="view-` + tt.view + `"]`).Attr("aria-current")
			assert.Equal(t, "page", cur)
		})
	}

	// The console's home is "Mis tickets abiertos"; the counts fragment
	// (the htmx poll) says the same.
	c := clients[d.agent.ID]
	home := c.get(agentPath(d, "/"))
	require.Equal(t, http.StatusOK, home.status)
	assert.ElementsMatch(t, refs(mineOpen, minePending), rowNumbers(home))
	assert.Equal(t, "mine", home.doc.Find(`[data-testid="queue"]`).AttrOr("data-view", ""))
	frag := c.get(agentPath(d, "/counts?view=pending"))
	require.Equal(t, http.StatusOK, frag.status)
	assert.Equal(t, "2", text(frag, `[data-testid="count-pending"]`))
	assert.Equal(t, "7", text(frag, `[data-testid="count-all"]`))
	assert.Equal(t, "page", frag.doc.Find(`[data-testid="view-pending"]`).AttrOr("aria-current", ""))
	assert.Zero(t, frag.doc.Find("html header").Length(), "the fragment is the sidebar only")

	// Rows show requester, status, priority and assignee, and an
	// unassigned, unsolved ticket offers "Asignarme".
	all := c.get(agentPath(d, "/views/all"))
	row := all.doc.Find(`[data-testid="ticket-row"][data-number="` + minePending.Number.String() + `"]`)
	assert.Equal(t, d.customer.Name, strings.TrimSpace(row.Find(`[data-testid="col-requester"]`).Text()))
	assert.Equal(t, "pending", row.Find(`[data-testid="status"]`).AttrOr("data-status", ""))
	assert.Equal(t, "Pendiente", strings.TrimSpace(row.Find(`[data-testid="status"]`).Text()))
	assert.Equal(t, d.agent.Name, strings.TrimSpace(row.Find(`[data-testid="col-assignee"]`).Text()))
	assert.Zero(t, row.Find(`[data-testid="take"]`).Length())
	fresh := all.doc.Find(`[data-testid="ticket-row"][data-number="` + newUnassigned.Number.String() + `"]`)
	assert.Equal(t, 1, fresh.Find(`[data-testid="take"]`).Length())
	onHold := all.doc.Find(`[data-testid="ticket-row"][data-number="` + adminOnHold.Number.String() + `"]`)
	assert.Equal(t, "En espera", strings.TrimSpace(onHold.Find(`[data-testid="status"]`).Text()), "staff see on hold as such")

	// Filters narrow a view; a status outside the view matches nothing.
	res := c.get(agentPath(d, "/views/all?status=pending"))
	assert.ElementsMatch(t, refs(minePending, unassignedPending), rowNumbers(res))
	res = c.get(agentPath(d, "/views/mine?status=solved"))
	assert.Equal(t, http.StatusOK, res.status)
	assert.Empty(t, rowNumbers(res))
	res = c.get(agentPath(d, "/views/all?q="+url.QueryEscape("resuelto")))
	assert.ElementsMatch(t, refs(mineSolved), rowNumbers(res))
	res = c.get(agentPath(d, "/views/all?q="+url.QueryEscape(minePending.Number.String())))
	assert.Contains(t, rowNumbers(res), minePending.Number.String())

	// An unknown view is a 404, not an empty list.
	assert.Equal(t, http.StatusNotFound, c.get(agentPath(d, "/views/nope")).status)
}

// TestConsoleQueuePagesWithACursor walks 60 tickets 50 at a time: no
// ticket is shown twice and none is skipped, in both directions of a sort.
func TestConsoleQueuePagesWithACursor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("paginas")
	want := map[string]bool{}
	for i := range 60 {
		tk := e.consoleOpen(d.customer, fmt.Sprintf("Ticket número %02d", i))
		want[tk.Number.String()] = true
	}
	c := e.client()
	c.login(d, d.agent)

	for _, sort := range []string{"", "created", "-created", "-priority", "updated"} {
		t.Run("sort="+sort, func(t *testing.T) {
			path := agentPath(d, "/views/all")
			if sort != "" {
				path += "?sort=" + sort
			}
			seen := map[string]bool{}
			var order []string
			pages := 0
			for path != "" {
				res := c.get(path)
				require.Equal(t, http.StatusOK, res.status, res.body)
				pages++
				rows := rowNumbers(res)
				for _, n := range rows {
					assert.False(t, seen[n], "%s shown twice", n)
					seen[n] = true
				}
				order = append(order, rows...)
				next, ok := res.doc.Find(`[data-testid="next-page"]`).Attr("href")
				if !ok {
					break
				}
				if pages == 1 {
					assert.Len(t, rows, 50)
				}
				path = next
				require.Less(t, pages, 5, "pagination does not end")
			}
			assert.Equal(t, 2, pages)
			assert.Equal(t, want, seen, "every ticket exactly once")
			if sort == "created" {
				assert.Equal(t, "#1", order[0])
				assert.Equal(t, "#60", order[59])
			}
			if sort == "-created" {
				assert.Equal(t, "#60", order[0])
			}
		})
	}

	// The second page links back to the first.
	first := c.get(agentPath(d, "/views/all"))
	next := first.doc.Find(`[data-testid="next-page"]`).AttrOr("href", "")
	require.NotEmpty(t, next)
	second := c.get(next)
	assert.Equal(t, agentPath(d, "/views/all"), second.doc.Find(`[data-testid="first-page"]`).AttrOr("href", ""))
}

// TestConsoleQueueRefusesBadParameters: unknown sorts, statuses, forged
// cursors and cursors of another sort are a 400 that says what was wrong,
// never a 500, and the page still works.
func TestConsoleQueueRefusesBadParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("parametros")
	other := e.newDesk("ajeno")
	for i := range 3 {
		e.consoleOpen(d.customer, fmt.Sprintf("Propio %d", i))
	}
	for i := range 55 {
		e.consoleOpen(other.customer, fmt.Sprintf("Secreto ajeno %d", i))
	}
	c := e.client()
	c.login(d, d.agent)

	// A genuine cursor of the other tenant, and one of another sort here.
	oc := e.client()
	oc.login(other, other.agent)
	foreignNext := oc.get(agentPath(other, "/views/all")).doc.Find(`[data-testid="next-page"]`).AttrOr("href", "")
	require.NotEmpty(t, foreignNext)
	fu, err := url.Parse(foreignNext)
	require.NoError(t, err)
	foreignCursor := fu.Query().Get("after")
	require.NotEmpty(t, foreignCursor)

	tests := []struct {
		name, query, message string
	}{
		{"unknown sort", "sort=" + url.QueryEscape("subject; DROP TABLE tickets"), "Ese orden no existe"},
		{"relevance sort", "sort=-relevance", "Ese orden no existe"},
		{"garbage cursor", "after=" + url.QueryEscape("'; SELECT 1 --"), "El enlace de página no es válido"},
		{"cursor of another sort", "sort=created&after=" + foreignCursor, "El enlace de página no es válido"},
		{"huge cursor", "after=" + strings.Repeat("A", 5000), "El enlace de página no es válido"},
		{"unknown status", "status=deleted", "El estado pedido no existe"},
		{"unknown priority", "priority=9", "La prioridad pedida no existe"},
		{"long search", "q=" + strings.Repeat("x", 300), "La búsqueda admite hasta 200 caracteres"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := c.get(agentPath(d, "/views/all?"+tt.query))
			assert.Equal(t, http.StatusBadRequest, res.status)
			assert.Contains(t, text(res, `[data-testid="queue-errors"]`), tt.message)
			// The list still shows the view, from its first page.
			assert.Len(t, rowNumbers(res), 3)
			assert.NotContains(t, res.body, "Secreto ajeno")
		})
	}

	// A well-formed cursor from another tenant parses (it is only a
	// position), but the query carries the tenant: nothing of theirs shows.
	res := c.get(agentPath(d, "/views/all?after="+foreignCursor))
	assert.Less(t, res.status, 500)
	assert.NotContains(t, res.body, "Secreto ajeno")
}

// TestConsoleQueueStatementsDoNotGrowWithTickets counts the SQL statements
// behind a queue page and a ticket page: a small constant, the same with 3
// tickets as with 60 (no query per row).
func TestConsoleQueueStatementsDoNotGrowWithTickets(t *testing.T) {
	t.Parallel()
	e, counter := newCountingEnv(t)
	e.listen()
	d := e.newDesk("consultas")
	c := e.client()
	c.login(d, d.agent)
	first := e.consoleOpen(d.customer, "Primero")
	for i := range 2 {
		e.consoleOpen(d.customer, fmt.Sprintf("Pocos %d", i))
	}
	page := func(p string) counted {
		n := counter.during(func() {
			res := c.get(p)
			require.Equal(t, http.StatusOK, res.status, res.body)
		})
		if testing.Verbose() {
			for _, s := range n.log {
				t.Logf("%s: %.120s", p, s)
			}
		}
		n.log = nil
		return n
	}
	// Warm up: the session's last-seen write, and the desk and user
	// caches once the listener vouches for them.
	require.Eventually(t, func() bool {
		return page(agentPath(d, "/views/all")).trips <= 2 && page(agentPath(d, "/tickets/"+num(first.Number))).trips <= 2
	}, 10*time.Second, 20*time.Millisecond, "the desk and user caches fill once the server listens")
	fewQueue := page(agentPath(d, "/views/all"))
	fewTicket := page(agentPath(d, "/tickets/"+num(first.Number)))

	for i := range 57 {
		tk := e.consoleOpen(d.customer, fmt.Sprintf("Muchos %d", i))
		if i%3 == 0 {
			e.assignTo(d.agent, tk.Number)
		}
	}
	for i := range 20 {
		_, err := e.svc.AddNote(context.Background(), d.agent.Actor(), helpdesk.TicketVersion{Number: first.Number}, helpdesk.CommentInput{Body: fmt.Sprintf("nota %d", i)})
		require.NoError(t, err)
	}
	e.assignTo(d.agent, first.Number)
	manyQueue := page(agentPath(d, "/views/all"))
	manyTicket := page(agentPath(d, "/tickets/"+num(first.Number)))

	t.Logf("queue page: %d statements in %d round trips with 3 tickets, %d in %d with 60", fewQueue.statements, fewQueue.trips, manyQueue.statements, manyQueue.trips)
	t.Logf("ticket page: %d statements in %d round trips with a short timeline, %d in %d with 40 entries", fewTicket.statements, fewTicket.trips, manyTicket.statements, manyTicket.trips)
	assert.Equal(t, fewQueue, manyQueue, "the queue page's statements do not depend on the number of tickets")
	assert.Equal(t, fewTicket, manyTicket, "the ticket page's statements do not depend on its history")
	// The session, then one batch that sets the tenant and reads the list
	// and every count (one statement for all the sidebar's counts); the
	// user, the desk and the queue's directory (filters' choices, saved
	// views) come from the user and desk caches. The ticket page: the
	// session, then one batch (one implicit transaction, the tenant set
	// first) for the workspace (ticket, timeline, the requester's other
	// tickets, one row for the single values with the SLA clock events,
	// the ratings, the call and the draft, the presence stamp) and the
	// sidebar's counts; the desk's settings (SLA setup,
	// pickers' choices, macros, custom fields, saved views) come from the
	// desk cache.
	assert.LessOrEqual(t, manyQueue.trips, 2)
	assert.LessOrEqual(t, manyQueue.statements, 4)
	assert.LessOrEqual(t, manyTicket.trips, 2)
	assert.LessOrEqual(t, manyTicket.statements, 11)
}
