package helpdesk

import (
	"context"
	"strconv"
)

// MustEnrol reports whether u may not use the desk until they turn
// two-step verification on: the desk requires it of staff and u, staff,
// has none.
func (s *Service) MustEnrol(ctx context.Context, u User) (bool, error) {
	if s.twoFactor == nil && s.passkeys == nil || !u.Role.IsStaff() {
		return false, nil
	}
	var must bool
	err := s.store.InTx(ctx, u.Tenant, func(tx Store) error {
		req, err := tx.StaffTwoFactorRequired(ctx, u.Tenant)
		if err != nil || !req {
			return err
		}
		on, err := hasFactor(ctx, tx, u)
		must = !on
		return err
	})
	return must, err
}

// StaffTwoFactorRequired reads the desk's rule, for admins.
func (s *Service) StaffTwoFactorRequired(ctx context.Context, by Actor) (bool, error) {
	var on bool
	err := s.adminTx(ctx, by, "two-factor rule", func(tx Store) error {
		var err error
		on, err = tx.StaffTwoFactorRequired(ctx, by.Tenant)
		return err
	})
	return on, err
}

// RequireStaffTwoFactor sets whether the desk's staff must use two-step
// verification (audited). Staff without it are sent to enrol at their
// next sign-in.
func (s *Service) RequireStaffTwoFactor(ctx context.Context, by Actor, on bool) error {
	return s.adminTx(ctx, by, "require two-factor", func(tx Store) error {
		before, err := tx.StaffTwoFactorRequired(ctx, by.Tenant)
		if err != nil {
			return err
		}
		if err := tx.SetStaffTwoFactorRequired(ctx, by.Tenant, on, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "settings.require_two_factor", ObjectKind: "settings", ObjectLabel: "two_factor",
			Before: AuditValues{"require_staff_2fa": strconv.FormatBool(before)}, After: AuditValues{"require_staff_2fa": strconv.FormatBool(on)}})
	})
}
