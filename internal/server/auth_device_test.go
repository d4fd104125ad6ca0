package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDistributedLockOutSparesKnownDevices: ten addresses failing ten
// times each exhaust the account's allowance for unknown devices, but the
// owner's browser, which signed in before, still signs in; a known device
// that keeps failing is itself held to the per-client allowance.
func TestDistributedLockOutSparesKnownDevices(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, map[string]string{"ATIENDE_TRUSTED_PROXY_HEADER": "X-Forwarded-For"})
	d := e.newDesk("acme")
	owner := e.client()
	owner.header.Set("X-Forwarded-For", "198.51.100.20")
	owner.login(d, d.customer)
	u, err := url.Parse(e.url + "/acme/")
	require.NoError(t, err)
	var device string
	for _, ck := range owner.http.Jar.Cookies(u) {
		if ck.Name == "atiende_device" {
			device = ck.Value
		}
	}
	require.NotEmpty(t, device, "a device cookie after signing in, for this desk's paths")
	require.Equal(t, http.StatusSeeOther, owner.post("/acme/logout", url.Values{}).status)

	wrong := url.Values{"email": {d.customer.Email}, "password": {"not the password"}}
	for i := range 10 {
		stranger := e.client()
		stranger.header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
		for range 10 {
			stranger.post("/acme/login", wrong)
		}
	}
	right := url.Values{"email": {d.customer.Email}, "password": {testPassword}}
	fresh := e.client()
	fresh.header.Set("X-Forwarded-For", "192.0.2.99")
	assert.Equal(t, http.StatusTooManyRequests, fresh.post("/acme/login", right).status, "unknown devices are locked out")

	assert.Equal(t, http.StatusSeeOther, owner.post("/acme/login", right).status, "the owner's browser is not")

	// A stolen device cookie buys no more guesses than one client has.
	require.Equal(t, http.StatusSeeOther, owner.post("/acme/logout", url.Values{}).status)
	var last response
	for range 11 {
		last = owner.post("/acme/login", wrong)
	}
	assert.Equal(t, http.StatusTooManyRequests, last.status)
	assert.Equal(t, http.StatusTooManyRequests, owner.post("/acme/login", right).status)
}
