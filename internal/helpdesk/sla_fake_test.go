package helpdesk

import (
	"context"
	"time"
)

// The fake store has no SLA configuration: every tenant has no policy, so
// the clocks record activity but never have a target. The SLA engine is
// tested against Postgres in internal/postgres (sla_*_test.go).

func (f *fakeStore) SLATicketState(context.Context, TenantID, TicketID) (SLASetup, []ClockEvent, error) {
	return SLASetup{}, nil, nil
}

func (f *fakeStore) AppendClockEvents(_ context.Context, _ TenantID, evs []ClockEvent) ([]ClockEvent, error) {
	return evs, nil
}

func (f *fakeStore) SaveClocks(context.Context, TenantID, TicketID, []Clock, time.Time, []Event) error {
	return nil
}
