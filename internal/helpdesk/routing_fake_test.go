package helpdesk

import (
	"context"
	"time"
)

// The in-memory store has no rules and no routing settings: categories
// route nowhere and groups are manual, so the orchestration tests see
// exactly what they did before routing and automation existed. Routing
// and automation are tested against Postgres in internal/postgres.

func (f *fakeStore) ActiveRules(ctx context.Context, tenant TenantID, kind RuleKind) ([]Rule, error) {
	f.mustTx()
	return nil, nil
}

func (f *fakeStore) CategoryRouting(ctx context.Context, tenant TenantID, id CategoryID) (CategoryRouting, error) {
	f.mustTx()
	return CategoryRouting{}, nil
}

func (f *fakeStore) LockRoutingGroup(ctx context.Context, tenant TenantID, id GroupID, c CategoryID) (RoutingGroup, error) {
	f.mustTx()
	g, err := f.Group(ctx, tenant, id)
	return RoutingGroup{Group: g, Mode: AssignManual}, err
}

func (f *fakeStore) MarkAssigned(ctx context.Context, tenant TenantID, g GroupID, u UserID, at time.Time) error {
	f.mustTx()
	return nil
}
