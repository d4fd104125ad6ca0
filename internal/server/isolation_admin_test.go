package server_test

// The admin pages need an admin session of the tenant: A's session is
// signed out at B and gets B's login page, like a console page.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/admin/":      staffPage,
		"GET /{tenant}/admin/audit": staffPage,
	})
}
