package server_test

// The console's routes need a staff session of the tenant: A's session
// gets B's login page, on pages and on writes alike.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/agent/views/{view}":                      staffPage,
		"GET /{tenant}/agent/counts":                            staffPage,
		"POST /{tenant}/agent/bulk":                             staffPage,
		"GET /{tenant}/agent/tickets/{number}":                  staffPage,
		"POST /{tenant}/agent/tickets/{number}/reply":           staffPage,
		"POST /{tenant}/agent/tickets/{number}/assign":          staffPage,
		"POST /{tenant}/agent/tickets/{number}/take":            staffPage,
		"POST /{tenant}/agent/tickets/{number}/relate":          staffPage,
		"GET /{tenant}/agent/tickets/{number}/attachments/{id}": staffPage,
	})
}
