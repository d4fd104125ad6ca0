package server_test

// Account access pages are public like login. The forgot form records a
// request only for a well-formed address, so an empty submission changes
// nothing; a set-password link answers 404 to anything but a live token
// of its own tenant (TestPasswordLinksVoidAndExpire tries another desk's).
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/forgot":         publicPage,
		"POST /{tenant}/forgot":        publicForm,
		"GET /{tenant}/reset/{token}":  publicForm,
		"POST /{tenant}/reset/{token}": publicForm,
		// The second step of a sign-in: only a session holding a pending
		// sign-in of its own tenant gets past the redirect to login.
		"GET /{tenant}/login/2fa":  publicForm,
		"POST /{tenant}/login/2fa": publicForm,
		// The signed-in user's own factor; no id in the path.
		"GET /{tenant}/account/2fa":                  customerPage,
		"POST /{tenant}/account/2fa/start":           customerPage,
		"POST /{tenant}/account/2fa/confirm":         customerPage,
		"POST /{tenant}/account/2fa/disable":         customerPage,
		"POST /{tenant}/admin/people/{id}/2fa/reset": staffPage,
		"POST /{tenant}/admin/people/require-2fa":    staffPage,
		// The signed-in user's own sessions; the id is checked against them.
		"POST /{tenant}/account/sessions/{id}/end": customerPage,
		// Admins only; another desk's admin gets the login page.
		"POST /{tenant}/admin/people/invitations/{id}/resend": staffPage,
	})
}

// Passkeys: the ceremonies' tokens live in the session of their own
// tenant and name ceremonies of that tenant only
// (TestPasskeySignInRefusals tries another desk's); a passkey's id is
// checked against the signed-in user's own.
func init() {
	classify(map[string]routeClass{
		"POST /{tenant}/login/passkey/begin":          publicForm,
		"POST /{tenant}/login/passkey/finish":         publicForm,
		"POST /{tenant}/login/2fa/passkey/begin":      publicForm,
		"POST /{tenant}/login/2fa/passkey/finish":     publicForm,
		"GET /{tenant}/account/passkeys":              customerPage,
		"POST /{tenant}/account/passkeys/begin":       customerPage,
		"POST /{tenant}/account/passkeys/finish":      customerPage,
		"POST /{tenant}/account/passkeys/{id}/remove": customerPage,
	})
}
