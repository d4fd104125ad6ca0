package server_test

// The console's live polls need a staff session of the tenant, as the rest
// of the console.
func init() {
	classify(map[string]routeClass{
		"POST /{tenant}/agent/tickets/{number}/presence": staffPage,
		"GET /{tenant}/agent/views/{view}/live":          staffPage,
	})
}
