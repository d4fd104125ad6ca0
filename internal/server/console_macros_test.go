package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// macroNamed finds macro name among those u may use.
func (e *env) macroNamed(u helpdesk.User, name string) helpdesk.Macro {
	e.t.Helper()
	ms, err := e.svc.Macros(context.Background(), u.Actor())
	require.NoError(e.t, err)
	for _, m := range ms {
		if m.Name == name {
			return m
		}
	}
	e.t.Fatalf("%s has no macro %q", u.Name, name)
	return helpdesk.Macro{}
}

func macroParam(m helpdesk.Macro) string { return strconv.FormatInt(int64(m.ID), 10) }

func optionLabels(r response, sel string) []string {
	var out []string
	r.doc.Find(sel + " option").Each(func(_ int, s *goquery.Selection) {
		if v, _ := s.Attr("value"); v != "" {
			out = append(out, strings.TrimSpace(s.Text()))
		}
	})
	return out
}

func TestConsoleMacrosPageCreatesAndKeepsTypedInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("macros")
	admin, ag := e.client(), e.client()
	admin.login(d, d.admin)
	ag.login(d, d.agent)

	page := admin.get(agentPath(d, "/macros"))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, 1, page.doc.Find(`[data-testid="macro-shared"]`).Length(), "admins may share")
	res := admin.post(agentPath(d, "/macros"), url.Values{"name": {"Saludo"}, "body": {"Hola {{requester.name}}"}, "shared": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, agentPath(d, "/macros"), res.header.Get("Location"))

	page = ag.get(agentPath(d, "/macros"))
	require.Equal(t, http.StatusOK, page.status)
	assert.Zero(t, page.doc.Find(`[data-testid="macro-shared"]`).Length(), "agents get no shared checkbox")
	assert.Equal(t, "Saludo", text(page, `[data-testid="macro-name"]`))
	assert.Equal(t, "Compartida", text(page, `[data-testid="macro-scope"]`))

	// A forged "shared" from an agent is refused and stores nothing.
	res = ag.post(agentPath(d, "/macros"), url.Values{"name": {"Mía compartida"}, "shared": {"1"}})
	assert.Equal(t, http.StatusForbidden, res.status)
	ms, err := e.svc.Macros(context.Background(), d.agent.Actor())
	require.NoError(t, err)
	assert.Len(t, ms, 1)

	// Refused input comes back as typed, with every problem.
	res = ag.post(agentPath(d, "/macros"), url.Values{
		"name": {""}, "body": {"Texto <b>escrito</b>"}, "status": {"pending"}, "priority": {"high"}, "tags": {"mal<tag>"},
	})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "Este campo es obligatorio.", text(res, `[data-testid="error-name"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-tags"]`))
	assert.Equal(t, "Texto <b>escrito</b>", res.doc.Find(`textarea[name="body"]`).Text())
	assert.Equal(t, "mal<tag>", res.doc.Find(`input[name="tags"]`).AttrOr("value", ""))
	assert.Equal(t, "pending", res.doc.Find(`select[name="status"] option[selected]`).AttrOr("value", ""))
	assert.Equal(t, "high", res.doc.Find(`select[name="priority"] option[selected]`).AttrOr("value", ""))

	res = ag.post(agentPath(d, "/macros"), url.Values{"name": {"Mi macro"}, "body": {"Un momento"}, "tags": {"espera"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page = ag.get(agentPath(d, "/macros"))
	assert.Contains(t, page.body, "creada")
	assert.Equal(t, 2, page.doc.Find(`[data-testid="macro"]`).Length())
}

func TestConsoleMacroInsertAndApplyOnReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("canned")
	other := e.newDesk("otro")
	ctx := context.Background()
	luis, err := e.svc.CreateUser(ctx, d.tenant.ID, "Luis Agente", "luis@canned.example", testPassword, helpdesk.RoleAgent)
	require.NoError(t, err)
	_, err = e.svc.CreateMacro(ctx, d.admin.Actor(), helpdesk.MacroInput{Name: "Gracias", Body: "Gracias, {{requester.name}}.", Shared: true})
	require.NoError(t, err)
	_, err = e.svc.CreateMacro(ctx, d.agent.Actor(), helpdesk.MacroInput{
		Name: "Pedir captura", Body: "Hola {{requester.name}}, sobre {{ticket.number}} «{{ticket.subject}}»: ¿nos envías una captura? {{otra.cosa}}\n{{agent.name}}",
		Status: "pending", Priority: "high", Tags: "captura vip",
	})
	require.NoError(t, err)
	_, err = e.svc.CreateMacro(ctx, luis.Actor(), helpdesk.MacroInput{Name: "Secreto de Luis", Body: "texto privado de Luis"})
	require.NoError(t, err)
	_, err = e.svc.CreateMacro(ctx, other.admin.Actor(), helpdesk.MacroInput{Name: "Ajena", Body: "texto de otro desk", Shared: true})
	require.NoError(t, err)
	mine, luisMacro, foreign := e.macroNamed(d.agent, "Pedir captura"), e.macroNamed(luis, "Secreto de Luis"), e.macroNamed(other.admin, "Ajena")

	tk := e.consoleOpen(d.customer, "No puedo entrar")
	c := e.client()
	c.login(d, d.agent)
	ws := agentPath(d, "/tickets/"+num(tk.Number))
	page := c.get(ws)
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, []string{"Gracias", "Pedir captura"}, optionLabels(page, `[data-testid="macro-select"]`), "shared and own, not Luis's")
	assert.NotContains(t, page.body, "Secreto de Luis")
	assert.Zero(t, page.doc.Find(`[data-testid="macro-note"]`).Length())

	// Another agent's macro or another desk's, forged in the URL: not found,
	// nothing of it shown.
	for _, id := range []string{macroParam(luisMacro), macroParam(foreign), "0", "x", "99999"} {
		res := c.get(ws + "?macro=" + id)
		assert.Equal(t, http.StatusNotFound, res.status, id)
		assert.NotContains(t, res.body, "privado")
		assert.NotContains(t, res.body, "otro desk")
	}

	// Inserting fills the reply box and "submit as", and lists the changes.
	page = c.get(ws + "?macro=" + macroParam(mine))
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Equal(t, "Hola Customer canned, sobre "+tk.Number.String()+" «No puedo entrar»: ¿nos envías una captura? {{otra.cosa}}\nAgent canned",
		page.doc.Find(`[data-testid="reply-body"]`).Text())
	assert.Equal(t, "pending", page.doc.Find(`[data-testid="submit-as"] option[selected]`).AttrOr("value", ""))
	assert.Equal(t, macroParam(mine), formValue(t, page, `[data-testid="reply-form"]`, "macro"))
	changes := text(page, `[data-testid="macro-changes"]`)
	assert.Contains(t, changes, "Estado: Pendiente")
	assert.Contains(t, changes, "Prioridad: Alta")
	assert.Contains(t, changes, "Añadir etiquetas: captura vip")
	assert.Equal(t, "Pedir captura", page.doc.Find(`[data-testid="macro-select"] option[selected]`).Text())

	// A reply carrying another agent's or another desk's macro writes
	// nothing.
	before := len(e.timelineOf(d, tk.Number))
	for _, id := range []string{macroParam(luisMacro), macroParam(foreign)} {
		res := c.post(ws+"/reply", url.Values{
			"version": {formValue(t, page, `[data-testid="reply-form"]`, "version")},
			"body":    {"x"}, "visibility": {"public"}, "macro": {id},
		})
		assert.Equal(t, http.StatusNotFound, res.status)
	}
	assert.Len(t, e.timelineOf(d, tk.Number), before)

	// Sending applies the status, the priority and the tags.
	res := c.post(ws+"/reply", url.Values{
		"version":    {formValue(t, page, `[data-testid="reply-form"]`, "version")},
		"seen":       {formValue(t, page, `[data-testid="reply-form"]`, "seen")},
		"body":       {page.doc.Find(`[data-testid="reply-body"]`).Text()},
		"visibility": {"public"},
		"status":     {"pending"},
		"macro":      {macroParam(mine)},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	got := e.staffTicket(d, tk.Number)
	assert.Equal(t, helpdesk.StatusPending, got.Status)
	assert.Equal(t, helpdesk.PriorityHigh, got.Priority)
	assert.Equal(t, []string{"captura", "vip"}, got.Tags)
	after := c.get(res.header.Get("Location"))
	flash := text(after, `[data-testid="flash"]`)
	assert.Contains(t, flash, "Respuesta enviada.")
	assert.Contains(t, flash, "Prioridad cambiada a Alta.")
	assert.Contains(t, after.doc.Find(`[data-testid="timeline"]`).Text(), "¿nos envías una captura?")
}

func TestConsoleMacroTextStaysInert(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("inerte")
	_, err := e.svc.CreateMacro(context.Background(), d.agent.Actor(), helpdesk.MacroInput{
		Name: "<img src=x onerror=alert(1)>", Body: "<script>alert('x')</script> {{ticket.subject}}",
	})
	require.NoError(t, err)
	m := e.macroNamed(d.agent, "<img src=x onerror=alert(1)>")
	tk := e.consoleOpen(d.customer, "<b>negrita</b>")
	c := e.client()
	c.login(d, d.agent)
	for _, p := range []string{"/tickets/" + num(tk.Number) + "?macro=" + macroParam(m), "/macros"} {
		res := c.get(agentPath(d, p))
		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.NotContains(t, res.body, "<script>alert")
		assert.NotContains(t, res.body, "<img src=x")
		assert.Contains(t, res.body, "&lt;script&gt;")
		res.doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			assert.NotContains(t, s.Text(), "alert('x')")
		})
	}
	page := c.get(agentPath(d, "/tickets/"+num(tk.Number)+"?macro="+macroParam(m)))
	assert.Equal(t, "<script>alert('x')</script> <b>negrita</b>", page.doc.Find(`[data-testid="reply-body"]`).Text())
}

// Macros are edited and deleted by their owner, shared ones by admins;
// another agent's macro is not found, a shared one is not theirs to change.
func TestConsoleMacroEditAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("editar")
	ctx := context.Background()
	luis, err := e.svc.CreateUser(ctx, d.tenant.ID, "Luis", "luis@editar.example", testPassword, helpdesk.RoleAgent)
	require.NoError(t, err)
	own, err := e.svc.CreateMacro(ctx, d.agent.Actor(), helpdesk.MacroInput{Name: "Pedir datos", Body: "¿Nos das más datos?", Status: "pending"})
	require.NoError(t, err)
	shared, err := e.svc.CreateMacro(ctx, d.admin.Actor(), helpdesk.MacroInput{Name: "Gracias", Body: "Gracias", Shared: true})
	require.NoError(t, err)
	ana, other, admin := e.client(), e.client(), e.client()
	ana.login(d, d.agent)
	other.login(d, luis)
	admin.login(d, d.admin)
	path := func(m helpdesk.Macro) string { return agentPath(d, "/macros/"+macroParam(m)) }

	list := ana.get(agentPath(d, "/macros"))
	assert.Equal(t, 1, list.doc.Find(`[data-testid="macro-edit"]`).Length(), "her own only")
	assert.Equal(t, http.StatusNotFound, other.get(path(own)).status)
	assert.Equal(t, http.StatusNotFound, other.post(path(own)+"/delete", nil).status)
	assert.Equal(t, http.StatusForbidden, ana.post(path(shared)+"/delete", nil).status)

	edit := ana.get(path(own))
	require.Equal(t, http.StatusOK, edit.status, edit.body)
	assert.Equal(t, "Pedir datos", edit.doc.Find(`#macro-name`).AttrOr("value", ""))
	res := ana.post(path(own), url.Values{"name": {""}, "body": {"Nuevo texto"}, "status": {"closed"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Equal(t, "Nuevo texto", res.doc.Find(`#macro-body`).Text())
	res = ana.post(path(own), url.Values{"name": {"Pedir más datos"}, "body": {"¿Nos mandas una captura?"}, "status": {"pending"}, "tags": {"datos"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	m := e.macroNamed(d.agent, "Pedir más datos")
	assert.Equal(t, "¿Nos mandas una captura?", m.Body)
	assert.Equal(t, []string{"datos"}, m.Tags)

	res = admin.post(path(shared), url.Values{"name": {"Muchas gracias"}, "body": {"Gracias"}, "shared": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "Muchas gracias", e.macroNamed(luis, "Muchas gracias").Name)

	res = ana.post(path(own)+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, res.status)
	ms, err := e.svc.Macros(ctx, d.agent.Actor())
	require.NoError(t, err)
	assert.Len(t, ms, 1, "only the shared one is left")
}
