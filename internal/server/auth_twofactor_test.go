package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/mail"
	"github.com/atiende/atiende/internal/totp"
)

// TestTwoStepSignIn: an agent turns two-step verification on from the
// account page (QR and key), gets recovery codes, and from then on a
// sign-in needs a code; a recovery code works once; an admin's reset
// removes the factor, with a mail.
func TestTwoStepSignIn(t *testing.T) {
	t.Parallel()
	gen := totp.Generator{}
	e := newEnv(t, helpdesk.WithTwoFactor(gen, mail.NewSecretBoxFor([]byte(strings.Repeat("z", 32)), "atiende-totp-secret-v1")), withMail())
	d := e.newDesk("acme")
	mb := e.startMail(t)
	c := e.client()
	c.login(d, d.agent)

	res := c.post("/acme/account/2fa/start", nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	page := c.get("/acme/account/2fa")
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, "no-store", page.header.Get("Cache-Control"))
	secret := text(page, `[data-testid="twofactor-secret"]`)
	require.Len(t, secret, 32)
	assert.NotEmpty(t, page.doc.Find(`[data-testid="twofactor-qr"] path`).AttrOr("d", ""))
	res = c.post("/acme/account/2fa/confirm", url.Values{"code": {"123456"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	now, err := gen.Code(secret, gen.Step(time.Now()))
	require.NoError(t, err)
	res = c.post("/acme/account/2fa/confirm", url.Values{"code": {now}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	codes := res.doc.Find(`[data-testid="recovery-code"]`).Map(func(_ int, s *goquery.Selection) string { return s.Text() })
	require.Len(t, codes, 10)

	// A sign-in stops at the second step.
	s2 := e.client()
	res = s2.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}, "next": {"/acme/agent/"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/login/2fa", res.header.Get("Location"))
	assert.Equal(t, http.StatusSeeOther, s2.get("/acme/agent/").status, "not signed in yet")
	assert.Equal(t, http.StatusOK, s2.get("/acme/login/2fa").status)
	res = s2.post("/acme/login/2fa", url.Values{"code": {now}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "the enrolment code is used")
	res = s2.post("/acme/login/2fa", url.Values{"code": {codes[0]}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/agent/", res.header.Get("Location"))
	assert.Equal(t, http.StatusOK, s2.get("/acme/agent/").status)

	s3 := e.client()
	s3.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}})
	assert.Equal(t, http.StatusUnprocessableEntity, s3.post("/acme/login/2fa", url.Values{"code": {codes[0]}}).status, "used up")
	assert.Equal(t, http.StatusSeeOther, e.client().get("/acme/login/2fa").status, "nothing pending: back to login")

	// The admin resets it: the agent is told, and signs in with the password alone.
	admin := e.client()
	admin.login(d, d.admin)
	res = admin.post("/acme/admin/people/"+itoa(int64(d.agent.ID))+"/2fa/reset", nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Contains(t, mb.waitFor(d.agent.Email, "dos pasos").Subject, "Verificación en dos pasos desactivada")
	e.client().login(d, d.agent)
	ag := e.client()
	ag.login(d, d.customer)
	assert.Equal(t, http.StatusNotFound, ag.post("/acme/admin/people/"+itoa(int64(d.agent.ID))+"/2fa/reset", nil).status)
}

// TestRequiredTwoStepForcesEnrolment: once an admin requires two-step
// verification of staff, an agent without it signs in to the enrolment
// page and can reach nothing else until it is on; customers are not held.
func TestRequiredTwoStepForcesEnrolment(t *testing.T) {
	t.Parallel()
	gen := totp.Generator{}
	e := newEnv(t, helpdesk.WithTwoFactor(gen, mail.NewSecretBoxFor([]byte(strings.Repeat("z", 32)), "atiende-totp-secret-v1")))
	d := e.newDesk("acme")
	admin := e.client()
	admin.login(d, d.admin)
	res := admin.post("/acme/admin/people/require-2fa", url.Values{"require": {"on"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	_, checked := admin.get("/acme/admin/people").doc.Find(`[data-testid="require-2fa"]`).Attr("checked")
	assert.True(t, checked)

	c := e.client()
	res = c.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/account/2fa", res.header.Get("Location"))
	for _, p := range []string{"/acme/agent/", "/acme/account", "/acme/tickets"} {
		res = c.get(p)
		assert.Equal(t, http.StatusSeeOther, res.status, p)
		assert.Equal(t, "/acme/account/2fa", res.header.Get("Location"), p)
	}
	require.Equal(t, http.StatusSeeOther, c.post("/acme/account/2fa/start", nil).status)
	secret := text(c.get("/acme/account/2fa"), `[data-testid="twofactor-secret"]`)
	code, err := gen.Code(secret, gen.Step(time.Now()))
	require.NoError(t, err)
	res = c.post("/acme/account/2fa/confirm", url.Values{"code": {code}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, http.StatusOK, c.get("/acme/agent/").status, "enrolled: free to go")

	cust := e.client()
	cust.login(d, d.customer)
	assert.Equal(t, http.StatusOK, cust.get("/acme/account").status, "customers are not held")
}
