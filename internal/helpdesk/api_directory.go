package helpdesk

import (
	"context"
	"errors"
	"fmt"
)

// TicketFields lists the desk's active custom field definitions, for
// staff and integrations building a ticket form (the portal's subset is
// CustomerFields).
func (s *Service) TicketFields(ctx context.Context, by Actor) ([]CustomFieldDef, error) {
	if !by.IsStaff() {
		return nil, fmt.Errorf("helpdesk: ticket fields: %w", ErrNotFound)
	}
	var out []CustomFieldDef
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		all, err := tx.CustomFieldDefs(ctx, by.Tenant)
		if err != nil {
			return fmt.Errorf("helpdesk: custom fields: %w", err)
		}
		for _, d := range all {
			if d.Active {
				out = append(out, d)
			}
		}
		return nil
	})
	return out, err
}

// NewCustomerInput is a customer created by staff or an integration.
type NewCustomerInput struct {
	Name         string
	Email        string
	Phone        string
	Organisation OrganisationID // 0: by the email's domain, if one matches
}

// CreateCustomer adds a customer without a password (they claim the
// account by a reset link), for admins: the same checks as a profile,
// an address nobody here has, an organisation of this desk. Audited.
func (s *Service) CreateCustomer(ctx context.Context, by Actor, in NewCustomerInput) (User, error) {
	p := ProfileInput{Name: in.Name, Phone: in.Phone}
	var v ValidationError
	if err := p.Validate(); err != nil {
		mergeValidation(&v, err)
	}
	email := NormaliseEmail(in.Email)
	checkEmail(&v, "email", email)
	var out User
	err := s.adminTx(ctx, by, "create customer", func(tx Store) error {
		org := in.Organisation
		var orgLabel string
		if org != 0 {
			name, err := orgName(ctx, tx, by.Tenant, org)
			switch {
			case org < 0 || errors.Is(err, ErrNotFound):
				v.Add("organisation_id", "error.invalid")
			case err != nil:
				return err
			}
			orgLabel = name
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.UserByEmail(ctx, by.Tenant, email); err == nil {
			return invalid("email", "error.email_taken")
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if org == 0 {
			if id, err := tx.OrganisationByDomain(ctx, by.Tenant, emailDomain(email)); err == nil {
				org = id
				if orgLabel, err = orgName(ctx, tx, by.Tenant, org); err != nil {
					return err
				}
			} else if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		u, err := tx.CreateUser(ctx, by.Tenant, User{Email: email, Name: p.Name, Role: RoleCustomer, Active: true, Organisation: org})
		if err != nil {
			return fmt.Errorf("helpdesk: create customer: %w", err)
		}
		if p.Phone != "" {
			u.Phone = p.Phone
			if u, err = tx.UpdateCustomer(ctx, by.Tenant, u); err != nil {
				return err
			}
		}
		out = u
		return s.audit(ctx, tx, by, AuditEntry{Action: "customer.create", ObjectKind: "customer", ObjectID: int64(u.ID),
			ObjectLabel: u.Email, After: customerAudit(u, orgLabel)})
	})
	return out, err
}

func emailDomain(email string) string {
	for i := len(email) - 1; i >= 0; i-- {
		if email[i] == '@' {
			return email[i+1:]
		}
	}
	return ""
}
