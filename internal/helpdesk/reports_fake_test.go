package helpdesk

import "context"

// The fake store keeps no metric rows: the metric engine is tested pure
// (reports_metrics_test.go) and against Postgres in internal/postgres.

func (f *fakeStore) MetricEvents(_ context.Context, tenant TenantID, ticket TicketID) ([]Event, error) {
	var out []Event
	for _, e := range f.data.events {
		if e.tenant == tenant && e.e.Ticket == ticket {
			out = append(out, e.e)
		}
	}
	return out, nil
}

func (f *fakeStore) SaveTicketMetrics(context.Context, TenantID, TicketMetrics) error { return nil }

func (f *fakeStore) SLATicketStateCSAT(context.Context, TenantID, TicketID, UserID) (SLASetup, []ClockEvent, TicketCSAT, error) {
	return SLASetup{}, nil, TicketCSAT{}, nil
}
