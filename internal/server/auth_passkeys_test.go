package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/passkey"
	"github.com/atiende/atiende/internal/passkey/passkeytest"
)

// The test server's configured public URL: the relying party the
// software authenticator's "browser" runs on.
const passkeyOrigin = "http://localhost:8080"

func withPasskeys(t *testing.T) helpdesk.Option {
	t.Helper()
	rp, err := passkey.New(passkeyOrigin, "Atiende")
	require.NoError(t, err)
	return helpdesk.WithPasskeys(rp)
}

// postJSON posts body as JSON, as web/static/js/passkeys.js does, and
// returns the status and the raw answer.
func (c *client) postJSON(path string, body []byte) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.url+path, bytes.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return res.StatusCode, b
}

// begin posts a ceremony's first request and returns the options.
func (c *client) begin(path string, form url.Values) []byte {
	c.t.Helper()
	res := c.post(path, form)
	require.Equal(c.t, http.StatusOK, res.status, res.body)
	return []byte(res.body)
}

// redirectOf reads a finished ceremony's {"redirect": …}.
func redirectOf(t *testing.T, body []byte) string {
	t.Helper()
	var out struct{ Redirect string }
	require.NoError(t, json.Unmarshal(body, &out), string(body))
	return out.Redirect
}

// addPasskey registers a new key of auth for c's user through the page's
// routes.
func addPasskey(t *testing.T, c *client, auth *passkeytest.Authenticator, slug, name string) *passkeytest.Credential {
	t.Helper()
	resp, cred, err := auth.Create(c.begin("/"+slug+"/account/passkeys/begin", url.Values{"name": {name}}))
	require.NoError(t, err)
	status, body := c.postJSON("/"+slug+"/account/passkeys/finish", resp)
	require.Equal(t, http.StatusOK, status, string(body))
	assert.Equal(t, "/"+slug+"/account/passkeys", redirectOf(t, body))
	return cred
}

// TestPasskeyRegistrationAndSignIns: an agent adds a passkey from the
// account page (mailed notice), then uses it as the second step after the
// password and to sign in without one. A replayed registration is
// refused; a counter that goes back refuses the sign-in and mails the
// owner.
func TestPasskeyRegistrationAndSignIns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withPasskeys(t), withMail())
	d := e.newDesk("acme")
	mb := e.startMail(t)
	auth := passkeytest.New(passkeyOrigin)
	c := e.client()
	c.login(d, d.agent)

	page := c.get("/acme/account/passkeys")
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, 1, page.doc.Find(`[data-testid="passkey-nojs"]`).Length(), "says it needs JavaScript")
	_, hidden := page.doc.Find(`[data-testid="passkey-add-form"]`).Attr("hidden")
	assert.True(t, hidden, "the form waits for the script")
	res := c.post("/acme/account/passkeys/begin", url.Values{"name": {"  "}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Ponle un nombre")

	options := c.begin("/acme/account/passkeys/begin", url.Values{"name": {"Portátil"}})
	resp, cred, err := auth.Create(options)
	require.NoError(t, err)
	status, body := c.postJSON("/acme/account/passkeys/finish", resp)
	require.Equal(t, http.StatusOK, status, string(body))
	status, _ = c.postJSON("/acme/account/passkeys/finish", resp)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "a finished ceremony does not finish twice")
	page = c.get("/acme/account/passkeys")
	assert.Equal(t, "Portátil", text(page, `[data-testid="passkey-name"]`))
	assert.Contains(t, mb.waitFor(d.agent.Email, "llave").Subject, "Nueva llave de acceso")

	// Second step: the password, then the passkey instead of a code.
	s2 := e.client()
	res = s2.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}, "next": {"/acme/agent/"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/login/2fa", res.header.Get("Location"))
	assert.Equal(t, 1, s2.get("/acme/login/2fa").doc.Find(`[data-testid="login-code-passkey"]`).Length())
	resp, err = auth.Get(s2.begin("/acme/login/2fa/passkey/begin", nil), cred)
	require.NoError(t, err)
	status, body = s2.postJSON("/acme/login/2fa/passkey/finish", resp)
	require.Equal(t, http.StatusOK, status, string(body))
	assert.Equal(t, "/acme/agent/", redirectOf(t, body))
	assert.Equal(t, http.StatusOK, s2.get("/acme/agent/").status)

	// Passwordless, from the login page.
	s3 := e.client()
	assert.Equal(t, 1, s3.get("/acme/login").doc.Find(`[data-testid="login-passkey"]`).Length())
	resp, err = auth.Get(s3.begin("/acme/login/passkey/begin", nil), cred)
	require.NoError(t, err)
	status, body = s3.postJSON("/acme/login/passkey/finish", resp)
	require.Equal(t, http.StatusOK, status, string(body))
	assert.Equal(t, "/acme/agent/", redirectOf(t, body))
	assert.Equal(t, http.StatusOK, s3.get("/acme/agent/").status)
	status, _ = s3.postJSON("/acme/login/passkey/finish", resp)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "a replayed assertion is refused")

	// The key's counter goes back: a copy is in use.
	cred.Count = 0
	s4 := e.client()
	resp, err = auth.Get(s4.begin("/acme/login/passkey/begin", nil), cred)
	require.NoError(t, err)
	status, body = s4.postJSON("/acme/login/passkey/finish", resp)
	assert.Equal(t, http.StatusUnprocessableEntity, status, string(body))
	assert.Equal(t, http.StatusSeeOther, s4.get("/acme/agent/").status, "not signed in")
	assert.Contains(t, mb.waitFor(d.agent.Email, "copia").Subject, "posible copia")
}

// TestPasskeyCeremonyWorksOnce: the ceremony a token names is taken by
// its first finish, whatever the answer, in the database itself.
func TestPasskeyCeremonyWorksOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withPasskeys(t))
	d := e.newDesk("acme")
	ctx := context.Background()
	auth := passkeytest.New(passkeyOrigin)
	options, token, err := e.svc.BeginPasskeyRegistration(ctx, d.customer.Actor(), "Teléfono")
	require.NoError(t, err)
	resp, _, err := auth.Create(options)
	require.NoError(t, err)
	_, _, err = e.svc.FinishPasskeyRegistration(ctx, d.customer.Actor(), token, resp)
	require.NoError(t, err)
	_, _, err = e.svc.FinishPasskeyRegistration(ctx, d.customer.Actor(), token, resp)
	assert.ErrorIs(t, err, helpdesk.ErrUnauthenticated)

	options, token, err = e.svc.BeginPasskeyRegistration(ctx, d.customer.Actor(), "Otro")
	require.NoError(t, err)
	_, _, err = e.svc.FinishPasskeyRegistration(ctx, d.customer.Actor(), token, []byte(`{"id":"x"}`))
	assert.ErrorIs(t, err, helpdesk.ErrUnauthenticated)
	resp, _, err = auth.Create(options)
	require.NoError(t, err)
	_, _, err = e.svc.FinishPasskeyRegistration(ctx, d.customer.Actor(), token, resp)
	assert.ErrorIs(t, err, helpdesk.ErrUnauthenticated, "a failed finish used the ceremony up")
}

// TestPasskeySignInRefusals: a customer's passkey does not sign in
// without a password, another desk's passkey does not sign in here, and
// the last factor of staff whose desk requires one cannot be removed.
func TestPasskeySignInRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withPasskeys(t), withMail())
	acme, beta := e.newDesk("acme"), e.newDesk("beta")
	e.startMail(t)
	auth := passkeytest.New(passkeyOrigin)

	cust := e.client()
	cust.login(acme, acme.customer)
	custKey := addPasskey(t, cust, auth, "acme", "Móvil")
	c := e.client()
	resp, err := auth.Get(c.begin("/acme/login/passkey/begin", nil), custKey)
	require.NoError(t, err)
	status, _ := c.postJSON("/acme/login/passkey/finish", resp)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "customers sign in with their password")

	agent := e.client()
	agent.login(acme, acme.agent)
	agentKey := addPasskey(t, agent, auth, "acme", "Llave USB")
	resp, err = auth.Get(c.begin("/beta/login/passkey/begin", nil), agentKey)
	require.NoError(t, err)
	status, _ = c.postJSON("/beta/login/passkey/finish", resp)
	assert.Equal(t, http.StatusUnprocessableEntity, status, "acme's passkey is nobody at beta")
	assert.Equal(t, http.StatusSeeOther, c.get("/beta/agent/").status)

	// A registration begun at acme does not finish at beta.
	other := e.client()
	other.login(beta, beta.agent)
	resp, _, err = auth.Create(agent.begin("/acme/account/passkeys/begin", url.Values{"name": {"Otra"}}))
	require.NoError(t, err)
	status, _ = other.postJSON("/beta/account/passkeys/finish", resp)
	assert.Equal(t, http.StatusUnprocessableEntity, status)

	admin := e.client()
	admin.login(acme, acme.admin)
	require.Equal(t, http.StatusSeeOther, admin.post("/acme/admin/people/require-2fa", url.Values{"require": {"on"}}).status)
	page := agent.get("/acme/account/passkeys")
	remove := page.doc.Find(`[data-testid="passkey-row"] form`).AttrOr("action", "")
	require.NotEmpty(t, remove)
	res := agent.post(remove, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "tu último método")
	assert.Equal(t, http.StatusNotFound, other.post("/beta"+remove[len("/acme"):], nil).status, "not beta's agent's passkey")
	require.Equal(t, http.StatusSeeOther, admin.post("/acme/admin/people/require-2fa", nil).status)
	res = agent.post(remove, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, 0, agent.get("/acme/account/passkeys").doc.Find(`[data-testid="passkey-row"]`).Length())
}
