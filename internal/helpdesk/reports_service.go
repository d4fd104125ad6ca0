package helpdesk

import (
	"context"
	"fmt"
)

// ReportReader answers the report queries. Its reads need no transaction
// of the caller's and change nothing, so a hot standby may serve them
// (WithReportReader).
type ReportReader interface {
	ReportSummary(ctx context.Context, tenant TenantID, f ReportFilter) (ReportSummary, error)
	ReportSeries(ctx context.Context, tenant TenantID, f ReportFilter) ([]DayPoint, error)
	ReportBreakdown(ctx context.Context, tenant TenantID, f ReportFilter, by Dimension) ([]BreakdownRow, error)
	ReportArrivals(ctx context.Context, tenant TenantID, f ReportFilter) (Arrivals, error)
	ReportRatings(ctx context.Context, tenant TenantID, f ReportFilter, limit int) ([]RatingRow, error)
	ReportSLA(ctx context.Context, tenant TenantID, f ReportFilter) ([]SLARow, error)
	// ReportTickets lists up to limit tickets of set under f, newest first.
	ReportTickets(ctx context.Context, tenant TenantID, f ReportFilter, set TicketSet, limit int) ([]ReportTicket, error)
	// EachTicketMetrics streams the metric rows of the tickets created in
	// f's period, oldest first, to fn; an error from fn stops it.
	EachTicketMetrics(ctx context.Context, tenant TenantID, f ReportFilter, fn func(MetricExportRow) error) error
}

// WithReportReader sends the report reads to r (say, a store over a hot
// standby) instead of the service's store.
func WithReportReader(r ReportReader) Option { return func(s *Service) { s.reports = r } }

// ReportStore keeps the per-ticket metric rows and answers the report
// queries over them. Each method takes the tenant right after ctx.
type ReportStore interface {
	// MetricEvents loads ticket's whole history, in order.
	MetricEvents(ctx context.Context, tenant TenantID, ticket TicketID) ([]Event, error)
	// SaveTicketMetrics writes (inserts or replaces) a ticket's metric row.
	SaveTicketMetrics(ctx context.Context, tenant TenantID, m TicketMetrics) error
	// StoredTicketMetrics reads the stored row of ticket; ErrNotFound when
	// it has none.
	StoredTicketMetrics(ctx context.Context, tenant TenantID, ticket TicketID) (TicketMetrics, error)
	// TicketNumbersAfter lists up to limit ticket numbers after after, in
	// order, whatever their status.
	TicketNumbersAfter(ctx context.Context, tenant TenantID, after TicketNumber, limit int) ([]TicketNumber, error)
	// RebuildReportRollup recomputes the tenant's daily report rollup from
	// its metric rows and returns how many rollup rows it holds.
	RebuildReportRollup(ctx context.Context, tenant TenantID) (int64, error)
	// IsGroupLead reports whether user leads any group.
	IsGroupLead(ctx context.Context, tenant TenantID, user UserID) (bool, error)

	ReportReader
}

// refreshMetrics recomputes and stores t's metric row from its history, in
// the caller's transaction: every ticket operation ends in writeClocks,
// which calls it, and so does a rating. The row is therefore never behind
// the events it is computed from (docs/metrics.md, "Freshness").
func refreshMetrics(ctx context.Context, tx Store, tenant TenantID, t *Ticket, clocks []ClockEvent, p *SLAPolicy, cal *Calendar) error {
	evs, err := tx.MetricEvents(ctx, tenant, t.ID)
	if err != nil {
		return fmt.Errorf("helpdesk: history of %s: %w", t.Number, err)
	}
	m := ComputeMetrics(MetricInput{Ticket: *t, Events: evs, Clocks: clocks, Policy: p, Calendar: cal})
	if err := tx.SaveTicketMetrics(ctx, tenant, m); err != nil {
		return fmt.Errorf("helpdesk: save metrics of %s: %w", t.Number, err)
	}
	return nil
}

// freshMetrics computes t's metric row from scratch without storing it.
func freshMetrics(ctx context.Context, tx Store, tenant TenantID, t *Ticket) (TicketMetrics, error) {
	setup, clocks, err := tx.SLATicketState(ctx, tenant, t.ID)
	if err != nil {
		return TicketMetrics{}, fmt.Errorf("helpdesk: SLA state of %s: %w", t.Number, err)
	}
	evs, err := tx.MetricEvents(ctx, tenant, t.ID)
	if err != nil {
		return TicketMetrics{}, fmt.Errorf("helpdesk: history of %s: %w", t.Number, err)
	}
	p, _ := MatchPolicy(setup.Policies, t)
	return ComputeMetrics(MetricInput{Ticket: *t, Events: evs, Clocks: clocks, Policy: p, Calendar: setup.Calendar(p)}), nil
}

// refreshMetricsOf reloads what the metrics need and refreshes t's row
// (for operations that do not go through writeClocks, such as a rating).
func refreshMetricsOf(ctx context.Context, tx Store, tenant TenantID, t *Ticket) error {
	m, err := freshMetrics(ctx, tx, tenant, t)
	if err != nil {
		return err
	}
	if err := tx.SaveTicketMetrics(ctx, tenant, m); err != nil {
		return fmt.Errorf("helpdesk: save metrics of %s: %w", t.Number, err)
	}
	return nil
}

// CheckTicketMetrics returns ticket n's stored metric row and the row
// recomputed from its history now, for consistency checks (admins only).
func (s *Service) CheckTicketMetrics(ctx context.Context, by Actor, n TicketNumber) (stored, fresh TicketMetrics, err error) {
	if !by.IsAdmin() {
		return stored, fresh, fmt.Errorf("helpdesk: check metrics: %w", ErrNotFound)
	}
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		t, err := tx.Ticket(ctx, by.Tenant, n)
		if err != nil {
			return fmt.Errorf("helpdesk: ticket %s: %w", n, err)
		}
		if stored, err = tx.StoredTicketMetrics(ctx, by.Tenant, t.ID); err != nil {
			return fmt.Errorf("helpdesk: metrics of %s: %w", n, err)
		}
		fresh, err = freshMetrics(ctx, tx, by.Tenant, &t)
		return err
	})
	return stored, fresh, err
}

// RebuildMetrics recomputes the metric rows of the tenant's tickets
// numbered after after, up to limit of them, and returns the last number
// done (0 when there were none): for tickets from before the metric rows
// existed. Admins and the system only.
func (s *Service) RebuildMetrics(ctx context.Context, by Actor, after TicketNumber, limit int) (TicketNumber, error) {
	if !by.IsAdmin() && by.Kind != ActorSystem {
		return 0, fmt.Errorf("helpdesk: rebuild metrics: %w", ErrNotFound)
	}
	var last TicketNumber
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		ns, err := tx.TicketNumbersAfter(ctx, by.Tenant, after, limit)
		if err != nil {
			return fmt.Errorf("helpdesk: tickets after %s: %w", after, err)
		}
		for _, n := range ns {
			t, err := tx.Ticket(ctx, by.Tenant, n)
			if err != nil {
				return fmt.Errorf("helpdesk: ticket %s: %w", n, err)
			}
			if err := refreshMetricsOf(ctx, tx, by.Tenant, &t); err != nil {
				return err
			}
			last = n
		}
		return nil
	})
	return last, err
}

// RebuildReportRollup recomputes the tenant's daily report rollup from its
// metric rows (run after RebuildMetrics; the rows keep it exact from then
// on). Admins and the system only.
func (s *Service) RebuildReportRollup(ctx context.Context, by Actor) (int64, error) {
	if !by.IsAdmin() && by.Kind != ActorSystem {
		return 0, fmt.Errorf("helpdesk: rebuild report rollup: %w", ErrNotFound)
	}
	n, err := s.store.RebuildReportRollup(ctx, by.Tenant)
	if err != nil {
		return 0, fmt.Errorf("helpdesk: rebuild report rollup: %w", err)
	}
	return n, nil
}
