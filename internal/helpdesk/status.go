package helpdesk

// Status is where a ticket stands in its lifecycle (DESIGN.md "Statuses").
// Templates and SQL see it only through String; the UI translates it.
type Status string

// The six statuses. New is only ever the initial status; Closed is final.
const (
	StatusNew     Status = "new"
	StatusOpen    Status = "open"
	StatusPending Status = "pending"
	StatusOnHold  Status = "on_hold"
	StatusSolved  Status = "solved"
	StatusClosed  Status = "closed"
)

// Statuses lists every status in lifecycle order, for menus and tests.
func Statuses() []Status {
	return []Status{StatusNew, StatusOpen, StatusPending, StatusOnHold, StatusSolved, StatusClosed}
}

// ParseStatus turns a stored or submitted value into a Status. An unknown
// value is a *ValidationError on the field "status".
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", invalid("status", "error.invalid")
}

func (s Status) String() string { return string(s) }

// Valid reports whether s is one of the six statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusNew, StatusOpen, StatusPending, StatusOnHold, StatusSolved, StatusClosed:
		return true
	}
	return false
}

// ForCustomer is the status a customer is shown: On hold is an internal
// status (waiting on a third party) and reads as Open to the requester.
func (s Status) ForCustomer() Status {
	if s == StatusOnHold {
		return StatusOpen
	}
	return s
}

// Unsolved reports whether the desk or someone still owes a move: new, open,
// pending and on hold. These are the statuses of the working queues.
func (s Status) Unsolved() bool {
	switch s {
	case StatusNew, StatusOpen, StatusPending, StatusOnHold:
		return true
	}
	return false
}

// Final reports whether the ticket is read-only from now on.
func (s Status) Final() bool { return s == StatusClosed }

// CustomerStatuses expands a status a customer filters by into the stored
// statuses it covers: "open" includes on hold, which the customer cannot see.
func CustomerStatuses(s Status) []Status {
	if s == StatusOpen {
		return []Status{StatusOpen, StatusOnHold}
	}
	return []Status{s}
}

// invalid builds a one-field *ValidationError.
func invalid(field, key string) error {
	return &ValidationError{Fields: map[string]string{field: key}}
}
