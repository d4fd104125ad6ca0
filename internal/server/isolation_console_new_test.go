package server_test

// The console's new-ticket form needs a staff session of the tenant; the
// requester search reads only the tenant's customers.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/agent/tickets/new":            staffPage,
		"POST /{tenant}/agent/tickets/new":           staffPage,
		"GET /{tenant}/agent/tickets/new/requesters": staffPage,
	})
}

// The desk's default group is set on the admin groups page.
func init() {
	classify(map[string]routeClass{"POST /{tenant}/admin/groups/default": staffPage})
}

// Escalating is a workspace write: staff of the tenant, foreign tickets 404.
func init() {
	classify(map[string]routeClass{"POST /{tenant}/agent/tickets/{number}/escalate": staffPage})
}

// Following is a workspace write: staff of the tenant, foreign tickets 404.
func init() {
	classify(map[string]routeClass{"POST /{tenant}/agent/tickets/{number}/followers": staffPage})
}
