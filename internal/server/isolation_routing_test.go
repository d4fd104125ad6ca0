package server_test

// The availability switch is the console's and the automation pages are
// the admin area's: both need a staff session of the tenant (the admin
// pages an admin's, which requireAdmin and the domain check).
// TestAutomationForeignRuleIsNotFound covers A's admin naming B's rule
// through A's own URLs.
func init() {
	classify(map[string]routeClass{
		"POST /{tenant}/agent/availability":             staffPage,
		"GET /{tenant}/admin/automation":                staffPage,
		"POST /{tenant}/admin/automation":               staffPage,
		"POST /{tenant}/admin/automation/settings":      staffPage,
		"GET /{tenant}/admin/automation/new":            staffPage,
		"GET /{tenant}/admin/automation/{rule}":         staffPage,
		"POST /{tenant}/admin/automation/{rule}":        staffPage,
		"POST /{tenant}/admin/automation/{rule}/delete": staffPage,
		"GET /{tenant}/admin/automation/{rule}/runs":    staffPage,
	})
}
