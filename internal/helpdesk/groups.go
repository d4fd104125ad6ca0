package helpdesk

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// GroupAdminStore is what the admin pages need beyond DirectoryStore to
// manage groups.
type GroupAdminStore interface {
	// UpdateGroup stores g's name, tier and assignment mode, and replaces
	// its members and leads (a member who stays keeps its round-robin
	// position). A taken name is ErrConflict.
	UpdateGroup(ctx context.Context, tenant TenantID, g Group) (Group, error)
	// SetGroupArchived archives or restores a group.
	SetGroupArchived(ctx context.Context, tenant TenantID, id GroupID, archived bool) (Group, error)
}

// GroupInput is a group as an admin submits it.
type GroupInput struct {
	Name       string
	Tier       string // as typed
	Assignment string
	// Members and Leads are the agents ticked; a lead must be a member.
	// Negative ids stand for values that were not numbers.
	Members []UserID
	Leads   []UserID
}

// group validates in and checks its people in tx.
func (s *Service) group(ctx context.Context, tx Store, by Actor, in GroupInput) (Group, error) {
	g := Group{Name: CleanLine(in.Name)}
	var v ValidationError
	checkName(&v, "name", g.Name)
	tier, err := strconv.Atoi(strings.TrimSpace(in.Tier))
	if err != nil || tier < 1 || tier > MaxGroupTier {
		v.Add("tier", "admin.error.tier")
	}
	g.Tier = tier
	mode, err := ParseAssignmentMode(in.Assignment)
	if err != nil {
		v.Add("assignment", "error.invalid")
	}
	g.Assignment = mode
	for _, m := range in.Members {
		if slices.Contains(g.Members, m) {
			continue
		}
		u, err := tx.User(ctx, by.Tenant, m)
		switch {
		case m <= 0 || errors.Is(err, ErrNotFound) || err == nil && (!u.Role.IsStaff() || !u.Active):
			v.Add("members", "error.invalid")
			continue
		case err != nil:
			return Group{}, err
		}
		g.Members = append(g.Members, m)
	}
	for _, l := range in.Leads {
		if !slices.Contains(in.Members, l) {
			v.Add("leads", "admin.error.lead_not_member")
			continue
		}
		if !slices.Contains(g.Leads, l) {
			g.Leads = append(g.Leads, l)
		}
	}
	slices.Sort(g.Members)
	slices.Sort(g.Leads)
	return g, v.Err()
}

// groupAudit is g as the audit log shows it: people by name.
func groupAudit(ctx context.Context, tx Store, tenant TenantID, g Group) (AuditValues, error) {
	names := func(ids []UserID) (string, error) {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			u, err := tx.User(ctx, tenant, id)
			if err != nil {
				return "", err
			}
			out = append(out, u.Name)
		}
		slices.Sort(out)
		return strings.Join(out, ", "), nil
	}
	members, err := names(g.Members)
	if err != nil {
		return nil, err
	}
	leads, err := names(g.Leads)
	if err != nil {
		return nil, err
	}
	return AuditValues{
		"name": g.Name, "tier": strconv.Itoa(g.Tier), "assignment": string(g.Assignment),
		"members": members, "leads": leads, "archived": strconv.FormatBool(g.Archived()),
	}, nil
}

// AddGroup creates a group with its tier, assignment mode, members and
// leads. Admins only; a taken name is a field error.
func (s *Service) AddGroup(ctx context.Context, by Actor, in GroupInput) (Group, error) {
	var out Group
	err := s.adminTx(ctx, by, "add group", func(tx Store) error {
		g, err := s.group(ctx, tx, by, in)
		if err != nil {
			return err
		}
		if out, err = tx.CreateGroup(ctx, by.Tenant, g); err != nil {
			return err
		}
		after, err := groupAudit(ctx, tx, by.Tenant, out)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "group.create", ObjectKind: "group", ObjectID: int64(out.ID), ObjectLabel: out.Name, After: after})
	})
	if errors.Is(err, ErrConflict) {
		return Group{}, &ValidationError{Fields: map[string]string{"name": "error.name_taken"}}
	}
	return out, err
}

// UpdateGroup changes a group. Admins only; another desk's group is not
// found.
func (s *Service) UpdateGroup(ctx context.Context, by Actor, id GroupID, in GroupInput) (Group, error) {
	var out Group
	err := s.adminTx(ctx, by, "update group", func(tx Store) error {
		old, err := tx.Group(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		g, err := s.group(ctx, tx, by, in)
		if err != nil {
			return err
		}
		g.ID, g.ArchivedAt = old.ID, old.ArchivedAt
		before, err := groupAudit(ctx, tx, by.Tenant, old)
		if err != nil {
			return err
		}
		if out, err = tx.UpdateGroup(ctx, by.Tenant, g); err != nil {
			return err
		}
		after, err := groupAudit(ctx, tx, by.Tenant, out)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "group.update", ObjectKind: "group", ObjectID: int64(out.ID),
			ObjectLabel: out.Name, Before: before, After: after})
	})
	if errors.Is(err, ErrConflict) {
		return Group{}, &ValidationError{Fields: map[string]string{"name": "error.name_taken"}}
	}
	return out, err
}

// ArchiveGroup archives or restores a group. An archived group is offered
// for no new assignment and as no category's default; tickets in it stay.
func (s *Service) ArchiveGroup(ctx context.Context, by Actor, id GroupID, archived bool) (Group, error) {
	var out Group
	err := s.adminTx(ctx, by, "archive group", func(tx Store) error {
		old, err := tx.Group(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		if old.Archived() == archived {
			out = old
			return nil
		}
		if out, err = tx.SetGroupArchived(ctx, by.Tenant, id, archived); err != nil {
			return err
		}
		action := "group.archive"
		if !archived {
			action = "group.restore"
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: action, ObjectKind: "group", ObjectID: int64(out.ID), ObjectLabel: out.Name,
			Before: AuditValues{"archived": strconv.FormatBool(old.Archived())}, After: AuditValues{"archived": strconv.FormatBool(archived)}})
	})
	return out, err
}

// AdminGroups lists every group, archived ones included, for admins.
func (s *Service) AdminGroups(ctx context.Context, by Actor) ([]Group, error) {
	var out []Group
	err := s.adminTx(ctx, by, "admin groups", func(tx Store) error {
		var err error
		out, err = tx.Groups(ctx, by.Tenant)
		return err
	})
	return out, err
}

// AdminGroup loads one group for admins.
func (s *Service) AdminGroup(ctx context.Context, by Actor, id GroupID) (Group, error) {
	var out Group
	err := s.adminTx(ctx, by, "admin group", func(tx Store) error {
		var err error
		out, err = tx.Group(ctx, by.Tenant, id)
		return err
	})
	return out, err
}

// activeGroups drops archived groups from gs (in place).
func activeGroups(gs []Group) []Group {
	return slices.DeleteFunc(gs, Group.Archived)
}
