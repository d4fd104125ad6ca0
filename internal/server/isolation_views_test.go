package server_test

// Saved views and the agent profile are the console's: they need a staff
// session of the tenant. A view number of another tenant is not found.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/agent/views":                staffPage,
		"POST /{tenant}/agent/views":               staffPage,
		"GET /{tenant}/agent/views/{view}/edit":    staffPage,
		"POST /{tenant}/agent/views/{view}":        staffPage,
		"POST /{tenant}/agent/views/{view}/delete": staffPage,
		"GET /{tenant}/agent/profile":              staffPage,
		"POST /{tenant}/agent/profile":             staffPage,
	})
}
