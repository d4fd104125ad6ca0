package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/mail"
	"github.com/atiende/atiende/internal/sso"
	"github.com/atiende/atiende/internal/sso/ssotest"
)

// withSSO gives the service single sign-on with providers on loopback.
func withSSO() helpdesk.Option {
	return helpdesk.WithSSO(sso.New(true), mail.NewSecretBoxFor([]byte(strings.Repeat("s", 32)), "atiende-sso-secret-v1"))
}

// ssoPeople are the provider's accounts the tests sign in as.
var ssoPeople = []ssotest.User{
	{ID: "sub-new", Email: "nueva@acme.test", EmailVerified: true, First: "Nueva", Last: "Persona"},
	{ID: "sub-ana", Email: "Ana@acme.test", EmailVerified: true, First: "Ana", Last: "Ruiz"},
	{ID: "sub-out", Email: "fuera@otra.test", EmailVerified: true, First: "De", Last: "Fuera"},
	{ID: "sub-unverified", Email: "sinverificar@acme.test", EmailVerified: false, First: "Sin", Last: "Verificar"},
}

// ssoDesk is a desk with its provider set up through the admin page.
func ssoDesk(t *testing.T, e *env, slug string, form url.Values) (desk, *ssotest.Provider) {
	t.Helper()
	d := e.newDesk(slug)
	op := ssotest.Start(t, []string{"http://localhost:8080/" + slug + "/sso/callback"}, ssoPeople...)
	admin := e.client()
	admin.login(d, d.admin)
	f := url.Values{"enabled": {"on"}, "issuer": {op.Issuer + "/"}, "client_id": {ssotest.ClientID},
		"client_secret": {ssotest.ClientSecret}, "allowed_domains": {"acme.test"}, "new_user_role": {"customer"},
		"button_label": {"Acme"}}
	for k, v := range form {
		f[k] = v
	}
	res := admin.post("/"+slug+"/admin/sso", f)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	return d, op
}

// ssoSignIn starts a sign-in at desk slug, signs in at the provider as
// user and returns the callback's path and query on Atiende.
func ssoSignIn(t *testing.T, c *client, op *ssotest.Provider, slug, user string) string {
	t.Helper()
	res := c.post("/"+slug+"/sso/start", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.True(t, strings.HasPrefix(loc, op.Issuer), loc)
	back := op.SignIn(loc, user)
	require.Equal(t, "/"+slug+"/sso/callback", back.Path)
	return back.Path + "?" + back.RawQuery
}

func (e *env) count(d desk, sql string, args ...any) int {
	e.t.Helper()
	var n int
	e.asTenant(d, func(tx pgx.Tx) { require.NoError(e.t, tx.QueryRow(context.Background(), sql, args...).Scan(&n)) })
	return n
}

func TestSSOCreatesAccountsJustInTimeAndLinksByEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSSO())
	d, op := ssoDesk(t, e, "acme", url.Values{"new_user_role": {"agent"}})
	ctx := context.Background()

	login := e.client().get("/acme/login")
	assert.Equal(t, "Entrar con Acme", text(login, `[data-testid="sso-start"]`))

	// A new address becomes an agent, signed in on a renewed session.
	c := e.client()
	cb := ssoSignIn(t, c, op, "acme", "sub-new")
	before := c.cookie("atiende_session")
	require.NotEmpty(t, before)
	res := c.get(cb)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/agent/", res.header.Get("Location"))
	assert.NotEqual(t, before, c.cookie("atiende_session"), "session token renewed")
	assert.Equal(t, http.StatusOK, c.get("/acme/agent/").status)
	u, err := e.store.UserByEmail(ctx, d.tenant.ID, "nueva@acme.test")
	require.NoError(t, err)
	assert.Equal(t, helpdesk.RoleAgent, u.Role)
	assert.Equal(t, "Nueva Persona", u.Name)
	assert.Empty(t, u.PasswordHash)
	assert.Equal(t, 1, e.count(d, `SELECT count(*) FROM sso_identities WHERE subject = 'sub-new' AND user_id = $1`, int64(u.ID)))

	// The second time the link finds the same account; nothing is created.
	c2 := e.client()
	res = c2.get(ssoSignIn(t, c2, op, "acme", "sub-new"))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, 1, e.count(d, `SELECT count(*) FROM users WHERE email = 'nueva@acme.test'`))

	// An existing account with the verified address is linked, whatever
	// the case of the address at the provider, and keeps its role.
	ana, err := e.svc.CreateUser(ctx, d.tenant.ID, "Ana Ruiz", "ana@acme.test", testPassword, helpdesk.RoleCustomer)
	require.NoError(t, err)
	c3 := e.client()
	res = c3.get(ssoSignIn(t, c3, op, "acme", "sub-ana"))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/", res.header.Get("Location"))
	assert.Equal(t, 1, e.count(d, `SELECT count(*) FROM sso_identities WHERE subject = 'sub-ana' AND user_id = $1`, int64(ana.ID)))
	assert.Equal(t, 3, e.count(d, `SELECT count(*) FROM audit_log WHERE action = 'sso.signin'`))
	assert.Equal(t, 1, e.count(d, `SELECT count(*) FROM audit_log WHERE action = 'sso.create'`))
	assert.Equal(t, 1, e.count(d, `SELECT count(*) FROM audit_log WHERE action = 'sso.link'`))
	assert.Equal(t, 1, e.count(d, `SELECT count(*) FROM user_sessions WHERE user_id = $1`, int64(ana.ID)))
}

func TestSSORefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSSO())
	d, op := ssoDesk(t, e, "acme", nil)
	e.newDesk("beta")
	users := e.count(d, `SELECT count(*) FROM users`)
	refused := func(res response, status int, words string) {
		t.Helper()
		assert.Equal(t, status, res.status, res.body)
		assert.Contains(t, text(res, `[data-testid="login-error"]`), words)
		assert.Zero(t, res.doc.Find(`[data-testid="user-name"]`).Length())
	}

	t.Run("domain not allowed", func(t *testing.T) {
		c := e.client()
		refused(c.get(ssoSignIn(t, c, op, "acme", "sub-out")), http.StatusForbidden, "dominio permitido")
	})
	t.Run("email not verified", func(t *testing.T) {
		c := e.client()
		refused(c.get(ssoSignIn(t, c, op, "acme", "sub-unverified")), http.StatusForbidden, "no ha verificado")
	})
	t.Run("wrong state", func(t *testing.T) {
		c := e.client()
		back, _ := url.Parse(ssoSignIn(t, c, op, "acme", "sub-new"))
		q := back.Query()
		q.Set("state", q.Get("state")+"x")
		refused(c.get(back.Path+"?"+q.Encode()), http.StatusBadRequest, "caducó")
	})
	t.Run("callback replayed", func(t *testing.T) {
		c := e.client()
		cb := ssoSignIn(t, c, op, "acme", "sub-new")
		require.Equal(t, http.StatusSeeOther, c.get(cb).status)
		refused(e.client().get(cb), http.StatusBadRequest, "caducó")
		c.post("/acme/logout", url.Values{})
		refused(c.get(cb), http.StatusBadRequest, "caducó")
	})
	t.Run("code of an older sign-in", func(t *testing.T) {
		// A code issued for another sign-in (another nonce and verifier)
		// under this session's current state is refused.
		c := e.client()
		old, _ := url.Parse(ssoSignIn(t, c, op, "acme", "sub-new"))
		cur, _ := url.Parse(ssoSignIn(t, c, op, "acme", "sub-new"))
		q := old.Query()
		q.Set("state", cur.Query().Get("state"))
		refused(c.get(old.Path+"?"+q.Encode()), http.StatusBadRequest, "No se pudo completar")
	})
	t.Run("another desk's callback", func(t *testing.T) {
		c := e.client()
		back, _ := url.Parse(ssoSignIn(t, c, op, "acme", "sub-new"))
		res := c.get("/beta/sso/callback?" + back.RawQuery)
		refused(res, http.StatusBadRequest, "caducó")
		assert.Equal(t, http.StatusSeeOther, c.get("/beta/agent/").status)
		// And the pending sign-in is gone for acme too.
		refused(c.get(back.Path+"?"+back.RawQuery), http.StatusBadRequest, "caducó")
	})
	t.Run("provider error", func(t *testing.T) {
		c := e.client()
		res := c.post("/acme/sso/start", url.Values{})
		loc, _ := url.Parse(res.header.Get("Location"))
		refused(c.get("/acme/sso/callback?error=access_denied&state="+loc.Query().Get("state")), http.StatusBadRequest, "no completó")
	})
	assert.Equal(t, users+1, e.count(d, `SELECT count(*) FROM users`), "only the successful sign-ins' account was made")
	assert.Equal(t, http.StatusNotFound, e.client().post("/beta/sso/start", url.Values{}).status, "no provider at beta")
}

func TestSSOOnlyRefusesStaffPasswords(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSSO())
	d, _ := ssoDesk(t, e, "acme", url.Values{"staff_sso_only": {"on"}})
	pw := func(u helpdesk.User) response {
		return e.client().post("/acme/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	}
	res := pw(d.agent)
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, text(res, `[data-testid="login-error"]`), "inicio de sesión único")
	assert.Equal(t, 1, res.doc.Find(`[data-testid="sso-start"]`).Length())
	bad := e.client().post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {"otra frase equivocada"}})
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status, "a wrong password says only that")
	assert.Equal(t, http.StatusSeeOther, pw(d.admin).status, "admins keep their password (break-glass)")
	assert.Equal(t, http.StatusSeeOther, pw(d.customer).status)
}

func TestAdminSSOSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withSSO())
	d, op := ssoDesk(t, e, "acme", nil)
	admin := e.client()
	admin.login(d, d.admin)
	page := admin.get("/acme/admin/sso")
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, op.Issuer, page.doc.Find(`#sso-issuer`).AttrOr("value", ""))
	assert.Equal(t, "", page.doc.Find(`#sso-client_secret`).AttrOr("value", ""))
	assert.NotContains(t, page.body, ssotest.ClientSecret, "the secret is never shown back")
	assert.Contains(t, text(page, `[data-testid="sso-redirect"]`), "http://localhost:8080/acme/sso/callback")
	assert.Equal(t, 1, e.count(d, `SELECT count(*) FROM sso_settings WHERE position($1 in encode(secret_enc, 'escape')) = 0`, ssotest.ClientSecret), "sealed at rest")

	// Bad input: messages, the form keeps what was typed, nothing changes.
	res := admin.post("/acme/admin/sso", url.Values{"issuer": {"ftp://idp"}, "client_id": {"otro"}, "allowed_domains": {"no es dominio"},
		"new_user_role": {"agent"}, "client_secret": {"nuevo-secreto"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-sso-issuer"]`))
	assert.NotEmpty(t, text(res, `[data-testid="error-sso-allowed_domains"]`))
	assert.Equal(t, "otro", res.doc.Find(`#sso-client_id`).AttrOr("value", ""))
	assert.NotContains(t, res.body, "nuevo-secreto")
	res = admin.post("/acme/admin/sso", url.Values{"issuer": {op.Issuer + "/nada"}, "client_id": {"otro"}, "new_user_role": {"agent"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="error-sso-issuer"]`), "configuración OpenID")
	assert.Contains(t, text(res, `[data-testid="error-sso-allowed_domains"]`), "al menos un dominio")
	assert.Equal(t, 1, e.count(d, `SELECT count(*) FROM sso_settings WHERE client_id = $1`, ssotest.ClientID))

	// A blank secret keeps the stored one; the audit log never holds it.
	res = admin.post("/acme/admin/sso", url.Values{"issuer": {op.Issuer}, "client_id": {ssotest.ClientID}, "new_user_role": {"customer"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	c := e.client()
	assert.Zero(t, c.get("/acme/login").doc.Find(`[data-testid="sso-block"]`).Length(), "turned off: no button")
	assert.Equal(t, http.StatusNotFound, c.post("/acme/sso/start", url.Values{}).status)
	assert.Equal(t, 2, e.count(d, `SELECT count(*) FROM audit_log WHERE action = 'sso.update'`))
	assert.Zero(t, e.count(d, `SELECT count(*) FROM audit_log WHERE after::text LIKE '%' || $1 || '%'`, ssotest.ClientSecret))

	ag := e.client()
	ag.login(d, d.agent)
	assert.Equal(t, http.StatusNotFound, ag.get("/acme/admin/sso").status)
}

// TestSSOIssuerGuard: with the address guard on, a loopback issuer is
// refused when saved.
func TestSSOIssuerGuard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, helpdesk.WithSSO(sso.New(false), mail.NewSecretBoxFor([]byte(strings.Repeat("s", 32)), "atiende-sso-secret-v1")))
	d := e.newDesk("acme")
	op := ssotest.Start(t, nil)
	admin := e.client()
	admin.login(d, d.admin)
	for _, issuer := range []string{op.Issuer, "https://127.0.0.1:1", "https://169.254.169.254"} {
		res := admin.post("/acme/admin/sso", url.Values{"enabled": {"on"}, "issuer": {issuer}, "client_id": {"x"},
			"client_secret": {"y"}, "new_user_role": {"customer"}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.status, issuer)
		assert.NotEmpty(t, text(res, `[data-testid="error-sso-issuer"]`), issuer)
	}
	assert.Zero(t, e.count(d, `SELECT count(*) FROM sso_settings`))
}
