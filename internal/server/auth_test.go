package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLandingPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.client().get("/")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "es", res.doc.Find("html").AttrOr("lang", ""))
	assert.Contains(t, text(res, "h1"), "centro de ayuda")
	assert.Equal(t, 1, res.doc.Find(`[data-testid="desk-form"]`).Length())
	csp := res.header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self'")
	assert.Contains(t, csp, "frame-ancestors 'none'")
	assert.NotContains(t, csp, "unsafe")
	assert.Equal(t, "nosniff", res.header.Get("X-Content-Type-Options"))
	assert.Zero(t, res.doc.Find("script:not([src])").Length(), "no inline script")
	assert.Zero(t, res.doc.Find("[style]").Length(), "no inline style")
	// Every label points at an input.
	res.doc.Find("label[for]").Each(func(_ int, l *goquery.Selection) {
		assert.Equal(t, 1, res.doc.Find("#"+l.AttrOr("for", "")).Length(), l.Text())
	})
}

func TestCreateDeskSignsTheAdminIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	res := c.post("/", url.Values{
		"name": {"Ferretería Núñez"}, "slug": {"ferreteria"}, "admin_name": {"Rosa Núñez"},
		"email": {"Rosa@Ferreteria.example"}, "password": {testPassword},
		// Mass assignment attempts are ignored.
		"role": {"customer"}, "tenant_id": {"1"}, "is_admin": {"false"},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/ferreteria/agent/", res.header.Get("Location"))

	res = c.get("/ferreteria/agent/")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Rosa Núñez", text(res, `[data-testid="user-name"]`))
	assert.Equal(t, "Ferretería Núñez", text(res, `[data-testid="brand-name"]`))
	assert.Contains(t, text(res, `[data-testid="flash"]`), "Ferretería Núñez")

	tn, err := e.svc.TenantBySlug(context.Background(), "ferreteria")
	require.NoError(t, err)
	u, err := e.store.UserByEmail(context.Background(), tn.ID, "rosa@ferreteria.example")
	require.NoError(t, err)
	assert.Equal(t, "admin", u.Role.String())
	assert.NotContains(t, u.PasswordHash, testPassword)
}

func TestCreateDeskErrorsKeepWhatWasTyped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, field, slug, email, password, want string
	}{
		{"reserved slug", "slug", "admin", "a@b.example", testPassword, "reservada"},
		{"taken slug", "slug", "tomada", "a@b.example", testPassword, "ya está en uso"},
		{"bad slug", "slug", "-Mal Slug-", "a@b.example", testPassword, "minúsculas"},
		{"bad email", "email", "nueva", "no-es-correo", testPassword, "correo válido"},
		{"short password", "password", "nueva", "a@b.example", "corta", "al menos 10"},
		{"common password", "password", "nueva", "a@b.example", "password123", "común"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// One server per case: desk creation is rate limited per IP.
			e := newEnv(t)
			e.newDesk("tomada")
			res := e.client().post("/", url.Values{
				"name": {"Mi <b>equipo</b>"}, "slug": {tt.slug}, "admin_name": {"Ana"}, "email": {tt.email}, "password": {tt.password},
			})
			require.Equal(t, http.StatusUnprocessableEntity, res.status)
			assert.Contains(t, text(res, `[data-testid="error-`+tt.field+`"]`), tt.want)
			assert.Equal(t, "true", res.doc.Find("#"+tt.field).AttrOr("aria-invalid", ""))
			assert.Equal(t, "Mi <b>equipo</b>", res.doc.Find("#name").AttrOr("value", ""), "typed values are kept")
			assert.Equal(t, "Ana", res.doc.Find("#admin_name").AttrOr("value", ""))
			assert.Empty(t, res.doc.Find("#password").AttrOr("value", ""), "a password is never echoed")
			assert.Equal(t, 1, res.doc.Find(`[data-testid="error-summary"]`).Length())
			var n int
			require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT count(*) FROM tenants`).Scan(&n))
			assert.Equal(t, 1, n, "a failed sign-up creates no tenant")
		})
	}
}

func TestLoginFailureNeverRevealsTheAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	wrongPassword := e.client().post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {"not the password"}})
	unknownEmail := e.client().post("/acme/login", url.Values{"email": {"nobody@acme.example"}, "password": {"not the password"}})
	require.Equal(t, http.StatusUnprocessableEntity, wrongPassword.status)
	require.Equal(t, http.StatusUnprocessableEntity, unknownEmail.status)
	assert.Equal(t, text(wrongPassword, `[data-testid="login-error"]`), text(unknownEmail, `[data-testid="login-error"]`))
	assert.Equal(t, d.agent.Email, wrongPassword.doc.Find("#email").AttrOr("value", ""), "the email is kept")
}

func TestLoginLandsByRoleAndRenewsTheSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")

	c := e.client()
	c.get("/acme/login")
	before := c.cookie("atiende_session")
	res := c.post("/acme/login", url.Values{"email": {strings.ToUpper(d.customer.Email)}, "password": {testPassword}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/", res.header.Get("Location"))
	after := c.cookie("atiende_session")
	assert.NotEmpty(t, after)
	assert.NotEqual(t, before, after, "the session token is renewed at login")
	assert.Equal(t, http.StatusNotFound, c.get("/acme/agent/").status, "customers have no console")

	a := e.client()
	res = a.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}, "next": {"https://evil.example/"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/agent/", res.header.Get("Location"), "foreign next is ignored")
	assert.Equal(t, http.StatusOK, a.get("/acme/agent/").status)

	res = a.post("/acme/logout", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status)
	res = a.get("/acme/agent/")
	require.Equal(t, http.StatusSeeOther, res.status, "signed out")
	assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/acme/login?next="))
}

func TestSessionIsBoundToItsTenant(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.newDesk("alfa")
	e.newDesk("beta")
	c := e.client()
	c.login(a, a.admin)
	require.Equal(t, http.StatusOK, c.get("/alfa/agent/").status)
	res := c.get("/beta/agent/")
	assert.Equal(t, http.StatusSeeOther, res.status, "alfa's session grants nothing in beta")
	res = c.get("/beta/")
	assert.Zero(t, res.doc.Find(`[data-testid="user-name"]`).Length())
	assert.NotContains(t, res.body, a.admin.Name)
}

func TestDeactivatedUserIsSignedOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	c.login(d, d.agent)
	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(context.Background(), `UPDATE users SET active = false WHERE tenant_id = $1 AND id = $2`, int64(d.tenant.ID), int64(d.agent.ID))
		require.NoError(t, err)
	})
	assert.Equal(t, http.StatusSeeOther, c.get("/acme/agent/").status)
	res := e.client().post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "a deactivated user cannot sign in")
}

func TestCustomerSignup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	res := c.post("/acme/signup", url.Values{"name": {"  Pedro   Gómez "}, "email": {"pedro@example.com"}, "password": {testPassword}, "role": {"admin"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/", res.header.Get("Location"))
	res = c.get("/acme/")
	assert.Equal(t, "Pedro Gómez", text(res, `[data-testid="user-name"]`))
	u, err := e.store.UserByEmail(context.Background(), d.tenant.ID, "pedro@example.com")
	require.NoError(t, err)
	assert.Equal(t, "customer", u.Role.String(), "role from the form is ignored")

	// A taken address is not refused: its owner is mailed a link instead
	// (auth_reset_test.go follows the mail).
	res = e.client().post("/acme/signup", url.Values{"name": {"Otro"}, "email": {"PEDRO@example.com"}, "password": {testPassword}})
	require.Equal(t, http.StatusOK, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="signup-mailed"]`))
	assert.Empty(t, res.header.Values("Set-Cookie"), "nobody is signed in")
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	form := url.Values{"email": {d.agent.Email}, "password": {testPassword}}
	for name, h := range map[string]http.Header{
		"sec-fetch-site": {"Sec-Fetch-Site": {"cross-site"}},
		"evil origin":    {"Origin": {"https://evil.example"}},
		"null origin":    {"Origin": {"null"}},
	} {
		t.Run(name, func(t *testing.T) {
			c := e.client()
			res := c.do(http.MethodPost, "/acme/login", form, h)
			assert.Equal(t, http.StatusForbidden, res.status)
			assert.Empty(t, c.cookie("atiende_session"), "no session was opened")
		})
	}
	same := e.client().do(http.MethodPost, "/acme/login", form, http.Header{"Sec-Fetch-Site": {"same-origin"}})
	assert.Equal(t, http.StatusSeeOther, same.status)
}

func TestLoginIsRateLimitedPerAccount(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, map[string]string{"ATIENDE_TRUSTED_PROXY_HEADER": "X-Forwarded-For"})
	d := e.newDesk("acme")
	c := e.client()
	c.header.Set("X-Forwarded-For", "203.0.113.7")
	var last response
	for range 11 {
		last = c.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {"wrong password"}})
	}
	assert.Equal(t, http.StatusTooManyRequests, last.status)
	// Even the right password is refused until the window passes.
	res := c.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}})
	assert.Equal(t, http.StatusTooManyRequests, res.status)
	// Another account is not affected.
	res = c.post("/acme/login", url.Values{"email": {d.admin.Email}, "password": {testPassword}})
	assert.Equal(t, http.StatusSeeOther, res.status)
	// Failing on purpose from elsewhere does not lock the real user out.
	owner := e.client()
	owner.header.Set("X-Forwarded-For", "198.51.100.20")
	res = owner.post("/acme/login", url.Values{"email": {strings.ToUpper(d.agent.Email)}, "password": {testPassword}})
	assert.Equal(t, http.StatusSeeOther, res.status)
	// Successful sign-ins do not count.
	for range 12 {
		fresh := e.client()
		fresh.header.Set("X-Forwarded-For", "198.51.100.21")
		require.Equal(t, http.StatusSeeOther, fresh.post("/acme/login", url.Values{"email": {d.admin.Email}, "password": {testPassword}}).status)
	}
}

func TestIPv6ClientsAreLimitedByNetwork(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, map[string]string{"ATIENDE_TRUSTED_PROXY_HEADER": "X-Forwarded-For"})
	d := e.newDesk("acme")
	var last response
	for i := range 11 {
		c := e.client()
		// A new address of the same /64 every time.
		c.header.Set("X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i+1))
		last = c.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {"wrong password"}})
	}
	assert.Equal(t, http.StatusTooManyRequests, last.status)
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.newDesk("acme")
	c := e.client()
	assert.Equal(t, "Iniciar sesión", text(c.get("/acme/login"), "h1"))
	res := c.post("/lang", url.Values{"lang": {"en"}, "next": {"/acme/login"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/login", res.header.Get("Location"))
	res = c.get("/acme/login")
	assert.Equal(t, "Sign in", text(res, "h1"))
	assert.Equal(t, "en", res.doc.Find("html").AttrOr("lang", ""))

	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		res = c.post("/lang", url.Values{"lang": {"es"}, "next": {next}})
		assert.Equal(t, "/", res.header.Get("Location"), next)
	}
}

func TestUnknownTenantAndErrorPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	res := c.get("/no-such-desk/")
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.Equal(t, "404", text(res, ".error-code"))
	assert.Equal(t, http.StatusNotFound, c.get("/no-such-desk/agent/").status)
	assert.Equal(t, http.StatusNotFound, c.get("/Bad_Slug!/login").status)
	assert.Equal(t, http.StatusMethodNotAllowed, c.do(http.MethodDelete, "/", nil, nil).status)
}

func TestEscapesHostileInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	payload := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	res := c.post("/", url.Values{"name": {payload}, "slug": {"xss"}, "admin_name": {payload}, "email": {"x@xss.example"}, "password": {testPassword}})
	require.Equal(t, http.StatusSeeOther, res.status)
	res = c.get("/xss/agent/")
	require.Equal(t, http.StatusOK, res.status)
	assert.NotContains(t, res.body, "<script>alert")
	assert.NotContains(t, res.body, "<img src=x")
	assert.Contains(t, text(res, `[data-testid="brand-name"]`), "<script>alert(1)</script>")
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.client().post("/", url.Values{"name": {strings.Repeat("a", 2<<20)}})
	assert.Equal(t, http.StatusRequestEntityTooLarge, res.status)
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	assert.Equal(t, http.StatusOK, c.get("/healthz").status)
	res := c.get("/readyz")
	assert.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, `"ok"`)
}

func TestServerErrorShowsAReferenceAndNoDetail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.newDesk("acme")
	// A database failure mid-request: the pool is closed under the server.
	e.pool.Close()
	res := e.client().get("/acme/login")
	require.Equal(t, http.StatusInternalServerError, res.status)
	ref := text(res, ".request-id")
	assert.NotEmpty(t, ref, "the page gives a reference for support")
	assert.NotContains(t, res.body, "closed pool", "no internal detail is shown")
	assert.NotContains(t, strings.ToLower(res.body), "postgres")
}
