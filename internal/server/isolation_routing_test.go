package server_test

// The availability switch and the automation pages are the console's:
// they need a staff session of the tenant (and the automation pages an
// admin, which the domain checks). TestAutomationForeignRuleIsNotFound
// covers A's admin naming B's rule through A's own URLs.
func init() {
	classify(map[string]routeClass{
		"POST /{tenant}/agent/availability":             staffPage,
		"GET /{tenant}/agent/automation":                staffPage,
		"POST /{tenant}/agent/automation":               staffPage,
		"POST /{tenant}/agent/automation/settings":      staffPage,
		"GET /{tenant}/agent/automation/new":            staffPage,
		"GET /{tenant}/agent/automation/{rule}":         staffPage,
		"POST /{tenant}/agent/automation/{rule}":        staffPage,
		"POST /{tenant}/agent/automation/{rule}/delete": staffPage,
	})
}
