package server_test

// The account pages need a signed-in user of the tenant, customer or staff:
// a session of another tenant gets the login page, as for customerPage.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/account":           customerPage,
		"POST /{tenant}/account/profile":  customerPage,
		"POST /{tenant}/account/password": customerPage,
		"POST /{tenant}/account/sessions": customerPage,
	})
}
