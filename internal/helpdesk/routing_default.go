package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// deskDefaultGroup puts a new ticket its category left without a group in
// the desk's default group, so that every channel is routed alike: a
// mailed ticket (which has no category) lands where a portal ticket
// without one does. An archived default group routes nothing.
func deskDefaultGroup(ctx context.Context, tx Store, t *Ticket, sys Actor, now time.Time) ([]Event, error) {
	st, err := settings(ctx, tx, t.Tenant)
	if err != nil {
		return nil, err
	}
	if st.DefaultGroup == 0 {
		return nil, nil
	}
	g, err := tx.Group(ctx, t.Tenant, st.DefaultGroup)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("helpdesk: desk default group %d: %w", st.DefaultGroup, err)
	case g.Archived():
		return nil, nil
	}
	return t.SetGroup(g, sys, now)
}

// DefaultGroup returns the desk's default group (0: none), for admins.
func (s *Service) DefaultGroup(ctx context.Context, by Actor) (GroupID, error) {
	var out GroupID
	err := s.adminTx(ctx, by, "default group", func(tx Store) error {
		st, err := settings(ctx, tx, by.Tenant)
		out = st.DefaultGroup
		return err
	})
	return out, err
}

// SetDefaultGroup sets the desk's default group (0: none), for admins;
// it must be an active group of the desk. New tickets use it at once.
func (s *Service) SetDefaultGroup(ctx context.Context, by Actor, id GroupID) error {
	return s.adminTx(ctx, by, "set default group", func(tx Store) error {
		st, err := settings(ctx, tx, by.Tenant)
		if err != nil {
			return err
		}
		if id == st.DefaultGroup {
			return nil
		}
		name := ""
		if id != 0 {
			g, err := tx.Group(ctx, by.Tenant, id)
			if errors.Is(err, ErrNotFound) || (err == nil && g.Archived()) || id < 0 {
				return invalid("default_group", "error.invalid")
			}
			if err != nil {
				return fmt.Errorf("helpdesk: group %d: %w", id, err)
			}
			name = g.Name
		}
		old := st.DefaultGroup
		st.DefaultGroup = id
		if err := tx.SetTicketSettings(ctx, by.Tenant, st); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "routing.default_group", ObjectKind: "settings", ObjectLabel: name,
			Before: AuditValues{"group": strconv.FormatInt(int64(old), 10)}, After: AuditValues{"group": strconv.FormatInt(int64(id), 10)}})
	})
}
