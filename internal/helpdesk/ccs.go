package helpdesk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Requester-side CCs: addresses copied on a ticket (a colleague, a manager
// of the requester). They are addresses, not accounts: they receive the
// agents' public replies by mail (never internal notes) and may answer by
// mail, which threads onto the ticket as a customer account found or
// created for the address (email.go). Agents add and remove them; the
// portal's new-ticket form and an inbound message's Cc header add them
// when a ticket is opened.

// MaxCCs bounds the addresses copied on one ticket.
const MaxCCs = 20

// Event kinds and field of CC changes: To (added) or From (removed) is the
// address.
const (
	EventCCAdded   EventKind = "cc_added"
	EventCCRemoved EventKind = "cc_removed"
	FieldCC                  = "cc"
)

// CCStore keeps the addresses copied on tickets.
type CCStore interface {
	// TicketCCs lists the ticket's CC addresses, sorted.
	TicketCCs(ctx context.Context, tenant TenantID, ticket TicketID) ([]string, error)
	// AddTicketCCs adds addresses (already normalised); present ones stay.
	AddTicketCCs(ctx context.Context, tenant TenantID, ticket TicketID, emails []string) error
	// RemoveTicketCC removes one address; an absent one is no error.
	RemoveTicketCC(ctx context.Context, tenant TenantID, ticket TicketID, email string) error
}

// CleanCCs normalises and checks addresses typed or received as CCs: it
// drops duplicates and the addresses in skip (the requester, the desk's
// own address) and refuses more than MaxCCs or an invalid one (field).
func CleanCCs(field string, in []string, skip ...string) ([]string, error) {
	var out []string
	for _, a := range in {
		a = NormaliseEmail(a)
		if a == "" || slices.Contains(out, a) || slices.ContainsFunc(skip, func(s string) bool { return NormaliseEmail(s) == a }) {
			continue
		}
		var v ValidationError
		checkEmail(&v, field, a)
		if err := v.Err(); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if len(out) > MaxCCs {
		return nil, invalid(field, "error.ccs_too_many")
	}
	slices.Sort(out)
	return out, nil
}

// validEmail reports whether a normalised address passes checkEmail.
func validEmail(a string) bool {
	var v ValidationError
	checkEmail(&v, "email", a)
	return v.Err() == nil
}

// SplitAddresses splits a typed list of addresses (commas, semicolons,
// spaces or lines between them).
func SplitAddresses(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// AddCC decides copying address on t, which has the CCs have: staff only,
// never the requester's own address. An address already copied changes
// nothing.
func (t *Ticket) AddCC(have []string, address string, by Actor, now time.Time) ([]Event, string, error) {
	var added string
	evs, err := t.mutate("add cc", by, byStaff, now, func(c *change) error {
		ccs, err := CleanCCs("cc", []string{address})
		if err != nil {
			return err
		}
		if len(ccs) == 0 {
			return invalid("cc", "error.required")
		}
		a := ccs[0]
		if r := NormaliseEmail(c.t.Requester.Email); r != "" && r == a {
			return invalid("cc", "error.cc_requester")
		}
		if slices.Contains(have, a) {
			return nil
		}
		if len(have) >= MaxCCs {
			return invalid("cc", "error.ccs_too_many")
		}
		added = a
		c.event(EventCCAdded, FieldCC, "", a, 0, 0)
		return nil
	})
	return evs, added, err
}

// RemoveCC decides removing address from t's CCs (staff only); one not
// copied changes nothing.
func (t *Ticket) RemoveCC(have []string, address string, by Actor, now time.Time) ([]Event, error) {
	return t.mutate("remove cc", by, byStaff, now, func(c *change) error {
		a := NormaliseEmail(address)
		if !slices.Contains(have, a) {
			return nil
		}
		c.event(EventCCRemoved, FieldCC, a, "", 0, 0)
		return nil
	})
}

// AddCC copies address on the ticket (staff only), versioned like every
// workspace write.
func (s *Service) AddCC(ctx context.Context, by Actor, at TicketVersion, address string) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		have, err := tx.TicketCCs(ctx, by.Tenant, t.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("helpdesk: ccs of %s: %w", t.Number, err)
		}
		evs, added, err := t.AddCC(have, address, by, now)
		if err != nil || added == "" {
			return evs, nil, err
		}
		if err := tx.AddTicketCCs(ctx, by.Tenant, t.ID, []string{added}); err != nil {
			return nil, nil, fmt.Errorf("helpdesk: add cc to %s: %w", t.Number, err)
		}
		return evs, nil, nil
	})
}

// RemoveCC stops copying address on the ticket (staff only).
func (s *Service) RemoveCC(ctx context.Context, by Actor, at TicketVersion, address string) (Ticket, error) {
	return s.update(ctx, by, at, func(tx Store, t *Ticket, now time.Time) ([]Event, *NewComment, error) {
		have, err := tx.TicketCCs(ctx, by.Tenant, t.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("helpdesk: ccs of %s: %w", t.Number, err)
		}
		evs, err := t.RemoveCC(have, address, by, now)
		if err != nil || len(evs) == 0 {
			return evs, nil, err
		}
		if err := tx.RemoveTicketCC(ctx, by.Tenant, t.ID, NormaliseEmail(address)); err != nil {
			return nil, nil, fmt.Errorf("helpdesk: remove cc from %s: %w", t.Number, err)
		}
		return evs, nil, nil
	})
}
