package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// invite creates an invitation through the people page and returns the
// link's path.
func invite(t *testing.T, c *client, d desk, email, role string) string {
	t.Helper()
	res := c.post(adminPath(d, "/people/invite"), url.Values{"email": {email}, "role": {role}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	link := res.doc.Find(`[data-testid="invite-link"]`).AttrOr("value", "")
	require.NotEmpty(t, link)
	u, err := url.Parse(link)
	require.NoError(t, err)
	return u.Path
}

func TestInvitationFlowAndTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("invita")
	other := e.newDesk("otro")
	c := e.adminClient(d)

	// Refused: bad email, an unknown role, an email with an account.
	res := c.post(adminPath(d, "/people/invite"), url.Values{"email": {"no es correo"}, "role": {"superuser"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-email"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-role"]`))
	assert.Equal(t, "no es correo", res.doc.Find(`#email`).AttrOr("value", ""))
	res = c.post(adminPath(d, "/people/invite"), url.Values{"email": {d.customer.Email}, "role": {"agent"}})
	assert.Equal(t, "Ya hay una cuenta con este correo en el centro.", text(res, `[data-testid="error-email"]`))

	path := invite(t, c, d, "nueva@invita.example", "agent")
	token := path[strings.LastIndex(path, "/")+1:]
	assert.Len(t, token, 43)
	page := c.get(adminPath(d, "/people"))
	assert.Equal(t, 1, page.doc.Find(`[data-testid="invitation"]`).Length())
	assert.Zero(t, page.doc.Find(`[data-testid="invite-link"]`).Length(), "the link is shown once")

	// Malformed, case-changed and other desks' tokens are no invitation.
	anon := e.client()
	// Flip the case of the first letter (a token may start with a digit).
	i := strings.IndexFunc(token, unicode.IsLetter)
	require.GreaterOrEqual(t, i, 0)
	flipped := token[:i] + strings.ToUpper(token[i:i+1]) + token[i+1:]
	if flipped == token {
		flipped = token[:i] + strings.ToLower(token[i:i+1]) + token[i+1:]
	}
	for _, p := range []string{"/invita/invitations/x", "/invita/invitations/%20", "/invita/invitations/" + flipped, "/otro/invitations/" + token} {
		res := anon.get(p)
		assert.Equal(t, http.StatusNotFound, res.status, p)
		assert.Equal(t, 1, res.doc.Find(`[data-testid="invitation-invalid"]`).Length(), p)
		assert.Equal(t, "no-referrer", res.header.Get("Referrer-Policy"))
		res = anon.post(p, url.Values{"name": {"Intrusa"}, "password": {testPassword}})
		assert.Equal(t, http.StatusNotFound, res.status, p)
	}
	_, err := e.store.UserByEmail(context.Background(), other.tenant.ID, "nueva@invita.example")
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)

	// The invitee sees the form; a weak password is refused with the name kept.
	res = anon.get(path)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "nueva@invita.example")
	res = anon.post(path, url.Values{"name": {"Nora Nueva"}, "password": {"12345678"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-password"]`))
	assert.Equal(t, "Nora Nueva", res.doc.Find(`#name`).AttrOr("value", ""))
	assert.Empty(t, res.doc.Find(`#password`).AttrOr("value", ""), "never echoed")

	res = anon.post(path, url.Values{"name": {"Nora Nueva"}, "password": {testPassword}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/invita/agent/", res.header.Get("Location"))
	res = anon.get("/invita/agent/")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Nora Nueva", text(res, `[data-testid="user-name"]`))

	// Used once: a second use is refused.
	again := e.client()
	assert.Equal(t, http.StatusNotFound, again.get(path).status)
	assert.Equal(t, http.StatusNotFound, again.post(path, url.Values{"name": {"Otra"}, "password": {testPassword}}).status)

	// Expired and revoked links do not work either.
	expired := invite(t, c, d, "tarde@invita.example", "admin")
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(context.Background(), `UPDATE invitations SET created_at = now() - interval '9 days', expires_at = now() - interval '1 day' WHERE email = 'tarde@invita.example'`)
		require.NoError(t, err)
	})
	assert.Equal(t, http.StatusNotFound, again.get(expired).status)
	revoked := invite(t, c, d, "anulada@invita.example", "agent")
	page = c.get(adminPath(d, "/people"))
	href := page.doc.Find(`[data-testid="invitation-revoke"]`).Parent().AttrOr("action", "")
	require.NotEmpty(t, href)
	require.Equal(t, http.StatusSeeOther, c.post(href, url.Values{}).status)
	assert.Equal(t, http.StatusNotFound, again.get(revoked).status)

	log := c.get(adminPath(d, "/audit?kind=invitation"))
	assert.Equal(t, 4, log.doc.Find(`[data-testid="audit-entry"]`).Length(), "three invitations and one revocation")
	log = c.get(adminPath(d, "/audit?action=person.join"))
	assert.Equal(t, 1, log.doc.Find(`[data-testid="audit-entry"]`).Length())
}

func TestPeopleRolesDeactivationAndRouting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("equipo")
	other := e.newDesk("fuera")
	ctx := context.Background()
	c := e.adminClient(d)
	agentPage := adminPath(d, "/people/"+id64(d.agent.ID))
	adminPage := adminPath(d, "/people/"+id64(d.admin.ID))

	// The last admin keeps the role and cannot be deactivated.
	res := c.post(adminPage+"/role", url.Values{"role": {"agent"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Contains(t, text(res, `[data-testid="error-summary"]`), "último administrador")
	res = c.post(adminPage+"/active", url.Values{})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	u, err := e.svc.User(ctx, d.tenant.ID, d.admin.ID)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.RoleAdmin, u.Role)
	assert.True(t, u.Active)
	// A customer is no person of the team; another desk's agent is not found.
	assert.Equal(t, http.StatusNotFound, c.get(adminPath(d, "/people/"+id64(d.customer.ID))).status)
	assert.Equal(t, http.StatusNotFound, c.get(adminPath(d, "/people/"+id64(other.agent.ID))).status)
	assert.Equal(t, http.StatusNotFound, c.post(adminPath(d, "/people/"+id64(other.agent.ID))+"/active", url.Values{}).status)
	o, err := e.svc.User(ctx, other.tenant.ID, other.agent.ID)
	require.NoError(t, err)
	assert.True(t, o.Active)

	// Promote the agent, then the first admin may step down.
	require.Equal(t, http.StatusSeeOther, c.post(agentPage+"/role", url.Values{"role": {"admin"}}).status)
	require.Equal(t, http.StatusSeeOther, c.post(agentPage+"/role", url.Values{"role": {"agent"}}).status)

	// Skills, groups and cap.
	cat, err := e.svc.CreateCategory(ctx, d.admin.Actor(), "Redes")
	require.NoError(t, err)
	g, err := e.svc.CreateGroup(ctx, d.admin.Actor(), "Soporte N1", 1, nil)
	require.NoError(t, err)
	foreignCat, err := e.svc.CreateCategory(ctx, other.admin.Actor(), "Ajena")
	require.NoError(t, err)
	res = c.post(agentPage+"/routing", url.Values{"skills": {id64(cat.ID), id64(foreignCat.ID)}, "groups": {id64(g.ID)}, "max_open_tickets": {"0"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-skills"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-max_open_tickets"]`))
	assert.Equal(t, "0", res.doc.Find(`#max_open_tickets`).AttrOr("value", ""), "typed values kept")
	assert.Equal(t, 1, res.doc.Find(`[data-testid="groups-`+id64(g.ID)+`"][checked]`).Length())
	res = c.post(agentPage+"/routing", url.Values{"skills": {id64(cat.ID)}, "groups": {id64(g.ID)}, "max_open_tickets": {"12"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	_, routing, _, err := e.svc.AdminPerson(ctx, d.admin.Actor(), d.agent.ID)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.AgentRouting{Skills: []helpdesk.CategoryID{cat.ID}, Groups: []helpdesk.GroupID{g.ID}, MaxOpenTickets: 12}, routing)

	// Deactivating ends the agent's session at once and lists their open tickets.
	tk := e.consoleOpen(d.customer, "Sin conexión")
	_, err = e.svc.Assign(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number, Version: tk.Version}, helpdesk.Assignment{Agent: &d.agent.ID})
	require.NoError(t, err)
	ag := e.client()
	ag.login(d, d.agent)
	require.Equal(t, http.StatusOK, ag.get("/equipo/agent/").status)
	res = c.post(agentPage+"/active", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page := c.get(agentPage)
	assert.Contains(t, text(page, `[data-testid="flash"]`), "1 ticket abierto por reasignar")
	assert.Equal(t, 1, page.doc.Find(`[data-testid="open-ticket"]`).Length())
	assert.Equal(t, 1, page.doc.Find(`[data-testid="inactive"]`).Length())
	res = ag.get("/equipo/agent/")
	assert.Equal(t, http.StatusSeeOther, res.status, "their session ended")
	bad := e.client()
	res = bad.post("/equipo/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}})
	assert.NotEqual(t, http.StatusSeeOther, res.status, "cannot sign in")
	// Reactivated, they sign in again.
	require.Equal(t, http.StatusSeeOther, c.post(agentPage+"/active", url.Values{}).status)
	bad.login(d, d.agent)

	log := c.get(adminPath(d, "/audit?kind=person"))
	assert.Equal(t, 5, log.doc.Find(`[data-testid="audit-entry"]`).Length(), "two role changes, routing, deactivate, reactivate")
}
