package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// TestConsoleWorkspaceShowsEverythingToStaff: public replies, internal
// notes (labelled), events as sentences, the requester with their other
// tickets, and forms carrying the ticket's version.
func TestConsoleWorkspaceShowsEverythingToStaff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("espacio")
	ctx := context.Background()
	tk := e.consoleOpen(d.customer, "La impresora no imprime")
	older := e.consoleOpen(d.customer, "Factura duplicada")
	e.moveTo(d.agent, older.Number, helpdesk.StatusSolved)
	stranger := e.consoleCustomer(d, "Otra Clienta")
	e.consoleOpen(stranger, "No es suyo")

	at := helpdesk.TicketVersion{Number: tk.Number}
	_, err := e.svc.AddNote(ctx, d.agent.Actor(), at, helpdesk.CommentInput{Body: "Mirar el driver <b>antes</b>"})
	require.NoError(t, err)
	_, err = e.svc.SetPriority(ctx, d.agent.Actor(), at, helpdesk.PriorityHigh)
	require.NoError(t, err)
	_, err = e.svc.Reply(ctx, d.agent.Actor(), at, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "¿Qué modelo es?"}, Public: true})
	require.NoError(t, err)
	_, err = e.svc.SetTags(ctx, d.agent.Actor(), at, []string{"impresora hardware"})
	require.NoError(t, err)

	c := e.client()
	c.login(d, d.agent)
	res := c.get(agentPath(d, "/tickets/"+num(tk.Number)))
	require.Equal(t, http.StatusOK, res.status, res.body)

	assert.Equal(t, "La impresora no imprime", text(res, `[data-testid="subject"]`))
	note := res.doc.Find(`[data-testid="note"]`)
	require.Equal(t, 1, note.Length())
	assert.True(t, note.HasClass("comment-internal"))
	assert.Equal(t, "Nota interna", strings.TrimSpace(note.Find(`[data-testid="note-label"]`).Text()))
	assert.Contains(t, note.Text(), "Mirar el driver <b>antes</b>", "note text is shown as text")
	assert.Zero(t, note.Find("b").Length(), "no markup from a note")
	replies := res.doc.Find(`[data-testid="reply"]`)
	assert.Equal(t, 2, replies.Length(), "the description and the agent's reply")
	assert.Contains(t, replies.Eq(0).Text(), "Descripción: La impresora no imprime")
	assert.Contains(t, replies.Eq(1).Text(), "¿Qué modelo es?")

	var events []string
	res.doc.Find(`[data-testid="event"]`).Each(func(_ int, s *goquery.Selection) {
		events = append(events, strings.Join(strings.Fields(s.Text()), " "))
	})
	assert.True(t, contains(events, d.agent.Name+" cambió la prioridad de Media a Alta"), "%q", events)
	assert.True(t, contains(events, d.agent.Name+" cambió el estado de Nuevo a Abierto"), "%q", events)
	assert.True(t, contains(events, d.agent.Name+" añadió las etiquetas hardware, impresora"), "%q", events)

	assert.Equal(t, d.customer.Name, text(res, `[data-testid="requester-name"]`))
	assert.Equal(t, d.customer.Email, text(res, `[data-testid="requester-email"]`))
	others := text(res, `[data-testid="requester-others"]`)
	assert.Contains(t, others, "Factura duplicada")
	assert.Contains(t, others, "Resuelto")
	assert.NotContains(t, others, "La impresora no imprime", "not the ticket itself")
	assert.NotContains(t, res.body, "No es suyo")

	version := e.staffTicket(d, tk.Number).Version
	for _, form := range []string{"reply-form", "assign-form"} {
		assert.Equal(t, num2(version), formValue(t, res, `[data-testid="`+form+`"]`, "version"), form)
	}
	assert.Equal(t, "hardware impresora", res.doc.Find(`#field-tags`).AttrOr("value", ""))
	_, ok := res.doc.Find(`[data-testid="reply-public"]`).Attr("checked")
	assert.True(t, ok, "a reply is public unless the agent says otherwise")
}

// TestConsoleReplySubmitAsPending: one submit answers the requester and
// leaves the ticket Pendiente; the flash confirms both.
func TestConsoleReplySubmitAsPending(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("responder")
	tk := e.consoleOpen(d.customer, "No puedo entrar")
	c := e.client()
	c.login(d, d.agent)
	page := c.get(agentPath(d, "/tickets/"+num(tk.Number)))
	require.Equal(t, http.StatusOK, page.status)

	res := c.post(agentPath(d, "/tickets/"+num(tk.Number)+"/reply"), url.Values{
		"version":    {formValue(t, page, `[data-testid="reply-form"]`, "version")},
		"seen":       {formValue(t, page, `[data-testid="reply-form"]`, "seen")},
		"body":       {"¿Puedes enviarnos una captura del error?"},
		"visibility": {"public"},
		"status":     {"pending"},
		"tenant_id":  {"999"}, // ignored
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, agentPath(d, "/tickets/"+num(tk.Number)), res.header.Get("Location"))
	got := e.staffTicket(d, tk.Number)
	assert.Equal(t, helpdesk.StatusPending, got.Status)
	assert.Equal(t, 1, got.PublicAgentReplies)

	after := c.get(res.header.Get("Location"))
	assert.Contains(t, text(after, `[data-testid="flash"]`), "Respuesta enviada. Estado: Pendiente.")
	assert.Equal(t, "pending", after.doc.Find(`[data-testid="workspace"] .page-header [data-testid="status"]`).AttrOr("data-status", ""))
	assert.Contains(t, text(after, `[data-testid="timeline"]`), "¿Puedes enviarnos una captura del error?")

	// An internal note leaves the status alone and is never public.
	res = c.post(agentPath(d, "/tickets/"+num(tk.Number)+"/reply"), url.Values{
		"version":    {num2(got.Version)},
		"body":       {"El cliente usa Safari"},
		"visibility": {"internal"},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got = e.staffTicket(d, tk.Number)
	assert.Equal(t, helpdesk.StatusPending, got.Status)
	tl := e.timelineOf(d, tk.Number)
	last := tl[len(tl)-1]
	for i := len(tl) - 1; i >= 0 && last.Comment == nil; i-- {
		last = tl[i]
	}
	require.NotNil(t, last.Comment)
	assert.Equal(t, helpdesk.Internal, last.Comment.Visibility)

	// An empty reply is refused with the field's message, at 422.
	res = c.post(agentPath(d, "/tickets/"+num(tk.Number)+"/reply"), url.Values{
		"version": {num2(got.Version)}, "body": {"  "}, "visibility": {"public"},
	})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "Este campo es obligatorio.", text(res, `[data-testid="error-body"]`))
}

// TestConsoleStaleVersionKeepsTheDraft: another agent changed the ticket
// after it was loaded; the submit writes nothing, answers 409, keeps the
// draft and names what changed.
func TestConsoleStaleVersionKeepsTheDraft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("conflicto")
	tk := e.consoleOpen(d.customer, "Pedido retrasado")
	c := e.client()
	c.login(d, d.agent)
	page := c.get(agentPath(d, "/tickets/"+num(tk.Number)))
	require.Equal(t, http.StatusOK, page.status)
	version := formValue(t, page, `[data-testid="reply-form"]`, "version")
	seen := formValue(t, page, `[data-testid="reply-form"]`, "seen")

	// Meanwhile the admin raises the priority and writes a note.
	ctx := context.Background()
	_, err := e.svc.SetPriority(ctx, d.admin.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.PriorityUrgent)
	require.NoError(t, err)
	_, err = e.svc.AddNote(ctx, d.admin.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.CommentInput{Body: "Cliente VIP"})
	require.NoError(t, err)
	before := e.staffTicket(d, tk.Number)
	beforeTimeline := len(e.timelineOf(d, tk.Number))

	draft := "Hola, tu pedido sale mañana.\nUn saludo"
	res := c.post(agentPath(d, "/tickets/"+num(tk.Number)+"/reply"), url.Values{
		"version": {version}, "seen": {seen}, "body": {draft}, "visibility": {"public"}, "status": {"solved"},
	})
	require.Equal(t, http.StatusConflict, res.status, res.body)
	assert.Equal(t, draft, res.doc.Find(`[data-testid="reply-body"]`).Text(), "the draft is kept as typed")
	assert.Equal(t, "solved", res.doc.Find(`[data-testid="submit-as"] option[selected]`).AttrOr("value", ""))
	notice := text(res, `[data-testid="notice"]`)
	assert.Contains(t, notice, "El ticket cambió desde que lo abriste")
	changes := text(res, `[data-testid="notice-changes"]`)
	assert.Contains(t, changes, d.admin.Name+" cambió la prioridad de Media a Crítica")
	assert.Contains(t, changes, d.admin.Name+" añadió una nota interna")
	assert.GreaterOrEqual(t, res.doc.Find(`.timeline .is-new`).Length(), 2)
	// The re-rendered forms carry the current version, so a resubmit works.
	assert.Equal(t, num2(before.Version), formValue(t, res, `[data-testid="reply-form"]`, "version"))

	after := e.staffTicket(d, tk.Number)
	assert.Equal(t, before.Version, after.Version, "nothing written")
	assert.Equal(t, helpdesk.StatusNew, after.Status)
	assert.Len(t, e.timelineOf(d, tk.Number), beforeTimeline)

	// A stale status change is a 409 too; a form without a version never
	// skips the check.
	res = c.post(agentPath(d, "/tickets/"+num(tk.Number)+"/reply"), url.Values{"version": {version}, "op": {"update"}, "status": {"pending"}})
	assert.Equal(t, http.StatusConflict, res.status)
	res = c.post(agentPath(d, "/tickets/"+num(tk.Number)+"/reply"), url.Values{"op": {"update"}, "priority": {"low"}})
	assert.Equal(t, http.StatusConflict, res.status)
	assert.Equal(t, helpdesk.PriorityUrgent, e.staffTicket(d, tk.Number).Priority)
}

// TestConsoleFieldForms: status, priority, assignment and tags through the
// workspace form's "Actualizar" (op=update, no reply), each with
// post/redirect/get and a flash; refusals are shown with their reason.
func TestConsoleFieldForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("campos")
	tk := e.consoleOpen(d.customer, "Cambiar campos")
	c := e.client()
	c.login(d, d.agent)
	path := agentPath(d, "/tickets/"+num(tk.Number))
	version := func() string { return num2(e.staffTicket(d, tk.Number).Version) }

	res := c.post(path+"/assign", url.Values{"version": {version()}, "assignee": {"me"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got := e.staffTicket(d, tk.Number)
	assert.Equal(t, d.agent.ID, got.Assignee)
	assert.Equal(t, helpdesk.StatusOpen, got.Status, "assigning a new ticket opens it")

	update := func(f url.Values) response {
		f.Set("version", version())
		f.Set("op", "update")
		return c.post(path+"/reply", f)
	}
	res = update(url.Values{"priority": {"urgent"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, helpdesk.PriorityUrgent, e.staffTicket(d, tk.Number).Priority)

	res = update(url.Values{"status": {"on_hold"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, helpdesk.StatusOnHold, e.staffTicket(d, tk.Number).Status)
	assert.Contains(t, text(c.get(path), `[data-testid="flash"]`), "Ticket actualizado. Estado: En espera.")

	res = update(url.Values{"tags": {"vip, Urgente"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, []string{"urgente", "vip"}, e.staffTicket(d, tk.Number).Tags)

	res = update(url.Values{"tags": {"<script>"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="error-tags"]`), "Las etiquetas solo admiten")

	res = update(url.Values{"status": {"closed"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "nobody closes by hand")
	assert.Contains(t, text(res, `[data-testid="notice"]`), "no está permitido")
	res = update(url.Values{"status": {"borrado"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)

	res = c.post(path+"/assign", url.Values{"version": {version()}, "assignee": {"nobody"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Zero(t, e.staffTicket(d, tk.Number).Assignee)
	res = c.post(path+"/assign", url.Values{"version": {version()}, "assignee": {num2(int(d.admin.ID))}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "only me or nobody")
}

// TestConsoleTakeAndBulk: "Asignarme" from a queue, and a bulk status
// change where each ticket's rules apply and refusals are listed.
func TestConsoleTakeAndBulk(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("bloque")
	a := e.consoleOpen(d.customer, "Uno")
	b := e.consoleOpen(d.customer, "Dos")
	closed := e.consoleOpen(d.customer, "Tres")
	_, err := e.svc.Merge(context.Background(), d.admin.Actor(), helpdesk.TicketVersion{Number: closed.Number}, a.Number)
	require.NoError(t, err)
	c := e.client()
	c.login(d, d.agent)

	queue := c.get(agentPath(d, "/views/unassigned"))
	require.Equal(t, http.StatusOK, queue.status)
	row := queue.doc.Find(`[data-testid="ticket-row"][data-number="` + b.Number.String() + `"]`)
	form := row.Find(`form[data-take]`)
	action, _ := form.Attr("action")
	next := form.Find(`input[name="next"]`).AttrOr("value", "")
	assert.Equal(t, agentPath(d, "/views/unassigned"), next)
	res := c.post(action, url.Values{"version": {form.Find(`input[name="version"]`).AttrOr("value", "")}, "next": {next}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, next, res.header.Get("Location"))
	assert.Equal(t, d.agent.ID, e.staffTicket(d, b.Number).Assignee)
	back := c.get(next)
	assert.Contains(t, text(back, `[data-testid="flash"]`), "Te asignaste el ticket "+b.Number.String())
	assert.NotContains(t, rowNumbers(back), b.Number.String())

	// Taking with a stale version, or sending "next" off the console, is
	// harmless.
	res = c.post(agentPath(d, "/tickets/"+num(a.Number)+"/take"), url.Values{"version": {"1"}, "next": {"https://evil.example/"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, agentPath(d, "/tickets/"+num(a.Number)), res.header.Get("Location"))
	assert.Zero(t, e.staffTicket(d, a.Number).Assignee)

	// Bulk: a current, a stale and a closed ticket, and one of nobody's.
	va := e.staffTicket(d, a.Number).Version
	vb := e.staffTicket(d, b.Number).Version
	vc := e.staffTicket(d, closed.Number).Version
	res = c.post(agentPath(d, "/bulk"), url.Values{
		"action": {"status:pending"},
		"ticket": {num(a.Number) + ":" + num2(va), num(b.Number) + ":" + num2(vb-1), num(closed.Number) + ":" + num2(vc), "999:1"},
		"next":   {agentPath(d, "/views/all")},
	})
	// Some were refused: the queue comes back (422) with the selection
	// still ticked and the action still chosen.
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	msg := text(res, `[data-testid="flash"]`)
	assert.Equal(t, 1, res.doc.Find(`input[name="ticket"][value^="`+num(b.Number)+`:"][checked]`).Length(), "the refused ticket stays ticked")
	assert.Equal(t, 1, res.doc.Find(`#bulk-action option[value="status:pending"][selected]`).Length())
	assert.Contains(t, msg, "Tickets actualizados: 1.")
	assert.Contains(t, msg, b.Number.String()+" (cambió mientras tanto)")
	assert.Contains(t, msg, closed.Number.String()+" (está cerrado)")
	assert.Contains(t, msg, "#999 (no existe)")
	assert.Equal(t, helpdesk.StatusPending, e.staffTicket(d, a.Number).Status)
	assert.NotEqual(t, helpdesk.StatusPending, e.staffTicket(d, b.Number).Status)

	res = c.post(agentPath(d, "/bulk"), url.Values{"action": {"tag"}, "arg": {"mal etiqueta!"}, "ticket": {num(a.Number) + ":1"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="flash"]`))
	v, _ := res.doc.Find(`#bulk-arg`).Attr("value")
	assert.Equal(t, "mal etiqueta!", v, "the typed value is kept")
	res = c.post(agentPath(d, "/bulk"), url.Values{"action": {"status:gone"}, "ticket": {num(a.Number) + ":1"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="flash"]`), "Elige una acción")
}

// TestConsoleRelateByNumber links, marks as duplicate and merges by number.
func TestConsoleRelateByNumber(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("relacion")
	a := e.consoleOpen(d.customer, "Original")
	b := e.consoleOpen(d.customer, "Repetido")
	m := e.consoleOpen(d.customer, "A fusionar")
	c := e.client()
	c.login(d, d.agent)
	v := func(n helpdesk.TicketNumber) string { return num2(e.staffTicket(d, n).Version) }

	res := c.post(agentPath(d, "/tickets/"+num(b.Number)+"/relate"), url.Values{"version": {v(b.Number)}, "other": {"#" + num(a.Number)}, "relation": {"link"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Contains(t, text(c.get(agentPath(d, "/tickets/"+num(b.Number))), `[data-testid="links"]`), a.Number.String()+" (relacionado)")

	res = c.post(agentPath(d, "/tickets/"+num(b.Number)+"/relate"), url.Values{"version": {v(b.Number)}, "other": {"4242"}, "relation": {"duplicate"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "4242", res.doc.Find("#other").AttrOr("value", ""), "the number typed is kept")

	res = c.post(agentPath(d, "/tickets/"+num(b.Number)+"/relate"), url.Values{"version": {v(b.Number)}, "other": {num(a.Number)}, "relation": {"duplicate"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, helpdesk.StatusSolved, e.staffTicket(d, b.Number).Status)

	res = c.post(agentPath(d, "/tickets/"+num(m.Number)+"/relate"), url.Values{"version": {v(m.Number)}, "other": {"9999"}, "relation": {"merge"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="error-other"]`), "No hay ningún ticket con ese número")
	res = c.post(agentPath(d, "/tickets/"+num(m.Number)+"/relate"), url.Values{"version": {v(m.Number)}, "other": {num(a.Number)}, "relation": {"merge"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, agentPath(d, "/tickets/"+num(a.Number)), res.header.Get("Location"))
	assert.Equal(t, helpdesk.StatusClosed, e.staffTicket(d, m.Number).Status)
	closedPage := c.get(agentPath(d, "/tickets/"+num(m.Number)))
	assert.Equal(t, 1, closedPage.doc.Find(`[data-testid="closed-note"]`).Length())
	assert.Zero(t, closedPage.doc.Find(`[data-testid="reply-form"]`).Length())
}

// TestConsoleIsForStaffOnly: a customer gets 404 on every console route, a
// signed-out visitor the login page.
func TestConsoleIsForStaffOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("solostaff")
	tk := e.consoleOpen(d.customer, "Mi ticket")
	cust := e.client()
	cust.login(d, d.customer)
	anon := e.client()

	var paths []struct{ method, path string }
	err := chi.Walk(e.srv.Router(), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(pattern, "/{tenant}/agent") {
			return nil
		}
		p := strings.NewReplacer("{tenant}", d.tenant.Slug, "{number}", num(tk.Number), "{view}", "all", "{id}", "1").Replace(pattern)
		paths = append(paths, struct{ method, path string }{method, p})
		return nil
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(paths), 10)
	before := e.staffTicket(d, tk.Number)
	for _, p := range paths {
		res := cust.do(p.method, p.path, url.Values{"version": {num2(before.Version)}, "body": {"x"}, "visibility": {"public"}, "assignee": {"me"}}, nil)
		assert.Equal(t, http.StatusNotFound, res.status, "customer %s %s", p.method, p.path)
		assert.NotContains(t, res.body, "data-testid=\"console\"")
		res = anon.do(p.method, p.path, url.Values{}, nil)
		assert.Equal(t, http.StatusSeeOther, res.status, "anonymous %s %s", p.method, p.path)
		assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/"+d.tenant.Slug+"/login"))
	}
	assert.Equal(t, before.Version, e.staffTicket(d, tk.Number).Version, "nothing changed")
}

// TestConsoleOtherTenantsTicketsAreNotFound: an agent of A asking for B's
// ticket numbers in A's console gets 404 and changes nothing of B.
func TestConsoleOtherTenantsTicketsAreNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("inquilino-a")
	b := e.newDesk("inquilino-b")
	e.consoleOpen(a.customer, "Único de A")
	var bs []helpdesk.Ticket
	for _, s := range []string{"B uno", "B dos secreto", "B tres secreto"} {
		bs = append(bs, e.consoleOpen(b.customer, s))
	}
	target := bs[2] // number 3: A has no #3
	bVersion := e.staffTicket(b, target.Number).Version
	c := e.client()
	c.login(a, a.agent)

	res := c.get(agentPath(a, "/tickets/"+num(target.Number)))
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.NotContains(t, res.body, "secreto")
	for _, action := range []string{"reply", "status", "priority", "assign", "take", "tags", "relate"} {
		res := c.post(agentPath(a, "/tickets/"+num(target.Number)+"/"+action), url.Values{
			"version": {num2(bVersion)}, "body": {"intruso"}, "visibility": {"public"}, "status": {"solved"},
			"priority": {"urgent"}, "assignee": {"me"}, "tags": {"x"}, "other": {"1"}, "relation": {"link"},
		})
		assert.Equal(t, http.StatusNotFound, res.status, action)
	}
	res = c.post(agentPath(a, "/bulk"), url.Values{"action": {"status:solved"}, "ticket": {num(target.Number) + ":" + num2(bVersion)}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="flash"]`), "no existe")
	// A's ticket cannot be related to B's by number either.
	res = c.post(agentPath(a, "/tickets/1/relate"), url.Values{"version": {num2(e.staffTicket(a, 1).Version)}, "other": {num(target.Number)}, "relation": {"merge"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)

	assert.Equal(t, bVersion, e.staffTicket(b, target.Number).Version, "B's ticket unchanged")
	all := c.get(agentPath(a, "/views/all?q=secreto"))
	assert.Empty(t, rowNumbers(all))
}
