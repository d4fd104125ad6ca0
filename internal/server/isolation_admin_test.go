package server_test

// The admin pages need an admin session of the tenant: A's session is
// signed out at B and gets B's login page, like a console page. That A's
// admin cannot reach B's objects through A's own pages (ids of B in A's
// URLs and forms) is tested per area in admin_*_test.go.
func init() {
	classify(map[string]routeClass{
		"GET /{tenant}/admin/":      staffPage,
		"GET /{tenant}/admin/audit": staffPage,

		"GET /{tenant}/admin/categories":               staffPage,
		"GET /{tenant}/admin/categories/new":           staffPage,
		"POST /{tenant}/admin/categories":              staffPage,
		"GET /{tenant}/admin/categories/{id}":          staffPage,
		"POST /{tenant}/admin/categories/{id}":         staffPage,
		"POST /{tenant}/admin/categories/{id}/archive": staffPage,
		"POST /{tenant}/admin/categories/{id}/restore": staffPage,

		"GET /{tenant}/admin/groups":               staffPage,
		"GET /{tenant}/admin/groups/new":           staffPage,
		"POST /{tenant}/admin/groups":              staffPage,
		"GET /{tenant}/admin/groups/{id}":          staffPage,
		"POST /{tenant}/admin/groups/{id}":         staffPage,
		"POST /{tenant}/admin/groups/{id}/archive": staffPage,
		"POST /{tenant}/admin/groups/{id}/restore": staffPage,

		"GET /{tenant}/admin/people":                          staffPage,
		"POST /{tenant}/admin/people/invite":                  staffPage,
		"POST /{tenant}/admin/people/invitations/{id}/revoke": staffPage,
		"GET /{tenant}/admin/people/{id}":                     staffPage,
		"POST /{tenant}/admin/people/{id}/role":               staffPage,
		"POST /{tenant}/admin/people/{id}/active":             staffPage,
		"POST /{tenant}/admin/people/{id}/routing":            staffPage,

		"GET /{tenant}/admin/fields":               staffPage,
		"GET /{tenant}/admin/fields/new":           staffPage,
		"POST /{tenant}/admin/fields":              staffPage,
		"GET /{tenant}/admin/fields/{id}":          staffPage,
		"POST /{tenant}/admin/fields/{id}":         staffPage,
		"POST /{tenant}/admin/fields/{id}/archive": staffPage,
		"POST /{tenant}/admin/fields/{id}/restore": staffPage,

		"GET /{tenant}/admin/settings":              staffPage,
		"POST /{tenant}/admin/settings":             staffPage,
		"POST /{tenant}/admin/settings/logo":        staffPage,
		"POST /{tenant}/admin/settings/logo/remove": staffPage,

		"GET /{tenant}/admin/priority":  staffPage,
		"POST /{tenant}/admin/priority": staffPage,

		"GET /{tenant}/admin/organisations":         staffPage,
		"POST /{tenant}/admin/organisations":        staffPage,
		"GET /{tenant}/admin/organisations/{id}":    staffPage,
		"POST /{tenant}/admin/organisations/{id}":   staffPage,
		"GET /{tenant}/admin/customers":             staffPage,
		"GET /{tenant}/admin/customers/{id}":        staffPage,
		"POST /{tenant}/admin/customers/{id}":       staffPage,
		"POST /{tenant}/admin/customers/{id}/block": staffPage,
		"POST /{tenant}/admin/customers/{id}/merge": staffPage,

		// A desk's look is public; B has no logo (404) and Atiende's colour.
		"GET /{tenant}/logo":      publicForm,
		"GET /{tenant}/theme.css": publicPage,

		// The invitee's page is public: the token is the key, and a
		// placeholder token is no invitation (TestInvitationTokens tries
		// real tokens of the other desk).
		"GET /{tenant}/invitations/{token}":  publicForm,
		"POST /{tenant}/invitations/{token}": publicForm,
	})
}
