package helpdesk

import (
	"context"
	"fmt"
	"strings"
)

// GuestLinkLookup is the "send me my link again" form as typed.
type GuestLinkLookup struct {
	Number string // "1042" or "#1042"
	Email  string
}

// Validate checks the shape of the pair only; whether it names a ticket is
// never looked at (see RequestGuestLink).
func (l GuestLinkLookup) Validate() (GuestLinkRequest, error) {
	var v ValidationError
	var r GuestLinkRequest
	num := strings.TrimSpace(l.Number)
	if num == "" {
		v.Add("number", "error.required")
	} else if n, err := ParseTicketNumber(num); err != nil {
		v.Add("number", "error.ticket_number")
	} else {
		r.Number = n
	}
	r.Email = NormaliseEmail(l.Email)
	checkEmail(&v, "email", r.Email)
	return r, v.Err()
}

// RequestGuestLink records a request to send a ticket's tracking link
// again. It answers the same whether or not the pair names a guest's
// ticket, and reads nothing that would tell: the email channel resolves the
// request later. Only a malformed pair is refused.
func (s *Service) RequestGuestLink(ctx context.Context, tenant TenantID, l GuestLinkLookup) error {
	r, err := l.Validate()
	if err != nil {
		return err
	}
	r.RequestedAt = s.now()
	return s.store.InTx(ctx, tenant, func(tx Store) error {
		if err := tx.RecordGuestLinkRequest(ctx, tenant, r); err != nil {
			return fmt.Errorf("helpdesk: record guest link request: %w", err)
		}
		return nil
	})
}
