package server_test

// The time report reads the tenant's time entries only, for its staff;
// the workspace form itself posts to the reply route (isolation_console).
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/agent/reports/time":     staffPage,
		"GET /{tenant}/agent/reports/time.csv": staffPage,
	})
}
