package server_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

const newPassword = "otra frase bien distinta"

// TestPasswordResetByMail: the whole reset over loopback SMTP. The link
// sets the password once; every other session ends; the link then no
// longer works; the user is told their password changed.
func TestPasswordResetByMail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withMail())
	d := e.newDesk("acme")
	mb := e.startMail(t)
	other := e.client()
	other.login(d, d.customer)

	c := e.client()
	res := c.post("/acme/forgot", url.Values{"email": {strings.ToUpper(d.customer.Email)}})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.NotEmpty(t, text(res, `[data-testid="forgot-sent"]`))
	msg := mb.wait(d.customer.Email, 1)
	assert.Contains(t, msg.Subject, "contraseña")
	assert.Equal(t, "es", msg.Lang)
	link := msg.link(t)
	require.True(t, strings.HasPrefix(link, "/acme/reset/"), link)

	res = c.get(link)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, "no-referrer", res.header.Get("Referrer-Policy"))
	assert.Contains(t, text(res, `[data-testid="reset-page"] h1`), "nueva")

	res = c.post(link, url.Values{"password": {"corta"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-password"]`))

	res = c.post(link, url.Values{"password": {newPassword}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/login", res.header.Get("Location"))

	assert.Equal(t, http.StatusSeeOther, other.get("/acme/account").status, "the other session ended")
	res = e.client().post("/acme/login", url.Values{"email": {d.customer.Email}, "password": {testPassword}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "the old password no longer works")
	res = e.client().post("/acme/login", url.Values{"email": {d.customer.Email}, "password": {newPassword}})
	assert.Equal(t, http.StatusSeeOther, res.status)

	// Used: the same link is dead, for reading and for writing.
	assert.Equal(t, http.StatusNotFound, c.get(link).status)
	res = c.post(link, url.Values{"password": {"y otra frase más todavía"}})
	assert.Equal(t, http.StatusNotFound, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="reset-invalid"]`))

	// The change's notice and the new browser's sign-in notice travel
	// separately: either may land first.
	notice := mb.waitSubject(d.customer.Email, "Cambiaste la contraseña")
	assert.NotRegexp(t, linkPattern, notice.Text, "a notice carries no sign-in link")
}

// TestPasswordLinksVoidAndExpire: a newer link voids the older, a link
// expires, a password change voids a live link, and malformed or foreign
// tokens are the same 404.
func TestPasswordLinksVoidAndExpire(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withMail())
	d := e.newDesk("acme")
	other := e.newDesk("otra")
	mb := e.startMail(t)
	c := e.client()
	addr := d.agent.Email // staff reset the same way

	require.Equal(t, http.StatusOK, c.post("/acme/forgot", url.Values{"email": {addr}}).status)
	first := mb.wait(addr, 1).link(t)
	require.Equal(t, http.StatusOK, c.post("/acme/forgot", url.Values{"email": {addr}}).status)
	second := mb.wait(addr, 2).link(t)
	assert.Equal(t, http.StatusNotFound, c.get(first).status, "voided by the newer link")
	assert.Equal(t, http.StatusOK, c.get(second).status)

	token := strings.TrimPrefix(second, "/acme/reset/")
	for name, p := range map[string]string{
		"another desk": "/otra/reset/" + token,
		"case changed": "/acme/reset/" + strings.ToUpper(token[:1]) + strings.ToLower(token[1:]),
		"truncated":    "/acme/reset/" + token[:40],
		"padded":       "/acme/reset/" + token + "A",
		"spaces":       "/acme/reset/%20" + token,
	} {
		if p == second {
			continue
		}
		assert.Equal(t, http.StatusNotFound, c.get(p).status, name)
	}
	_ = other

	e.asTenant(d, func(tx pgx.Tx) {
		_, err := tx.Exec(context.Background(), `UPDATE password_tokens SET created_at = now() - interval '2 hours',
			expires_at = now() - interval '1 hour' WHERE used_at IS NULL AND voided_at IS NULL`)
		require.NoError(t, err)
	})
	assert.Equal(t, http.StatusNotFound, c.get(second).status, "expired")

	// A live link dies when the password changes by other means.
	require.Equal(t, http.StatusOK, c.post("/acme/forgot", url.Values{"email": {addr}}).status)
	third := mb.wait(addr, 3).link(t)
	ag := e.client()
	ag.login(d, d.agent)
	res := ag.post("/acme/account/password", url.Values{"current_password": {testPassword}, "new_password": {newPassword}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, http.StatusNotFound, c.get(third).status, "voided by the password change")
	assert.Contains(t, mb.wait(addr, 4).Subject, "Cambiaste la contraseña")

	// The per-address limit: past it the answer is the same, and nothing
	// more is mailed.
	// The three requests above used the allowance up.
	for range 3 {
		require.Equal(t, http.StatusOK, c.post("/acme/forgot", url.Values{"email": {addr}}).status)
	}
	mb.quietFor(addr, 4, time.Second)
}

// TestForgotTellsNothing: a known and an unknown address get the same
// status and the same page, in about the same time, and only the known
// one gets mail.
func TestForgotTellsNothing(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, map[string]string{"ATIENDE_TRUSTED_PROXY_HEADER": "X-Forwarded-For"}, withMail())
	d := e.newDesk("acme")
	mb := e.startMail(t)
	ctx := context.Background()
	const n = 12
	var known, unknown []time.Duration
	var knownBody, unknownBody string
	for i := range n {
		u, err := e.store.CreateUser(ctx, d.tenant.ID, helpdesk.User{Email: "k" + itoa(int64(i)) + "@example.com", Name: "K", Role: helpdesk.RoleCustomer, Active: true, PasswordHash: "x"})
		require.NoError(t, err)
		for _, who := range []string{u.Email, "nadie" + itoa(int64(i)) + "@example.com"} {
			c := e.client()
			c.header.Set("X-Forwarded-For", "203.0.113."+itoa(int64(i*2+len(who)%2)))
			start := time.Now()
			res := c.post("/acme/forgot", url.Values{"email": {who}})
			took := time.Since(start)
			require.Equal(t, http.StatusOK, res.status, res.body)
			if who == u.Email {
				known, knownBody = append(known, took), res.body
			} else {
				unknown, unknownBody = append(unknown, took), res.body
			}
		}
	}
	assert.Equal(t, knownBody, unknownBody, "the same page for both")
	mk, mu := median(known), median(unknown)
	t.Logf("forgot: median %v for known addresses, %v for unknown (%d each)", mk, mu, n)
	diff := mk - mu
	if diff < 0 {
		diff = -diff
	}
	assert.Less(t, diff, 15*time.Millisecond+max(mk, mu)/2, "timing within noise")
	mb.wait("k0@example.com", 1)
	mb.quietFor("nadie0@example.com", 0, 0)
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
