package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestAdminOrganisationsDomainsAndSignUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("orgs")
	ctx := context.Background()
	c := e.adminClient(d)

	res := c.post(adminPath(d, "/organisations"), url.Values{"name": {"Ferretería Núñez"}, "domains": {"ferreteria.example, no es dominio"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="error-domains"]`))
	assert.Equal(t, "ferreteria.example, no es dominio", res.doc.Find(`#domains`).AttrOr("value", ""))

	res = c.post(adminPath(d, "/organisations"), url.Values{"name": {"Ferretería Núñez"}, "domains": {"@Ferreteria.example ferreteria.es"}, "shared": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = c.post(adminPath(d, "/organisations"), url.Values{"name": {"Otra"}, "domains": {"ferreteria.es"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Equal(t, "Uno de los dominios ya pertenece a otra organización.", text(res, `[data-testid="error-domains"]`))
	orgs, err := e.svc.Organisations(ctx, d.admin.Actor())
	require.NoError(t, err)
	require.Len(t, orgs, 1)
	assert.Equal(t, []string{"ferreteria.es", "ferreteria.example"}, orgs[0].Domains)
	assert.True(t, orgs[0].SharedTickets)

	// A customer signing up with that domain joins it; another does not.
	u, err := e.svc.RegisterCustomer(ctx, d.tenant.ID, helpdesk.NewCustomer{Name: "Pepa", Email: "pepa@FERRETERIA.es", Password: testPassword})
	require.NoError(t, err)
	assert.Equal(t, orgs[0].ID, u.Organisation)
	u2, err := e.svc.RegisterCustomer(ctx, d.tenant.ID, helpdesk.NewCustomer{Name: "Luis", Email: "luis@otra.example", Password: testPassword})
	require.NoError(t, err)
	assert.Zero(t, u2.Organisation)

	// Edit: stop sharing.
	res = c.post(adminPath(d, "/organisations/"+id64(orgs[0].ID)), url.Values{"name": {"Ferretería Núñez"}, "domains": {"ferreteria.es"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	o, err := e.svc.AdminOrganisation(ctx, d.admin.Actor(), orgs[0].ID)
	require.NoError(t, err)
	assert.False(t, o.SharedTickets)
	assert.Equal(t, []string{"ferreteria.es"}, o.Domains)
	assert.Equal(t, 1, o.Members)
}

func TestAdminCustomersSearchEditBlockMerge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("clientes")
	other := e.newDesk("otros")
	ctx := context.Background()
	c := e.adminClient(d)
	old := e.newCustomer(d, "Rosa Antigua")
	tk := e.consoleOpen(old, "Pedido sin llegar")

	res := c.get(adminPath(d, "/customers?q=rosa"))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, 1, res.doc.Find(`[data-testid="customer"]`).Length())
	assert.Equal(t, "Rosa Antigua", text(res, `[data-testid="customer-name"]`))
	res = c.get(adminPath(d, "/customers?q=%25"))
	assert.Zero(t, res.doc.Find(`[data-testid="customer"]`).Length(), "LIKE wildcards are searched as text")
	assert.Equal(t, http.StatusNotFound, c.get(adminPath(d, "/customers/"+id64(d.agent.ID))).status, "an agent is no customer")
	assert.Equal(t, http.StatusNotFound, c.get(adminPath(d, "/customers/"+id64(other.customer.ID))).status)

	// Edit, refused then accepted.
	page := adminPath(d, "/customers/"+id64(old.ID))
	res = c.post(page, url.Values{"name": {""}, "phone": {"abc"}, "organisation": {"999999"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-name"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-phone"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-organisation"]`))
	assert.Equal(t, "abc", res.doc.Find(`#phone`).AttrOr("value", ""))
	res = c.post(page, url.Values{"name": {"Rosa Martín"}, "phone": {"+34 600 000 000"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	// Blocked: cannot sign in, their session ends.
	rc := e.client()
	rc.login(d, old)
	require.Equal(t, http.StatusOK, rc.get("/clientes/tickets").status)
	require.Equal(t, http.StatusSeeOther, c.post(page+"/block", url.Values{}).status)
	assert.Equal(t, http.StatusSeeOther, rc.get("/clientes/tickets").status, "signed out")
	res = e.client().post("/clientes/login", url.Values{"email": {old.Email}, "password": {testPassword}})
	assert.NotEqual(t, http.StatusSeeOther, res.status)
	require.Equal(t, http.StatusSeeOther, c.post(page+"/block", url.Values{}).status, "unblock")

	// Merge: tickets follow, the merged record is deactivated.
	res = c.post(page+"/merge", url.Values{"into": {other.customer.Email}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "another desk's customer is no target")
	assert.Equal(t, other.customer.Email, res.doc.Find(`#into`).AttrOr("value", ""))
	res = c.post(page+"/merge", url.Values{"into": {old.Email}})
	assert.Equal(t, "Elige otro cliente: no se puede fusionar consigo mismo.", text(res, `[data-testid="error-into"]`))
	res = c.post(page+"/merge", url.Values{"into": {d.customer.Email}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	moved, err := e.svc.Ticket(ctx, d.admin.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Equal(t, d.customer.ID, moved.Requester.User)
	gone, err := e.svc.AdminCustomer(ctx, d.admin.Actor(), old.ID)
	require.NoError(t, err)
	assert.False(t, gone.Active)
	assert.Equal(t, d.customer.ID, gone.MergedInto)
	cust := e.client()
	cust.login(d, d.customer)
	assert.Equal(t, http.StatusOK, cust.get("/clientes/tickets/"+num(tk.Number)).status, "the ticket is now the surviving customer's")
	o, err := e.svc.User(ctx, other.tenant.ID, other.customer.ID)
	require.NoError(t, err)
	assert.True(t, o.Active)

	log := c.get(adminPath(d, "/audit?kind=customer"))
	assert.Equal(t, 4, log.doc.Find(`[data-testid="audit-entry"]`).Length(), "update, block, unblock, merge")
}
