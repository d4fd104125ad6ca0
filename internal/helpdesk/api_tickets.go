package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PhoneCall is the call behind a ticket a phone system (CTI) opened: who
// called, when, for how long, and which agent took it. Zero members are
// unknown.
type PhoneCall struct {
	CallerNumber string
	StartedAt    time.Time
	// Duration is the call's length; negative when unknown.
	Duration  time.Duration
	Agent     UserID
	AgentName string
}

// Phone call limits.
const (
	maxCallerNumber = 40
	maxCallDuration = 24 * time.Hour
)

// CallStore keeps the phone calls behind tickets.
type CallStore interface {
	SaveCall(ctx context.Context, tenant TenantID, ticket TicketID, c PhoneCall) error
	// TicketCall returns the ticket's call, or ErrNotFound.
	TicketCall(ctx context.Context, tenant TenantID, ticket TicketID) (PhoneCall, error)
	// CreatedTicketView saves the new ticket's call save (nil: none) and
	// reads what the answer to its API creation shows, in one round trip:
	// the ticket (ErrNotFound when absent), the desk's custom field
	// definitions, and its call (nil when it has none).
	CreatedTicketView(ctx context.Context, tenant TenantID, created TicketRef, save *PhoneCall) (Ticket, []CustomFieldDef, *PhoneCall, error)
}

// APITicketInput is a ticket opened through the API: the ticket, and its
// requester given by id or by email (a customer created if new), and for a
// phone ticket the call.
type APITicketInput struct {
	Ticket         NewTicket
	RequesterID    UserID
	RequesterEmail string
	RequesterName  string
	Call           *PhoneCall
}

// checkCall cleans and validates c against now.
func checkCall(c *PhoneCall, now time.Time) error {
	var v ValidationError
	c.CallerNumber = CleanLine(c.CallerNumber)
	switch {
	case c.CallerNumber == "":
		v.Add("phone.caller_number", "error.required")
	case runeLen(c.CallerNumber) > maxCallerNumber ||
		strings.ContainsFunc(c.CallerNumber, func(r rune) bool { return !strings.ContainsRune("+0123456789 ()-.*#", r) }):
		v.Add("phone.caller_number", "api.error.phone_number")
	}
	if !c.StartedAt.IsZero() {
		c.StartedAt = c.StartedAt.UTC()
		if c.StartedAt.After(now.Add(5 * time.Minute)) {
			v.Add("phone.call_start", "api.error.future")
		}
	}
	if c.Duration > maxCallDuration {
		v.Add("phone.duration_seconds", "error.invalid")
	}
	return v.Err()
}

// requesterFor resolves the requester of an API ticket: an id, or an email
// whose customer is found or created. Staff and blocked people cannot be
// requesters.
func (s *Service) requesterFor(ctx context.Context, tx Store, by Actor, in APITicketInput) (Requester, error) {
	if in.RequesterID != 0 {
		return Requester{User: in.RequesterID}, nil
	}
	email := NormaliseEmail(in.RequesterEmail)
	name := CleanLine(in.RequesterName)
	var v ValidationError
	checkEmail(&v, "requester.email", email)
	if runeLen(name) > MaxNameLen {
		v.Add("requester.name", "error.too_long")
	}
	if err := v.Err(); err != nil {
		return Requester{}, err
	}
	u, err := tx.UserByEmail(ctx, by.Tenant, email)
	switch {
	case errors.Is(err, ErrNotFound):
		if name == "" {
			name, _, _ = strings.Cut(email, "@")
		}
		u, err = tx.CreateUser(ctx, by.Tenant, User{Email: email, Name: name, Role: RoleCustomer, Active: true})
		if err != nil {
			return Requester{}, fmt.Errorf("helpdesk: create requester: %w", err)
		}
	case err != nil:
		return Requester{}, fmt.Errorf("helpdesk: requester: %w", err)
	case u.Role.IsStaff() || !u.Active:
		return Requester{}, invalid("requester.email", "error.invalid")
	}
	return Requester{User: u.ID}, nil
}

// OpenAPITicket opens a ticket for an API client: the requester is found
// or created, the ticket opened by the same rules as every channel, and a
// phone call recorded with it, all in one transaction.
func (s *Service) OpenAPITicket(ctx context.Context, by Actor, in APITicketInput) (Ticket, error) {
	if !by.IsStaff() {
		return Ticket{}, fmt.Errorf("helpdesk: API ticket: %w", ErrForbidden)
	}
	var out Ticket
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		t, err := s.openAPITicket(ctx, tx, by, in)
		if err == nil && in.Call != nil {
			err = s.saveCall(ctx, tx, by, t, *in.Call)
		}
		out = t
		return err
	})
	return out, err
}

// openAPITicket is OpenAPITicket inside the caller's transaction, but for
// the call (in.Call, checked here), which the caller saves.
func (s *Service) openAPITicket(ctx context.Context, tx Store, by Actor, in APITicketInput) (Ticket, error) {
	now := s.now()
	var callErr error
	if in.Call != nil {
		callErr = checkCall(in.Call, now)
		if in.Ticket.Channel != ChannelPhone {
			callErr = joinInvalid(callErr, invalid("channel", "api.error.phone_channel"))
		}
		if in.Call.Agent != 0 {
			u, err := tx.User(ctx, by.Tenant, in.Call.Agent)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return Ticket{}, err
			}
			if err != nil || !u.Role.IsStaff() || !u.Active {
				callErr = joinInvalid(callErr, invalid("phone.agent_id", "error.invalid"))
			}
			in.Call.AgentName = u.Name
		}
	}
	req, err := s.requesterFor(ctx, tx, by, in)
	if err != nil {
		return Ticket{}, joinInvalid(callErr, err)
	}
	in.Ticket.Requester = req
	t, err := s.openTicket(ctx, tx, by, in.Ticket)
	if err != nil {
		return Ticket{}, joinInvalid(callErr, err)
	}
	if callErr != nil {
		return Ticket{}, callErr
	}
	return t, nil
}

// saveCall records the phone call behind the new ticket t.
func (s *Service) saveCall(ctx context.Context, tx Store, by Actor, t Ticket, c PhoneCall) error {
	if err := tx.SaveCall(ctx, by.Tenant, t.ID, c); err != nil {
		return fmt.Errorf("helpdesk: save call of %s: %w", t.Number, err)
	}
	return nil
}

// joinInvalid merges two validation errors so the client sees every field
// at once; any other error wins.
func joinInvalid(a, b error) error {
	var va, vb *ValidationError
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case errors.As(a, &va) && errors.As(b, &vb):
		out := &ValidationError{}
		mergeValidation(out, va)
		mergeValidation(out, vb)
		return out
	case errors.As(a, &va):
		return b
	}
	return a
}

// TicketCall returns the phone call behind ticket n, for staff; ok is false
// when it has none.
func (s *Service) TicketCall(ctx context.Context, by Actor, n TicketNumber) (PhoneCall, bool, error) {
	if !by.IsStaff() {
		return PhoneCall{}, false, fmt.Errorf("helpdesk: call of %s: %w", n, ErrNotFound)
	}
	var out PhoneCall
	var ok bool
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := s.load(ctx, tx, by, n)
		if err != nil {
			return err
		}
		out, err = tx.TicketCall(ctx, by.Tenant, t.ID)
		switch {
		case errors.Is(err, ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		ok = true
		return nil
	})
	return out, ok, err
}
