package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Organisation is a customer company. Members may see each other's
// tickets when SharedTickets is on; customers signing up with an email of
// one of its Domains join it.
type Organisation struct {
	ID            OrganisationID
	Name          string
	SharedTickets bool
	Domains       []string
	Members       int // active customers in it
}

// CustomerStore is what the admin's organisation and customer pages
// persist.
type CustomerStore interface {
	Organisations(ctx context.Context, tenant TenantID) ([]Organisation, error)
	Organisation(ctx context.Context, tenant TenantID, id OrganisationID) (Organisation, error)
	// SaveOrganisation inserts (ID zero) or updates o and replaces its
	// domains; a taken name or domain is ErrConflict.
	SaveOrganisation(ctx context.Context, tenant TenantID, o Organisation) (Organisation, error)
	// OrganisationByDomain finds the organisation owning an email domain.
	OrganisationByDomain(ctx context.Context, tenant TenantID, domain string) (OrganisationID, error)
	// Customers lists customers whose name or email contains q (any when
	// empty), by name then id, after the keyset (name, id), up to limit.
	Customers(ctx context.Context, tenant TenantID, q string, afterName string, afterID UserID, limit int) ([]User, error)
	// UpdateCustomer stores a customer's name, phone and organisation.
	UpdateCustomer(ctx context.Context, tenant TenantID, u User) (User, error)
	// MergeCustomer moves from's tickets (as requester) and follows to
	// into, deactivates from and records the merge; it returns how many
	// tickets moved.
	MergeCustomer(ctx context.Context, tenant TenantID, from, into UserID) (int, error)
}

var domainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

// MaxOrgDomains bounds an organisation's email domains.
const MaxOrgDomains = 20

// OrganisationInput is the organisation form as typed. Domains are
// separated by commas, spaces or lines; "@" prefixes are dropped.
type OrganisationInput struct {
	Name          string
	SharedTickets bool
	Domains       string
}

func (in OrganisationInput) organisation() (Organisation, error) {
	o := Organisation{Name: CleanLine(in.Name), SharedTickets: in.SharedTickets}
	var v ValidationError
	checkName(&v, "name", o.Name)
	for _, d := range strings.FieldsFunc(strings.ToLower(in.Domains), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		d = strings.TrimPrefix(d, "@")
		if d == "" || slices.Contains(o.Domains, d) {
			continue
		}
		if len(d) > 253 || !domainPattern.MatchString(d) {
			v.Add("domains", "admin.error.domain")
			continue
		}
		o.Domains = append(o.Domains, d)
	}
	if len(o.Domains) > MaxOrgDomains {
		v.Add("domains", "error.too_long")
	}
	slices.Sort(o.Domains)
	return o, v.Err()
}

func orgAudit(o Organisation) AuditValues {
	return AuditValues{"name": o.Name, "shared_tickets": strconv.FormatBool(o.SharedTickets), "domains": strings.Join(o.Domains, ", ")}
}

// SaveOrganisation creates (id zero) or changes an organisation, for
// admins. A taken name, or a domain another organisation has, is a field
// error.
func (s *Service) SaveOrganisation(ctx context.Context, by Actor, id OrganisationID, in OrganisationInput) (Organisation, error) {
	o, verr := in.organisation()
	var out Organisation
	err := s.adminTx(ctx, by, "save organisation", func(tx Store) error {
		if verr != nil {
			return verr
		}
		var before AuditValues
		action := "organisation.create"
		if id != 0 {
			old, err := tx.Organisation(ctx, by.Tenant, id)
			if err != nil {
				return err
			}
			before, action = orgAudit(old), "organisation.update"
		}
		o.ID = id
		var err error
		if out, err = tx.SaveOrganisation(ctx, by.Tenant, o); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "organisation", ObjectID: int64(out.ID), ObjectLabel: out.Name,
			Before: before, After: orgAudit(out)})
	})
	if errors.Is(err, ErrConflict) {
		// The store says which value is taken: a name or a domain.
		field, key := "name", "error.name_taken"
		var ce *ConflictError
		if errors.As(err, &ce) && ce.Field == "domains" {
			field, key = "domains", "admin.error.domain_taken"
		}
		return Organisation{}, &ValidationError{Fields: map[string]string{field: key}}
	}
	return out, err
}

// Organisations lists the desk's organisations, for admins.
func (s *Service) Organisations(ctx context.Context, by Actor) ([]Organisation, error) {
	var out []Organisation
	err := s.adminTx(ctx, by, "organisations", func(tx Store) error {
		var err error
		out, err = tx.Organisations(ctx, by.Tenant)
		return err
	})
	return out, err
}

// AdminOrganisation loads one organisation, for admins.
func (s *Service) AdminOrganisation(ctx context.Context, by Actor, id OrganisationID) (Organisation, error) {
	var out Organisation
	err := s.adminTx(ctx, by, "organisation", func(tx Store) error {
		var err error
		out, err = tx.Organisation(ctx, by.Tenant, id)
		return err
	})
	return out, err
}

// organisationForEmail is the organisation whose domain email has, or 0.
func (s *Service) organisationForEmail(ctx context.Context, tenant TenantID, email string) (OrganisationID, error) {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return 0, nil
	}
	id, err := s.store.OrganisationByDomain(ctx, tenant, strings.ToLower(email[at+1:]))
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	return id, err
}

// CustomerPageSize is how many customers a page of the list shows.
const CustomerPageSize = 50

// CustomerPage is one page of the customer list.
type CustomerPage struct {
	Customers []User
	// NextName and NextID continue the list; NextID zero on the last page.
	NextName string
	NextID   UserID
}

// Customers lists the desk's customers matching q, for admins.
func (s *Service) Customers(ctx context.Context, by Actor, q string, afterName string, afterID UserID) (CustomerPage, error) {
	q = CleanLine(q)
	if runeLen(q) > MaxQueryLen {
		return CustomerPage{}, invalid("q", "error.too_long")
	}
	var page CustomerPage
	err := s.adminTx(ctx, by, "customers", func(tx Store) error {
		us, err := tx.Customers(ctx, by.Tenant, q, afterName, afterID, CustomerPageSize+1)
		if err != nil {
			return err
		}
		if len(us) > CustomerPageSize {
			us = us[:CustomerPageSize]
			page.NextName, page.NextID = us[len(us)-1].Name, us[len(us)-1].ID
		}
		page.Customers = us
		return nil
	})
	return page, err
}

// customer loads a customer of tenant; anyone else is not found.
func customer(ctx context.Context, tx Store, tenant TenantID, id UserID) (User, error) {
	u, err := tx.User(ctx, tenant, id)
	if err != nil {
		return User{}, err
	}
	if u.Role != RoleCustomer {
		return User{}, fmt.Errorf("helpdesk: user %d is no customer: %w", id, ErrNotFound)
	}
	return u, nil
}

// AdminCustomer loads a customer, for admins.
func (s *Service) AdminCustomer(ctx context.Context, by Actor, id UserID) (User, error) {
	var out User
	err := s.adminTx(ctx, by, "customer", func(tx Store) error {
		var err error
		out, err = customer(ctx, tx, by.Tenant, id)
		return err
	})
	return out, err
}

// CustomerInput is the customer form.
type CustomerInput struct {
	Name         string
	Phone        string
	Organisation OrganisationID // 0 none; negative: not a number
}

func customerAudit(u User, org string) AuditValues {
	return AuditValues{"name": u.Name, "phone": u.Phone, "organisation": org}
}

func orgName(ctx context.Context, tx Store, tenant TenantID, id OrganisationID) (string, error) {
	if id == 0 {
		return "", nil
	}
	o, err := tx.Organisation(ctx, tenant, id)
	return o.Name, err
}

// UpdateCustomer changes a customer's name, phone and organisation.
func (s *Service) UpdateCustomer(ctx context.Context, by Actor, id UserID, in CustomerInput) (User, error) {
	p := ProfileInput{Name: in.Name, Phone: in.Phone}
	verr := p.Validate()
	var out User
	err := s.adminTx(ctx, by, "update customer", func(tx Store) error {
		old, err := customer(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		var v ValidationError
		if verr != nil {
			mergeValidation(&v, verr)
		}
		newOrg, err := orgName(ctx, tx, by.Tenant, in.Organisation)
		switch {
		case in.Organisation < 0 || errors.Is(err, ErrNotFound):
			v.Add("organisation", "error.invalid")
		case err != nil:
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		oldOrg, err := orgName(ctx, tx, by.Tenant, old.Organisation)
		if err != nil {
			return err
		}
		u := old
		u.Name, u.Phone, u.Organisation = p.Name, p.Phone, in.Organisation
		if out, err = tx.UpdateCustomer(ctx, by.Tenant, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "customer.update", ObjectKind: "customer", ObjectID: int64(id), ObjectLabel: out.Email,
			Before: customerAudit(old, oldOrg), After: customerAudit(out, newOrg)})
	})
	return out, err
}

// BlockCustomer blocks (or unblocks) a customer: a blocked customer cannot
// sign in, so opens no ticket in the portal; their sessions end at once.
func (s *Service) BlockCustomer(ctx context.Context, by Actor, id UserID, blocked bool) (User, error) {
	var out User
	err := s.adminTx(ctx, by, "block customer", func(tx Store) error {
		old, err := customer(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		if old.MergedInto != 0 {
			return invalid("blocked", "admin.error.merged")
		}
		if old.Active != blocked {
			out = old
			return nil
		}
		if out, err = tx.SetUserActive(ctx, by.Tenant, id, !blocked); err != nil {
			return err
		}
		action := "customer.block"
		if !blocked {
			action = "customer.unblock"
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "customer", ObjectID: int64(id), ObjectLabel: out.Email,
			Before: AuditValues{"blocked": strconv.FormatBool(!old.Active)}, After: AuditValues{"blocked": strconv.FormatBool(blocked)}})
	})
	return out, err
}

// MergeCustomer merges customer record from into into (the same person
// under two emails): from's tickets and follows move to into, and from is
// deactivated, pointing at into. It returns how many tickets moved.
func (s *Service) MergeCustomer(ctx context.Context, by Actor, from UserID, intoEmail string) (User, int, error) {
	var into User
	var moved int
	err := s.adminTx(ctx, by, "merge customer", func(tx Store) error {
		src, err := customer(ctx, tx, by.Tenant, from)
		if err != nil {
			return err
		}
		if src.MergedInto != 0 {
			return invalid("into", "admin.error.merged")
		}
		into, err = tx.UserByEmail(ctx, by.Tenant, NormaliseEmail(intoEmail))
		switch {
		case errors.Is(err, ErrNotFound) || err == nil && (into.Role != RoleCustomer || into.MergedInto != 0):
			return invalid("into", "admin.error.merge_target")
		case err != nil:
			return err
		case into.ID == src.ID:
			return invalid("into", "admin.error.merge_self")
		}
		if moved, err = tx.MergeCustomer(ctx, by.Tenant, src.ID, into.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "customer.merge", ObjectKind: "customer", ObjectID: int64(src.ID), ObjectLabel: src.Email,
			Before: AuditValues{"active": "true"},
			After:  AuditValues{"active": "false", "merged_into": into.Email, "tickets_moved": strconv.Itoa(moved)}})
	})
	return into, moved, err
}
