package helpdesk

// AccountStore persists tenants and users.
type AccountStore interface {
}
