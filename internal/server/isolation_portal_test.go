package server_test

// The portal's ticket routes need a signed-in customer of the tenant.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/tickets": customerPage,
		// A signed-out visitor (a user of another tenant is one here) gets the
		// guest form: these two are public.
		"GET /{tenant}/tickets/new":                       publicPage,
		"POST /{tenant}/tickets/new":                      publicForm,
		"GET /{tenant}/tickets/{number}":                  customerPage,
		"GET /{tenant}/tickets/{number}/live":             customerPage,
		"GET /{tenant}/tickets/{number}/received":         customerPage,
		"POST /{tenant}/tickets/{number}/reply":           customerPage,
		"POST /{tenant}/tickets/{number}/confirm":         customerPage,
		"GET /{tenant}/tickets/{number}/attachments/{id}": customerPage,
	})
}
