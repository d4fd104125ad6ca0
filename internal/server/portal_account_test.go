package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// userNow reloads u from the database.
func (e *env) userNow(u helpdesk.User) helpdesk.User {
	e.t.Helper()
	got, err := e.svc.User(context.Background(), u.Tenant, u.ID)
	require.NoError(e.t, err)
	return got
}

func TestAccountNeedsASignedInUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()

	res := c.get("/acme/account")
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/login?next=%2Facme%2Faccount", res.header.Get("Location"))

	for _, p := range []string{"/acme/account/profile", "/acme/account/password", "/acme/account/sessions"} {
		res := c.post(p, url.Values{"name": {"Intruso"}, "current_password": {testPassword}, "new_password": {"otra frase bastante larga"}})
		require.Equal(t, http.StatusSeeOther, res.status, p)
		assert.Equal(t, "/acme/login", res.header.Get("Location"), p)
	}
	assert.Equal(t, d.customer, e.userNow(d.customer))

	// Signing in from the redirect comes back to the account page, for
	// staff as well as customers.
	res = c.post("/acme/login", url.Values{"email": {d.agent.Email}, "password": {testPassword}, "next": {"/acme/account"}})
	require.Equal(t, http.StatusSeeOther, res.status)
	assert.Equal(t, "/acme/account", res.header.Get("Location"))
}

func TestAccountPageForCustomersAndStaff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	for _, u := range []helpdesk.User{d.customer, d.agent, d.admin} {
		t.Run(u.Role.String(), func(t *testing.T) {
			c := e.client()
			c.login(d, u)
			home := "/acme/"
			if u.Role.IsStaff() {
				home = "/acme/agent/"
			}
			res := c.get(home)
			require.Equal(t, http.StatusOK, res.status)
			assert.Equal(t, "/acme/account", res.doc.Find(`[data-testid="account-link"]`).AttrOr("href", ""), "the header links to the account page")

			res = c.get("/acme/account")
			require.Equal(t, http.StatusOK, res.status, res.body)
			assert.Equal(t, "page", res.doc.Find(`[data-testid="account-link"]`).AttrOr("aria-current", ""))
			assert.Equal(t, u.Name, res.doc.Find("input#name").AttrOr("value", ""))
			assert.Equal(t, u.Email, text(res, `[data-testid="account-email-value"]`))
			assert.Zero(t, res.doc.Find(`input[name="email"]`).Length(), "the email is not editable")
			assert.Equal(t, 1, res.doc.Find(`[data-testid="profile-form"] select#language option[value="`+u.Language+`"][selected]`).Length(), "language %q", u.Language)
			assert.Equal(t, 1, res.doc.Find(`[data-testid="password-form"] input#current_password[type="password"]`).Length())
			assert.Equal(t, 1, res.doc.Find(`[data-testid="sessions-form"] button[type="submit"]`).Length())
			assert.Equal(t, "Cerrar sesión en todos los dispositivos", text(res, "#sessions-title"))
			assert.Zero(t, res.doc.Find("[style]").Length(), "no inline style")
			assert.NotContains(t, res.body, u.PasswordHash)
			// Every label points at exactly one control.
			for _, id := range []string{"name", "phone", "language", "current_password", "new_password"} {
				assert.Equal(t, 1, res.doc.Find(`label[for="`+id+`"]`).Length(), id)
				assert.Equal(t, 1, res.doc.Find("#"+id).Length(), id)
			}
		})
	}
}

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	other := e.newDesk("otra")
	c := e.client()
	c.login(d, d.customer)

	res := c.post("/acme/account/profile", url.Values{
		"name": {"  Rosa   Díaz "}, "phone": {"+34 (91) 555-12.34"}, "language": {"en"},
		// Mass assignment attempts are ignored.
		"email": {"evil@attacker.example"}, "role": {"admin"}, "tenant_id": {"999"},
		"id": {"1"}, "user_id": {"1"}, "active": {"false"}, "session_epoch": {"7"},
	})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/account", res.header.Get("Location"))
	assert.Equal(t, "en", c.cookie("atiende_lang"), "the new language takes effect at once")

	got := e.userNow(d.customer)
	assert.Equal(t, "Rosa Díaz", got.Name)
	assert.Equal(t, "+34 (91) 555-12.34", got.Phone)
	assert.Equal(t, "en", got.Language)
	assert.Equal(t, d.customer.Email, got.Email)
	assert.Equal(t, helpdesk.RoleCustomer, got.Role)
	assert.True(t, got.Active)
	assert.Equal(t, d.customer.SessionEpoch, got.SessionEpoch)
	assert.Equal(t, d.customer.PasswordHash, got.PasswordHash)
	// Only the signed-in user changed: there is no id in the URL to point
	// anywhere else.
	for _, u := range []helpdesk.User{d.admin, d.agent, other.admin, other.agent, other.customer} {
		assert.Equal(t, u, e.userNow(u), u.Email)
	}

	res = c.get("/acme/account")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "en", res.doc.Find("html").AttrOr("lang", ""))
	assert.Equal(t, "Your details have been saved.", text(res, `[data-testid="flash"]`))
	assert.Equal(t, "Rosa Díaz", res.doc.Find("input#name").AttrOr("value", ""))
	assert.Equal(t, "+34 (91) 555-12.34", res.doc.Find("input#phone").AttrOr("value", ""))
	assert.Equal(t, 1, res.doc.Find(`select#language option[value="en"][selected]`).Length())
	assert.Equal(t, "Rosa Díaz", text(res, `[data-testid="user-name"]`))

	// Back to the desk's default: the cookie goes, the desk's language
	// (Spanish) shows, and so does the flash.
	res = c.post("/acme/account/profile", url.Values{"name": {"Rosa Díaz"}, "phone": {""}, "language": {""}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Empty(t, c.cookie("atiende_lang"))
	res = c.get("/acme/account")
	assert.Equal(t, "es", res.doc.Find("html").AttrOr("lang", ""))
	assert.Equal(t, "Guardamos tus datos.", text(res, `[data-testid="flash"]`))
	got = e.userNow(d.customer)
	assert.Empty(t, got.Phone)
	assert.Empty(t, got.Language)
}

func TestUpdateProfileKeepsLanguageCookieWhenLanguageUnchanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	c.login(d, d.customer)
	// The visitor chose English with the header switch; the profile says
	// "desk default". Saving a new phone must not switch the page back.
	require.Equal(t, http.StatusSeeOther, c.post("/lang", url.Values{"lang": {"en"}, "next": {"/acme/account"}}).status)
	res := c.post("/acme/account/profile", url.Values{"name": {d.customer.Name}, "phone": {"600 000 000"}, "language": {""}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "en", c.cookie("atiende_lang"))
}

func TestUpdateProfileErrorsKeepWhatWasTyped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	c.login(d, d.customer)

	long := strings.Repeat("x", 200)
	res := c.post("/acme/account/profile", url.Values{
		"name": {long}, "phone": {`<script>alert(1)</script>`}, "language": {"en"},
	})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, text(res, `[data-testid="error-name"]`), "demasiado largo")
	assert.Contains(t, text(res, `[data-testid="error-phone"]`), "solo números")
	assert.Equal(t, "true", res.doc.Find("input#phone").AttrOr("aria-invalid", ""))
	assert.Contains(t, text(res, `[data-testid="profile-form"] [data-testid="error-summary"]`), "Teléfono: ")
	assert.Zero(t, res.doc.Find(`[data-testid="password-form"] [data-testid="error-summary"]`).Length())
	assert.Equal(t, long, res.doc.Find("input#name").AttrOr("value", ""))
	assert.Equal(t, `<script>alert(1)</script>`, res.doc.Find("input#phone").AttrOr("value", ""))
	assert.NotContains(t, res.body, `<script>alert(1)`, "escaped, never markup")
	assert.Equal(t, 1, res.doc.Find(`select#language option[value="en"][selected]`).Length())
	assert.Empty(t, c.cookie("atiende_lang"))
	assert.Equal(t, d.customer, e.userNow(d.customer), "nothing changed")

	res = c.post("/acme/account/profile", url.Values{"name": {"Rosa"}, "language": {"fr"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.NotEmpty(t, text(res, `[data-testid="error-language"]`))
	assert.Equal(t, d.customer, e.userNow(d.customer), "nothing changed")
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	const fresh = "otra frase bastante larga"
	// A second device signed in earlier, then this one.
	other := e.client()
	other.login(d, d.customer)
	c := e.client()
	c.login(d, d.customer)

	t.Run("wrong current password", func(t *testing.T) {
		res := c.post("/acme/account/password", url.Values{"current_password": {"no es la mía"}, "new_password": {fresh}})
		require.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Equal(t, "La contraseña actual no es correcta.", text(res, `[data-testid="error-current_password"]`))
		assert.NotContains(t, res.body, "no es la mía", "passwords are never echoed")
		assert.NotContains(t, res.body, fresh, "passwords are never echoed")
		assert.Empty(t, res.doc.Find("input#new_password").AttrOr("value", ""))
		assert.Equal(t, d.customer.PasswordHash, e.userNow(d.customer).PasswordHash)
		assert.Equal(t, http.StatusOK, other.get("/acme/account").status, "a refused change ends nothing")
	})

	t.Run("invalid new password", func(t *testing.T) {
		res := c.post("/acme/account/password", url.Values{"current_password": {testPassword}, "new_password": {testPassword}})
		require.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Contains(t, text(res, `[data-testid="error-new_password"]`), "distinta")
		assert.NotContains(t, res.body, testPassword)
		assert.Equal(t, d.customer.PasswordHash, e.userNow(d.customer).PasswordHash)
	})

	t.Run("right current password", func(t *testing.T) {
		before := c.cookie("atiende_session")
		res := c.post("/acme/account/password", url.Values{"current_password": {testPassword}, "new_password": {fresh}})
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		assert.Equal(t, "/acme/account", res.header.Get("Location"))
		assert.NotEqual(t, before, c.cookie("atiende_session"), "the session gets a new token")

		res = c.get("/acme/account")
		require.Equal(t, http.StatusOK, res.status, "this session continues")
		assert.Contains(t, text(res, `[data-testid="flash"]`), "Cambiamos tu contraseña")
		assert.Equal(t, d.customer.Name, text(res, `[data-testid="user-name"]`))

		res = other.get("/acme/account")
		require.Equal(t, http.StatusSeeOther, res.status, "the other session ended")
		assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/acme/login"))
		res = other.get("/acme/tickets")
		assert.Equal(t, http.StatusSeeOther, res.status, "and stays ended")

		// The old password no longer signs in; the new one does.
		res = e.client().post("/acme/login", url.Values{"email": {d.customer.Email}, "password": {testPassword}})
		assert.Equal(t, http.StatusUnprocessableEntity, res.status)
		res = e.client().post("/acme/login", url.Values{"email": {d.customer.Email}, "password": {fresh}})
		assert.Equal(t, http.StatusSeeOther, res.status)
		assert.Equal(t, http.StatusOK, c.get("/acme/tickets").status, "this session still works")
	})
}

func TestSignOutEverywhereKeepsThisSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	other := e.client()
	other.login(d, d.agent)
	c := e.client()
	c.login(d, d.agent)
	colleague := e.client()
	colleague.login(d, d.admin)

	before := c.cookie("atiende_session")
	res := c.post("/acme/account/sessions", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/acme/account", res.header.Get("Location"))
	assert.NotEqual(t, before, c.cookie("atiende_session"))

	res = c.get("/acme/account")
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Cerramos la sesión en todos tus otros dispositivos.", text(res, `[data-testid="flash"]`))
	assert.Equal(t, http.StatusOK, c.get("/acme/agent/").status)

	res = other.get("/acme/agent/")
	require.Equal(t, http.StatusSeeOther, res.status, "the other device is signed out")
	assert.True(t, strings.HasPrefix(res.header.Get("Location"), "/acme/login"))
	assert.Equal(t, http.StatusOK, colleague.get("/acme/agent/").status, "another user's session is not touched")
	assert.Equal(t, d.agent.PasswordHash, e.userNow(d.agent).PasswordHash)

	// Signing in again works as usual.
	other.login(d, d.agent)
	assert.Equal(t, http.StatusOK, other.get("/acme/agent/").status)
}

func TestPasswordChangesAreRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("acme")
	c := e.client()
	c.login(d, d.customer)
	for i := range 10 {
		res := c.post("/acme/account/password", url.Values{"current_password": {"adivinando " + strings.Repeat("x", i)}, "new_password": {"otra frase bastante larga"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.status, i)
	}
	res := c.post("/acme/account/password", url.Values{"current_password": {testPassword}, "new_password": {"otra frase bastante larga"}})
	require.Equal(t, http.StatusTooManyRequests, res.status)
	assert.Contains(t, text(res, `[data-testid="error-current_password"]`), "Demasiados intentos")
	assert.Equal(t, d.customer.PasswordHash, e.userNow(d.customer).PasswordHash, "not even the right password passes")
	// The limit is the user's: another user is not held back.
	c2 := e.client()
	c2.login(d, d.agent)
	res = c2.post("/acme/account/password", url.Values{"current_password": {"mal"}, "new_password": {"otra frase bastante larga"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
}

// TestBrowserAccount walks a customer through the account page in Chromium
// at desktop and phone width: reach it from the header, fail and then save
// the profile, change the password. Screenshots go to ATIENDE_SCREENSHOTS.
func TestBrowserAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromiumPath(t)
	t.Parallel()
	e := newEnv(t)
	d := e.newDesk("ferreteria")
	shots := screenshotDir(t)
	b := startBrowser(t, exe)
	base := e.url + "/ferreteria"
	both := func(name string) {
		t.Helper()
		b.screenshot(shots, "account-"+name+".png")
		b.viewport(phoneWidth, phoneHeight, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
		overflow := run(b, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - window.innerWidth`))
		assert.LessOrEqual(t, overflow, int64(0), "no sideways scrolling on a phone")
		b.screenshot(shots, "account-"+name+"-phone.png")
		b.desktop()
	}

	b.navigate(chromedp.Navigate(base + "/login"))
	b.do(
		chromedp.SendKeys(chromedp.CSS("#email"), d.customer.Email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
	)
	b.navigate(chromedp.Click(testID("login-submit")))
	b.navigate(chromedp.Click(testID("account-link")))
	require.Equal(t, base+"/account", b.location())
	b.assertAssetsLoaded()
	both("page")

	b.do(
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#name").value = ""`),
		chromedp.SendKeys(chromedp.CSS("#phone"), "llámame"),
	)
	res := b.navigate(chromedp.Click(testID("profile-submit")))
	assert.Equal(t, http.StatusUnprocessableEntity, int(res.Status))
	assert.NotEmpty(t, b.text(testID("error-name")))
	assert.NotEmpty(t, b.text(testID("error-phone")))
	both("profile-errors")
	b.forgetExpectedError("status of 422")

	b.do(
		chromedp.SendKeys(chromedp.CSS("#name"), "Rosa Díaz"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#phone").value = "+34 600 000 000"`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#language").value = "en"`),
	)
	b.navigate(chromedp.Click(testID("profile-submit")))
	require.Equal(t, base+"/account", b.location())
	assert.Equal(t, "en", b.lang(), "the new language shows at once")
	assert.Equal(t, "Your details have been saved.", b.text(testID("flash")))

	b.do(
		chromedp.SendKeys(chromedp.CSS("#current_password"), testPassword),
		chromedp.SendKeys(chromedp.CSS("#new_password"), "otra frase bastante larga"),
	)
	b.navigate(chromedp.Click(testID("password-submit")))
	require.Equal(t, base+"/account", b.location())
	assert.Contains(t, b.text(testID("flash")), "password has been changed")
	both("password-changed")
	b.assertCleanConsole()
}
