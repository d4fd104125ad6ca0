package server_test

// Single sign-on. Starting a sign-in is public like the login form (an
// empty submission at a desk without a provider is a 404 and changes
// nothing); the callback answers only a sign-in this session started at
// the same desk (TestSSORefusals tries another desk's). The settings are
// for admins only.
func init() {
	classify(map[string]routeClass{
		"POST /{tenant}/sso/start":   publicForm,
		"GET /{tenant}/sso/callback": publicForm,
		"GET /{tenant}/admin/sso":    staffPage,
		"POST /{tenant}/admin/sso":   staffPage,
	})
}
