package server_test

// The mail log is for the desk's admins: every route needs a staff session
// of the tenant (and the domain lets admins only).
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/admin/email":                 staffPage,
		"GET /{tenant}/admin/email/out/{id}":        staffPage,
		"POST /{tenant}/admin/email/in/{id}/retry":  staffPage,
		"POST /{tenant}/admin/email/out/{id}/retry": staffPage,
	})
}
