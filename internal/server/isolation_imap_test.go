package server_test

// The desk's IMAP settings are for its admins: a staff session of the
// tenant, and the domain lets admins only.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/admin/email/imap":  staffPage,
		"POST /{tenant}/admin/email/imap": staffPage,
	})
}
