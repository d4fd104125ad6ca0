package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MacroID identifies a macro within its tenant.
type MacroID int64

// Macro is a canned response: a text with placeholders an agent inserts in
// a reply, and the field changes that go with it. Owner zero is a shared
// macro (admins define them); otherwise only its owner sees it.
type Macro struct {
	ID       MacroID
	Owner    UserID
	Name     string
	Body     string
	Status   Status   // "" keeps the status; else one a reply may set
	Priority Priority // "" keeps the priority
	Tags     []string // added to the ticket's tags
	Created  time.Time
}

// Shared reports whether every agent of the desk sees the macro.
func (m Macro) Shared() bool { return m.Owner == 0 }

// MacroStore keeps the desk's macros.
type MacroStore interface {
	CreateMacro(ctx context.Context, tenant TenantID, m Macro) (Macro, error)
	// Macros lists the shared macros and those owned by user, by name.
	Macros(ctx context.Context, tenant TenantID, user UserID) ([]Macro, error)
	// Macro loads one macro of the tenant, whoever owns it.
	Macro(ctx context.Context, tenant TenantID, id MacroID) (Macro, error)
	// UpdateMacro replaces every field of m.ID but its creation time.
	UpdateMacro(ctx context.Context, tenant TenantID, m Macro) error
	DeleteMacro(ctx context.Context, tenant TenantID, id MacroID) error
	// ReplyChoices is Groups, Agents and Macros read together, for the
	// workspace.
	ReplyChoices(ctx context.Context, tenant TenantID, user UserID) ([]Group, []User, []Macro, error)
}

// MacroInput is a macro as submitted.
type MacroInput struct {
	Name     string
	Body     string
	Shared   bool
	Status   string
	Priority string
	Tags     string // as typed: separated by commas or spaces
}

// MacroStatuses are the statuses a macro may leave a ticket in: those an
// agent may choose when replying ("submit as").
func MacroStatuses() []Status {
	return []Status{StatusOpen, StatusPending, StatusOnHold, StatusSolved}
}

// CreateMacro adds a macro: an agent's own, or (admins only) a shared one.
// Every problem with the input is reported at once.
func (s *Service) CreateMacro(ctx context.Context, by Actor, in MacroInput) (Macro, error) {
	if !by.IsStaff() || by.User == 0 {
		return Macro{}, fmt.Errorf("helpdesk: create macro: %w", ErrNotFound)
	}
	if in.Shared && !by.IsAdmin() {
		return Macro{}, fmt.Errorf("helpdesk: create shared macro: %w", ErrForbidden)
	}
	m, err := in.macro(by)
	if err != nil {
		return Macro{}, err
	}
	return s.store.CreateMacro(ctx, by.Tenant, m)
}

// UpdateMacro changes a macro the actor may edit (see CanEditMacro); making
// one shared, or taking a shared one private, is for admins.
func (s *Service) UpdateMacro(ctx context.Context, by Actor, id MacroID, in MacroInput) (Macro, error) {
	var out Macro
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		old, err := s.editableMacro(ctx, tx, by, id)
		if err != nil {
			return err
		}
		if in.Shared != old.Shared() && !by.IsAdmin() {
			return fmt.Errorf("helpdesk: share macro %d: %w", id, ErrForbidden)
		}
		m, err := in.macro(by)
		if err != nil {
			return err
		}
		m.ID, m.Created = id, old.Created
		out = m
		return tx.UpdateMacro(ctx, by.Tenant, m)
	})
	return out, err
}

// DeleteMacro removes a macro the actor may edit.
func (s *Service) DeleteMacro(ctx context.Context, by Actor, id MacroID) error {
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		if _, err := s.editableMacro(ctx, tx, by, id); err != nil {
			return err
		}
		return tx.DeleteMacro(ctx, by.Tenant, id)
	})
}

// CanEditMacro reports whether by may change or delete m: its owner, or an
// admin for a shared one.
func CanEditMacro(by Actor, m Macro) bool {
	if m.Shared() {
		return by.IsAdmin()
	}
	return by.IsStaff() && m.Owner == by.User
}

// editableMacro loads macro id for a change by by: another agent's private
// macro is not found; a shared one an agent may use but not change is
// forbidden.
func (s *Service) editableMacro(ctx context.Context, tx Store, by Actor, id MacroID) (Macro, error) {
	if !by.IsStaff() || by.User == 0 || id <= 0 {
		return Macro{}, fmt.Errorf("helpdesk: macro %d: %w", id, ErrNotFound)
	}
	m, err := tx.Macro(ctx, by.Tenant, id)
	if err != nil {
		return Macro{}, err
	}
	if !m.Shared() && m.Owner != by.User {
		return Macro{}, fmt.Errorf("helpdesk: macro %d: %w", id, ErrNotFound)
	}
	if !CanEditMacro(by, m) {
		return Macro{}, fmt.Errorf("helpdesk: edit macro %d: %w", id, ErrForbidden)
	}
	return m, nil
}

// macro validates in and builds the macro it describes for by.
func (in MacroInput) macro(by Actor) (Macro, error) {
	m := Macro{Name: CleanLine(in.Name), Body: CleanText(in.Body)}
	if !in.Shared {
		m.Owner = by.User
	}
	var v ValidationError
	checkName(&v, "name", m.Name)
	if len(m.Body) > MaxBodyBytes {
		v.Add("body", "error.too_long")
	}
	if in.Status != "" {
		st := Status(in.Status)
		ok := false
		for _, s := range MacroStatuses() {
			ok = ok || s == st
		}
		if !ok {
			v.Add("status", "error.invalid")
		}
		m.Status = st
	}
	if in.Priority != "" {
		p, err := ParsePriority(in.Priority)
		if err != nil {
			v.Add("priority", "error.invalid")
		}
		m.Priority = p
	}
	tags, err := NormaliseTags([]string{in.Tags})
	if err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return Macro{}, err
		}
		v.Add("tags", ve.Fields["tags"])
	}
	m.Tags = tags
	return m, v.Err()
}

// Macros lists, for staff, the shared macros and the actor's own.
func (s *Service) Macros(ctx context.Context, by Actor) ([]Macro, error) {
	if !by.IsStaff() || by.User == 0 {
		return nil, fmt.Errorf("helpdesk: macros: %w", ErrNotFound)
	}
	return s.store.Macros(ctx, by.Tenant, by.User)
}

// Macro loads a macro the actor may use: a shared one or their own. Another
// agent's private macro is reported as not found.
func (s *Service) Macro(ctx context.Context, by Actor, id MacroID) (Macro, error) {
	if !by.IsStaff() || by.User == 0 || id <= 0 {
		return Macro{}, fmt.Errorf("helpdesk: macro %d: %w", id, ErrNotFound)
	}
	m, err := s.store.Macro(ctx, by.Tenant, id)
	if err != nil {
		return Macro{}, err
	}
	if !m.Shared() && m.Owner != by.User {
		return Macro{}, fmt.Errorf("helpdesk: macro %d: %w", id, ErrNotFound)
	}
	return m, nil
}

// ExpandMacro fills m's placeholders for ticket t: {{requester.name}},
// {{ticket.number}} (as "#1042"), {{ticket.subject}} and {{agent.name}}.
// It is plain text substitution in one pass: a value that itself looks
// like a placeholder is not expanded again, unknown placeholders stay as
// typed, and nothing is interpreted (the result is shown escaped).
func ExpandMacro(m Macro, t Ticket, requesterName, agentName string) string {
	return strings.NewReplacer(
		"{{requester.name}}", requesterName,
		"{{ticket.number}}", t.Number.String(),
		"{{ticket.subject}}", t.Subject,
		"{{agent.name}}", agentName,
	).Replace(m.Body)
}
