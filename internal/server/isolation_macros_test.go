package server_test

// The macro pages are the console's: they need a staff session of the
// tenant.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/agent/macros":                 staffPage,
		"POST /{tenant}/agent/macros":                staffPage,
		"GET /{tenant}/agent/macros/{macro}":         staffPage,
		"POST /{tenant}/agent/macros/{macro}":        staffPage,
		"POST /{tenant}/agent/macros/{macro}/delete": staffPage,
	})
}
