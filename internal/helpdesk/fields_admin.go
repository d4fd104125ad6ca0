package helpdesk

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// FieldAdminStore is what the admin pages need to manage custom fields.
type FieldAdminStore interface {
	// CreateCustomFieldDef inserts a definition; a taken key is
	// ErrConflict.
	CreateCustomFieldDef(ctx context.Context, tenant TenantID, d CustomFieldDef) (CustomFieldDef, error)
	// UpdateCustomFieldDef stores d's label, options, flags, position and
	// active state; its key and type never change.
	UpdateCustomFieldDef(ctx context.Context, tenant TenantID, d CustomFieldDef) (CustomFieldDef, error)
}

// FieldInput is a custom field as an admin submits it. Options is one
// option per line, as typed; each line is both what is shown and what is
// stored.
type FieldInput struct {
	Label           string
	Key             string // "" derives it from the label; fixed once created
	Type            string // fixed once created
	Options         string
	CustomerVisible bool
	Required        bool // for customers
	AgentRequired   bool
	Position        string
}

// fieldKeyFrom derives a field key from a label: lower-case ASCII letters,
// digits and underscores ("Nº de pedido" → "n_de_pedido").
func fieldKeyFrom(label string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(label) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			under = false
		case unicode.IsLetter(r):
			if base, ok := unaccented[r]; ok {
				b.WriteRune(base)
				under = false
			}
		default:
			if !under && b.Len() > 0 {
				b.WriteByte('_')
				under = true
			}
		}
	}
	k := strings.Trim(b.String(), "_")
	if len(k) > 40 {
		k = strings.TrimRight(k[:40], "_")
	}
	if k == "" || k[0] < 'a' || k[0] > 'z' {
		k = "campo_" + k
	}
	return k
}

var unaccented = map[rune]rune{'á': 'a', 'é': 'e', 'í': 'i', 'ó': 'o', 'ú': 'u', 'ü': 'u', 'ñ': 'n', 'à': 'a', 'è': 'e', 'ò': 'o', 'ç': 'c', 'º': 'o', 'ª': 'a'}

// fieldOptions reads the options typed one per line.
func fieldOptions(typed string) []CustomFieldOption {
	var out []CustomFieldOption
	for _, line := range strings.Split(typed, "\n") {
		if l := CleanLine(line); l != "" {
			out = append(out, CustomFieldOption{Value: l, Label: l})
		}
	}
	return out
}

// field validates in into d (which holds the fixed key and type when
// editing).
func (in FieldInput) apply(d *CustomFieldDef) error {
	d.Label = in.Label
	d.CustomerVisible, d.Required, d.AgentRequired = in.CustomerVisible, in.Required, in.AgentRequired
	d.Options = nil
	if d.Type.HasOptions() {
		d.Options = fieldOptions(in.Options)
	}
	var v ValidationError
	d.Position = parsePosition(&v, "position", in.Position)
	if d.Required && !d.CustomerVisible {
		v.Add("required", "admin.error.required_hidden")
	}
	if err := d.Validate(); err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for f, k := range ve.Fields {
			if f == "options" && d.Type.HasOptions() && len(d.Options) == 0 {
				k = "admin.error.options_needed"
			}
			v.Add(f, k)
		}
	}
	return v.Err()
}

// fieldAudit is d as the audit log shows it.
func fieldAudit(d CustomFieldDef) AuditValues {
	opts := make([]string, 0, len(d.Options))
	for _, o := range d.Options {
		opts = append(opts, o.Label)
	}
	return AuditValues{
		"label": d.Label, "key": d.Key, "type": string(d.Type), "options": strings.Join(opts, ", "),
		"customer_visible": strconv.FormatBool(d.CustomerVisible), "required": strconv.FormatBool(d.Required),
		"agent_required": strconv.FormatBool(d.AgentRequired), "position": strconv.Itoa(d.Position),
		"archived": strconv.FormatBool(!d.Active),
	}
}

// AddField defines a custom ticket field. Admins only; a taken key is a
// field error.
func (s *Service) AddField(ctx context.Context, by Actor, in FieldInput) (CustomFieldDef, error) {
	d := CustomFieldDef{Key: strings.TrimSpace(in.Key), Type: FieldType(in.Type), Active: true}
	in.Label = CleanLine(in.Label)
	if d.Key == "" && in.Label != "" {
		d.Key = fieldKeyFrom(in.Label)
	}
	var out CustomFieldDef
	err := s.adminTx(ctx, by, "add field", func(tx Store) error {
		if err := in.apply(&d); err != nil {
			return err
		}
		var err error
		if out, err = tx.CreateCustomFieldDef(ctx, by.Tenant, d); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "field.create", ObjectKind: "field", ObjectID: int64(out.ID), ObjectLabel: out.Label, After: fieldAudit(out)})
	})
	if errors.Is(err, ErrConflict) {
		return CustomFieldDef{}, &ValidationError{Fields: map[string]string{"key": "admin.error.key_taken"}}
	}
	return out, err
}

// fieldByID finds definition id of the tenant.
func fieldByID(ctx context.Context, tx Store, tenant TenantID, id CustomFieldID) (CustomFieldDef, error) {
	defs, err := tx.CustomFieldDefs(ctx, tenant)
	if err != nil {
		return CustomFieldDef{}, err
	}
	for _, d := range defs {
		if d.ID == id {
			return d, nil
		}
	}
	return CustomFieldDef{}, ErrNotFound
}

// UpdateField changes a custom field's label, options, flags and order.
// Its key and type stay: tickets hold values of that type under it.
func (s *Service) UpdateField(ctx context.Context, by Actor, id CustomFieldID, in FieldInput) (CustomFieldDef, error) {
	in.Label = CleanLine(in.Label)
	var out CustomFieldDef
	err := s.adminTx(ctx, by, "update field", func(tx Store) error {
		old, err := fieldByID(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		d := old
		if err := in.apply(&d); err != nil {
			return err
		}
		if out, err = tx.UpdateCustomFieldDef(ctx, by.Tenant, d); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "field.update", ObjectKind: "field", ObjectID: int64(out.ID), ObjectLabel: out.Label,
			Before: fieldAudit(old), After: fieldAudit(out)})
	})
	return out, err
}

// ArchiveField archives (archived true) or restores a custom field. An
// archived field is in no form; tickets keep their values.
func (s *Service) ArchiveField(ctx context.Context, by Actor, id CustomFieldID, archived bool) (CustomFieldDef, error) {
	var out CustomFieldDef
	err := s.adminTx(ctx, by, "archive field", func(tx Store) error {
		old, err := fieldByID(ctx, tx, by.Tenant, id)
		if err != nil {
			return err
		}
		if old.Active != archived {
			out = old
			return nil
		}
		d := old
		d.Active = !archived
		if out, err = tx.UpdateCustomFieldDef(ctx, by.Tenant, d); err != nil {
			return err
		}
		action := "field.archive"
		if !archived {
			action = "field.restore"
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "field", ObjectID: int64(out.ID), ObjectLabel: out.Label,
			Before: AuditValues{"archived": strconv.FormatBool(!old.Active)}, After: AuditValues{"archived": strconv.FormatBool(archived)}})
	})
	return out, err
}

// AdminFields lists every custom field, archived ones included, in the
// forms' order.
func (s *Service) AdminFields(ctx context.Context, by Actor) ([]CustomFieldDef, error) {
	var out []CustomFieldDef
	err := s.adminTx(ctx, by, "admin fields", func(tx Store) error {
		var err error
		out, err = tx.CustomFieldDefs(ctx, by.Tenant)
		return err
	})
	return out, err
}

// AdminField loads one custom field for admins.
func (s *Service) AdminField(ctx context.Context, by Actor, id CustomFieldID) (CustomFieldDef, error) {
	var out CustomFieldDef
	err := s.adminTx(ctx, by, "admin field", func(tx Store) error {
		var err error
		out, err = fieldByID(ctx, tx, by.Tenant, id)
		return err
	})
	return out, err
}
