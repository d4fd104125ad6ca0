package helpdesk

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// CategoryAdminStore is what the admin pages need beyond DirectoryStore
// to manage categories.
type CategoryAdminStore interface {
	// UpdateCategory stores every setting of c (not its id) and returns it
	// as stored; a taken name is ErrConflict.
	UpdateCategory(ctx context.Context, tenant TenantID, c Category) (Category, error)
	// SetCategoryArchived archives (at set) or restores (at zero) a category.
	SetCategoryArchived(ctx context.Context, tenant TenantID, id CategoryID, archived bool) (Category, error)
}

// MaxCategoryDescription bounds a category's description, in characters.
const MaxCategoryDescription = 1000

// MaxPosition bounds the order numbers admins type.
const MaxPosition = 9999

// CategoryInput is a category as an admin submits it.
type CategoryInput struct {
	Name        string
	Description string
	// DefaultGroup is the group id chosen; 0 none, negative for a value
	// that was not a number (a forged form).
	DefaultGroup    GroupID
	DefaultPriority string // "" none
	Internal        bool   // not offered in the portal
	Position        string // as typed; "" is 0
}

// parsePosition reads an order number as typed.
func parsePosition(v *ValidationError, field, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > MaxPosition {
		v.Add(field, "admin.error.position")
		return 0
	}
	return n
}

// category validates in and loads what it refers to, in tx.
func (s *Service) category(ctx context.Context, tx Store, by Actor, in CategoryInput) (Category, error) {
	c := Category{
		Name: CleanLine(in.Name), Description: CleanText(in.Description),
		DefaultGroup: in.DefaultGroup, Internal: in.Internal,
	}
	var v ValidationError
	checkName(&v, "name", c.Name)
	if runeLen(c.Description) > MaxCategoryDescription {
		v.Add("description", "error.too_long")
	}
	if in.DefaultPriority != "" {
		p, err := ParsePriority(in.DefaultPriority)
		if err != nil {
			v.Add("default_priority", "error.invalid")
		}
		c.DefaultPriority = p
	}
	c.Position = parsePosition(&v, "position", in.Position)
	switch {
	case c.DefaultGroup < 0:
		v.Add("default_group", "error.invalid")
	case c.DefaultGroup > 0:
		g, err := tx.Group(ctx, by.Tenant, c.DefaultGroup)
		switch {
		case errors.Is(err, ErrNotFound) || err == nil && g.Archived():
			v.Add("default_group", "error.invalid")
		case err != nil:
			return Category{}, err
		}
	}
	return c, v.Err()
}

// categoryAudit is c as the audit log shows it.
func categoryAudit(c Category, groupName string) AuditValues {
	return AuditValues{
		"name": c.Name, "description": c.Description, "default_group": groupName,
		"default_priority": string(c.DefaultPriority), "portal_visible": strconv.FormatBool(!c.Internal),
		"position": strconv.Itoa(c.Position), "archived": strconv.FormatBool(c.Archived()),
	}
}

// groupName is the name of group id for the audit log ("" for none).
func groupName(ctx context.Context, tx Store, tenant TenantID, id GroupID) (string, error) {
	if id == 0 {
		return "", nil
	}
	g, err := tx.Group(ctx, tenant, id)
	if err != nil {
		return "", err
	}
	return g.Name, nil
}

// AddCategory creates a category with all its settings. Admins only; a
// taken name is a field error.
func (s *Service) AddCategory(ctx context.Context, by Actor, in CategoryInput) (Category, error) {
	var out Category
	err := s.adminTx(ctx, by, "add category", func(tx Store) error {
		c, err := s.category(ctx, tx, by, in)
		if err != nil {
			return err
		}
		if out, err = tx.CreateCategory(ctx, by.Tenant, c); err != nil {
			return err
		}
		gn, err := groupName(ctx, tx, by.Tenant, out.DefaultGroup)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "category.create", ObjectKind: "category", ObjectID: int64(out.ID),
			ObjectLabel: out.Name, After: categoryAudit(out, gn)})
	})
	if errors.Is(err, ErrConflict) {
		return Category{}, &ValidationError{Fields: map[string]string{"name": "error.name_taken"}}
	}
	return out, err
}

// UpdateCategory changes a category's settings. Admins only; a category of
// another desk is not found.
func (s *Service) UpdateCategory(ctx context.Context, by Actor, id CategoryID, in CategoryInput) (Category, error) {
	var out Category
	err := s.adminTx(ctx, by, "update category", func(tx Store) error {
		old, err := tx.Category(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		c, err := s.category(ctx, tx, by, in)
		if err != nil {
			return err
		}
		c.ID, c.ArchivedAt = old.ID, old.ArchivedAt
		if out, err = tx.UpdateCategory(ctx, by.Tenant, c); err != nil {
			return err
		}
		oldGroup, err := groupName(ctx, tx, by.Tenant, old.DefaultGroup)
		if err != nil {
			return err
		}
		newGroup, err := groupName(ctx, tx, by.Tenant, out.DefaultGroup)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "category.update", ObjectKind: "category", ObjectID: int64(out.ID),
			ObjectLabel: out.Name, Before: categoryAudit(old, oldGroup), After: categoryAudit(out, newGroup)})
	})
	if errors.Is(err, ErrConflict) {
		return Category{}, &ValidationError{Fields: map[string]string{"name": "error.name_taken"}}
	}
	return out, err
}

// ArchiveCategory archives (archived true) or restores a category. An
// archived category is offered in no picker; tickets that have it keep it.
func (s *Service) ArchiveCategory(ctx context.Context, by Actor, id CategoryID, archived bool) (Category, error) {
	var out Category
	err := s.adminTx(ctx, by, "archive category", func(tx Store) error {
		old, err := tx.Category(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		if old.Archived() == archived {
			out = old
			return nil
		}
		if out, err = tx.SetCategoryArchived(ctx, by.Tenant, id, archived); err != nil {
			return err
		}
		action := "category.archive"
		if !archived {
			action = "category.restore"
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "category", ObjectID: int64(out.ID), ObjectLabel: out.Name,
			Before: AuditValues{"archived": strconv.FormatBool(old.Archived())}, After: AuditValues{"archived": strconv.FormatBool(archived)}})
	})
	return out, err
}

// AdminCategories lists every category, archived ones included, for
// admins.
func (s *Service) AdminCategories(ctx context.Context, by Actor) ([]Category, error) {
	var out []Category
	err := s.adminTx(ctx, by, "admin categories", func(tx Store) error {
		var err error
		out, err = tx.Categories(ctx, by.Tenant)
		return err
	})
	return out, err
}

// AdminCategory loads one category for admins.
func (s *Service) AdminCategory(ctx context.Context, by Actor, id CategoryID) (Category, error) {
	var out Category
	err := s.adminTx(ctx, by, "admin category", func(tx Store) error {
		var err error
		out, err = tx.Category(ctx, by.Tenant, id)
		return err
	})
	return out, err
}

// offered reports whether c may be chosen for a new ticket by actor by:
// never when archived; by customers, guests and the public form only when
// visible in the portal.
func offered(c Category, by Actor) bool {
	return !c.Archived() && (by.IsStaff() || !c.Internal)
}

// CategoryFor is what a new ticket's category is for by: c when it may be
// chosen, the zero Category (an invalid choice) otherwise.
func CategoryFor(c Category, by Actor) Category {
	if offered(c, by) {
		return c
	}
	return Category{}
}
