package helpdesk

import (
	"context"
	"fmt"
)

// QueueDensity is how tightly the console queue lists tickets, chosen by
// each agent and remembered with their account.
type QueueDensity string

const (
	DensityComfortable QueueDensity = "comfortable"
	DensityCompact     QueueDensity = "compact"
)

// DensityStore keeps agents' queue density.
type DensityStore interface {
	QueueDensity(ctx context.Context, tenant TenantID, user UserID) (QueueDensity, error)
	SetQueueDensity(ctx context.Context, tenant TenantID, user UserID, d QueueDensity) error
}

// QueueDensity returns the staff member's queue density.
func (s *Service) QueueDensity(ctx context.Context, by Actor) (QueueDensity, error) {
	if !by.IsStaff() || by.User == 0 {
		return "", fmt.Errorf("helpdesk: queue density: %w", ErrNotFound)
	}
	d, err := s.store.QueueDensity(ctx, by.Tenant, by.User)
	if err != nil {
		return "", fmt.Errorf("helpdesk: queue density: %w", err)
	}
	return d, nil
}

// SetQueueDensity remembers the staff member's queue density.
func (s *Service) SetQueueDensity(ctx context.Context, by Actor, d QueueDensity) error {
	if !by.IsStaff() || by.User == 0 {
		return fmt.Errorf("helpdesk: set queue density: %w", ErrNotFound)
	}
	if d != DensityComfortable && d != DensityCompact {
		return invalid("density", "error.invalid")
	}
	if err := s.store.SetQueueDensity(ctx, by.Tenant, by.User, d); err != nil {
		return fmt.Errorf("helpdesk: set queue density: %w", err)
	}
	return nil
}
