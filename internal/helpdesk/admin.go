package helpdesk

import "context"

// AdminStore reads what the admin home summarises.
type AdminStore interface {
	// DeskSummary counts the desk's people, configuration and open work in
	// one round trip.
	DeskSummary(ctx context.Context, tenant TenantID) (DeskSummary, error)
}

// DeskSummary is the admin home's overview of a desk.
type DeskSummary struct {
	OpenTickets       int // new, open, pending, on hold
	UnassignedTickets int // open work with no assignee
	Agents            int // active agents
	Admins            int // active admins
	Customers         int // active customers
	Organisations     int
	Groups            int // not archived
	Categories        int // not archived
	CustomFields      int // active
	PendingInvites    int // neither accepted, revoked nor expired
	// Recent are the latest audit entries, newest first.
	Recent []AuditEntry
}

// DeskSummary returns the admin home's overview, for admins.
func (s *Service) DeskSummary(ctx context.Context, by Actor) (DeskSummary, error) {
	var sum DeskSummary
	err := s.adminTx(ctx, by, "desk summary", func(tx Store) error {
		var err error
		sum, err = tx.DeskSummary(ctx, by.Tenant)
		return err
	})
	return sum, err
}
