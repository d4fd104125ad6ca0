package helpdesk

import "fmt"

// Role is what a user may do in their tenant.
type Role string

const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
	RoleAdmin    Role = "admin"
)

// ParseRole turns a stored or submitted value into a Role.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleCustomer, RoleAgent, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q", s)
}

func (r Role) String() string { return string(r) }

// IsStaff reports whether the role works in the console.
func (r Role) IsStaff() bool { return r == RoleAgent || r == RoleAdmin }

// ActorKind says who acts: a signed-in user, the system itself (timers,
// automation, inbound channels acting on their own), or a guest holding
// one ticket's tracking link (see guest.go).
type ActorKind string

const (
	ActorUser   ActorKind = "user"
	ActorSystem ActorKind = "system"
	ActorGuest  ActorKind = "guest"
)

// Actor is passed into every Service call. Authorisation is decided from it
// in the domain, whatever route or channel the call came from.
type Actor struct {
	Kind   ActorKind
	Tenant TenantID
	User   UserID // zero for the system
	Role   Role   // empty for the system
	Name   string // display name, for history events
	// GuestTicket and GuestEmail say what an ActorGuest may act on: the one
	// ticket its link opens, while that ticket's requester is still the
	// guest with this email. Zero for every other kind.
	GuestTicket TicketID
	GuestEmail  string
}

// System returns the actor for timers and automation in tenant t.
func System(t TenantID) Actor { return Actor{Kind: ActorSystem, Tenant: t, Name: "Atiende"} }

// IsStaff reports whether the actor is an agent or admin.
func (a Actor) IsStaff() bool { return a.Kind == ActorUser && a.Role.IsStaff() }

// IsCustomer reports whether the actor is a customer: a signed-in one, or a
// guest with a tracking link. Both see tickets as customers do.
func (a Actor) IsCustomer() bool {
	return a.Kind == ActorUser && a.Role == RoleCustomer || a.Kind == ActorGuest
}

// guestOf reports whether a is the guest holding t's tracking link: a guest
// of t's tenant, for t itself, while t's requester is still the guest with
// a's email (a ticket claimed by an account is reached through the account).
func (a Actor) guestOf(t *Ticket) bool {
	return a.Kind == ActorGuest && a.Tenant == t.Tenant && a.GuestTicket != 0 && a.GuestTicket == t.ID &&
		t.Requester.IsGuest() && a.GuestEmail != "" && NormaliseEmail(a.GuestEmail) == NormaliseEmail(t.Requester.Email)
}

// IsAdmin reports whether the actor is an admin.
func (a Actor) IsAdmin() bool { return a.Kind == ActorUser && a.Role == RoleAdmin }
