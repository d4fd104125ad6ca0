package helpdesk

import (
	"context"
	"fmt"
	"strings"
)

// CustomerFields lists the custom fields a customer fills in when opening a
// ticket: the active, customer-visible definitions, in the desk's order
// (position, then id). Any signed-in user of the tenant may read them, and the system (a
// channel's form). dir, when not nil, is the desk's ticket page settings as
// a server caches them (StaffWorkspacePage): the fields are taken from it
// instead of read. The form they parse is checked again by the creation,
// which reads the definitions in its own transaction.
func (s *Service) CustomerFields(ctx context.Context, by Actor, dir *WorkspaceDirectory) ([]CustomFieldDef, error) {
	if by.Kind != ActorSystem && (by.Kind != ActorUser || by.User == 0) {
		return nil, fmt.Errorf("helpdesk: customer fields: %w", ErrNotFound)
	}
	if dir != nil {
		return customerVisible(dir.Fields), nil
	}
	var defs []CustomFieldDef
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		all, err := tx.CustomFieldDefs(ctx, by.Tenant)
		if err != nil {
			return fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		defs = customerVisible(all)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return defs, nil
}

// customerVisible keeps the active, customer-visible definitions of all,
// in its order.
func customerVisible(all []CustomFieldDef) []CustomFieldDef {
	var defs []CustomFieldDef
	for _, d := range all {
		if d.Active && d.CustomerVisible {
			defs = append(defs, d)
		}
	}
	return defs
}

// CheckCustomerFields validates the custom field values a customer submits
// exactly as opening a ticket does (NewTicket.Open), with the same
// ValidationError keys (see FieldErrorKey). Open reports field problems only
// once the rest of the form is valid; a form calls this to show every
// problem at once.
func CheckCustomerFields(defs []CustomFieldDef, values map[CustomFieldID]string) error {
	c := &change{t: &Ticket{}}
	return c.setFields(defs, values, true)
}

// FieldErrorKey is the ValidationError key under which the domain reports a
// problem with custom field d: "field:" and the definition's key.
func FieldErrorKey(d CustomFieldDef) string { return customFieldPrefix + d.Key }

// IsFieldErrorKey reports whether a ValidationError key is about a custom
// field.
func IsFieldErrorKey(k string) bool { return strings.HasPrefix(k, customFieldPrefix) }
