package server_test

// Copying addresses on a ticket is a workspace write: staff of the tenant,
// foreign tickets 404.
func init() {
	classify(map[string]routeClass{"POST /{tenant}/agent/tickets/{number}/ccs": staffPage})
}

// The queue density is the signed-in agent's own setting.
func init() {
	classify(map[string]routeClass{"POST /{tenant}/agent/density": staffPage})
}
