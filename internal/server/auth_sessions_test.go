package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const firefoxLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
const safariPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"

// TestMySessions: the account page lists the user's sessions with device
// and address; one can be ended from another; a sign-in from a new
// browser mails a notice, a known browser does not; "sign out
// everywhere" leaves only this one.
func TestMySessions(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, map[string]string{"ATIENDE_TRUSTED_PROXY_HEADER": "X-Forwarded-For"}, withMail())
	d := e.newDesk("acme")
	mb := e.startMail(t)
	laptop := e.client()
	laptop.header.Set("User-Agent", firefoxLinux)
	laptop.header.Set("X-Forwarded-For", "198.51.100.7")
	laptop.login(d, d.customer)
	phone := e.client()
	phone.header.Set("User-Agent", safariPhone)
	phone.header.Set("X-Forwarded-For", "203.0.113.9")
	phone.login(d, d.customer)

	notice := mb.wait(d.customer.Email, 1)
	assert.Contains(t, notice.Subject, "Nuevo inicio de sesión")
	assert.Contains(t, notice.Text, "Safari · iOS")
	assert.Contains(t, notice.Text, "203.0.113.9")

	page := laptop.get("/acme/account")
	require.Equal(t, http.StatusOK, page.status)
	rows := page.doc.Find(`[data-testid="session-row"]`)
	require.Equal(t, 2, rows.Length(), page.body)
	list := text(page, `[data-testid="my-sessions"]`)
	assert.Contains(t, list, "Firefox · Linux")
	assert.Contains(t, list, "Safari · iOS")
	assert.Contains(t, list, "203.0.113.9")
	assert.Equal(t, 1, page.doc.Find(`[data-testid="session-current"]`).Length())
	end, ok := page.doc.Find(`[data-testid="session-end"]`).Parent().Attr("action")
	require.True(t, ok)

	// Another user cannot end it; the laptop can.
	other := e.client()
	other.login(d, d.agent)
	assert.Equal(t, http.StatusNotFound, other.post(end, nil).status)
	assert.Equal(t, http.StatusOK, phone.get("/acme/account").status)
	res := laptop.post(end, nil)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, http.StatusSeeOther, phone.get("/acme/account").status, "the phone is signed out")
	assert.Equal(t, http.StatusNotFound, laptop.post(end, nil).status, "already ended")
	page = laptop.get("/acme/account")
	assert.Equal(t, 1, page.doc.Find(`[data-testid="session-row"]`).Length())

	// The phone again: a known browser, no notice.
	phone.login(d, d.customer)
	mb.quietFor(d.customer.Email, 1, 500*time.Millisecond)

	// Sign out everywhere else.
	res = laptop.post("/acme/account/sessions", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, http.StatusSeeOther, phone.get("/acme/account").status)
	page = laptop.get("/acme/account")
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, 1, page.doc.Find(`[data-testid="session-row"]`).Length())
	assert.True(t, strings.Contains(text(page, `[data-testid="my-sessions"]`), "Firefox"))
}
