package helpdesk

import (
	"fmt"
	"strconv"
)

// TenantID identifies a tenant (one help desk). Every tenant-owned read or
// write takes one explicitly.
type TenantID int64

// UserID identifies a user inside a tenant.
type UserID int64

// OrganisationID identifies a customer organisation inside a tenant.
type OrganisationID int64

// TicketID is the internal identity of a ticket. It never appears in URLs:
// humans and routes use TicketNumber.
type TicketID int64

// TicketNumber is the per-tenant, human-friendly reference of a ticket (#1042).
type TicketNumber int64

func (n TicketNumber) String() string { return "#" + strconv.FormatInt(int64(n), 10) }

// ParseTicketNumber accepts "1042" or "#1042".
func ParseTicketNumber(s string) (TicketNumber, error) {
	if len(s) > 0 && s[0] == '#' {
		s = s[1:]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: ticket number %q", ErrNotFound, s)
	}
	return TicketNumber(n), nil
}
