package helpdesk

// TicketStore is the persistence the ticket rules need. It is declared here,
// by the domain, and implemented by internal/postgres.
type TicketStore interface {
}
