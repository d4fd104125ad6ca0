package helpdesk

import (
	"context"
	"fmt"
	"strconv"
)

// DirectoryStore lists and creates what tickets are routed by: groups,
// categories and the desk's agents. The admin pages will edit them; the
// portal and console read them to offer choices.
type DirectoryStore interface {
	Groups(ctx context.Context, tenant TenantID) ([]Group, error)
	// Categories lists every category, archived ones included, by
	// position then name.
	Categories(ctx context.Context, tenant TenantID) ([]Category, error)
	// Agents lists the active agents and admins, by name.
	Agents(ctx context.Context, tenant TenantID) ([]User, error)
	// FilterChoices is Groups, Agents and Categories read together, for
	// the queue's filters.
	FilterChoices(ctx context.Context, tenant TenantID) ([]Group, []User, []Category, error)
	CreateGroup(ctx context.Context, tenant TenantID, g Group) (Group, error)
	CreateCategory(ctx context.Context, tenant TenantID, c Category) (Category, error)
}

// MaxGroupTier bounds the tiers a desk may define (Nivel 1 … Nivel 9).
const MaxGroupTier = 9

// CreateGroup adds a group (a team) at tier with the given agents, assigning
// by hand. Admins only; a taken name is a field error.
func (s *Service) CreateGroup(ctx context.Context, by Actor, name string, tier int, members []UserID) (Group, error) {
	if !by.IsAdmin() {
		return Group{}, fmt.Errorf("helpdesk: create group: %w", ErrForbidden)
	}
	return s.AddGroup(ctx, by, GroupInput{Name: name, Tier: strconv.Itoa(tier), Assignment: string(AssignManual), Members: members})
}

// CreateCategory adds a ticket category, visible in the portal, with no
// other settings. Admins only.
func (s *Service) CreateCategory(ctx context.Context, by Actor, name string) (Category, error) {
	if !by.IsAdmin() {
		return Category{}, fmt.Errorf("helpdesk: create category: %w", ErrForbidden)
	}
	return s.AddCategory(ctx, by, CategoryInput{Name: name})
}

// Groups lists the desk's groups for staff (assignment and escalation).
func (s *Service) Groups(ctx context.Context, by Actor) ([]Group, error) {
	if !by.IsStaff() {
		return nil, fmt.Errorf("helpdesk: groups: %w", ErrNotFound)
	}
	gs, err := s.store.Groups(ctx, by.Tenant)
	return activeGroups(gs), err
}

// Agents lists the desk's active agents and admins for staff.
func (s *Service) Agents(ctx context.Context, by Actor) ([]User, error) {
	if !by.IsStaff() {
		return nil, fmt.Errorf("helpdesk: agents: %w", ErrNotFound)
	}
	return s.store.Agents(ctx, by.Tenant)
}

// Categories lists the desk's categories; customers choose one when they
// open a ticket.
//
// Archived categories are never offered; customers and the public form
// (the system actor) are offered only the categories visible in the
// portal, staff every other one. The order is the admins' (position, then
// name).
func (s *Service) Categories(ctx context.Context, by Actor) ([]Category, error) {
	if by.Kind != ActorSystem && by.User == 0 {
		return nil, fmt.Errorf("helpdesk: categories: %w", ErrNotFound)
	}
	all, err := s.store.Categories(ctx, by.Tenant)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if offered(c, by) {
			out = append(out, c)
		}
	}
	return out, nil
}

// FilterChoices lists, for staff, what the queue's filters offer: the
// groups, the active agents and the categories, read in one round trip.
func (s *Service) FilterChoices(ctx context.Context, by Actor) ([]Group, []User, []Category, error) {
	if !by.IsStaff() {
		return nil, nil, nil, fmt.Errorf("helpdesk: filter choices: %w", ErrNotFound)
	}
	return s.store.FilterChoices(ctx, by.Tenant)
}
