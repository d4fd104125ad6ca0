package server_test

// The portal's ticket routes need a signed-in customer of the tenant.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/tickets":                           customerPage,
		"GET /{tenant}/tickets/new":                       customerPage,
		"POST /{tenant}/tickets/new":                      customerPage,
		"GET /{tenant}/tickets/{number}":                  customerPage,
		"GET /{tenant}/tickets/{number}/live":             customerPage,
		"GET /{tenant}/tickets/{number}/received":         customerPage,
		"POST /{tenant}/tickets/{number}/reply":           customerPage,
		"POST /{tenant}/tickets/{number}/confirm":         customerPage,
		"GET /{tenant}/tickets/{number}/attachments/{id}": customerPage,
	})
}
