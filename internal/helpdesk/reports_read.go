package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// The report reads. Each checks the reader's scope first (ReportScopeOf)
// and reads through the ReportStore outside any ticket transaction: reports
// are read-only and may be served by a replica (see docs/metrics.md).

// Overview is the overview page's data: the period's summary, the
// previous period's for comparison, and the daily volume series.
type Overview struct {
	Filter   ReportFilter
	Current  ReportSummary
	Previous ReportSummary
	Series   []DayPoint
}

// ReportOverview reads the overview for f.
func (s *Service) ReportOverview(ctx context.Context, by Actor, f ReportFilter) (Overview, error) {
	f, err := s.scoped(ctx, by, f)
	if err != nil {
		return Overview{}, err
	}
	out := Overview{Filter: f}
	// Three independent reads, each its own short read-only transaction:
	// run at once, the page waits for the slowest rather than the sum.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Add(3)
	go func() {
		defer wg.Done()
		out.Current, errs[0] = s.reports.ReportSummary(ctx, by.Tenant, f)
	}()
	go func() {
		defer wg.Done()
		out.Previous, errs[1] = s.reports.ReportSummary(ctx, by.Tenant, f.Previous())
	}()
	go func() {
		defer wg.Done()
		out.Series, errs[2] = s.reports.ReportSeries(ctx, by.Tenant, f)
	}()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("helpdesk: report overview: %w", err)
	}
	return out, nil
}

// ReportBreakdown reads f's figures grouped by dim.
func (s *Service) ReportBreakdown(ctx context.Context, by Actor, f ReportFilter, dim Dimension) ([]BreakdownRow, error) {
	f, err := s.scoped(ctx, by, f)
	if err != nil {
		return nil, err
	}
	rows, err := s.reports.ReportBreakdown(ctx, by.Tenant, f, dim)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: report by %s: %w", dim, err)
	}
	return rows, nil
}

// ReportArrivals counts f's created tickets by local weekday and hour.
func (s *Service) ReportArrivals(ctx context.Context, by Actor, f ReportFilter) (Arrivals, error) {
	f, err := s.scoped(ctx, by, f)
	if err != nil {
		return Arrivals{}, err
	}
	a, err := s.reports.ReportArrivals(ctx, by.Tenant, f)
	if err != nil {
		return a, fmt.Errorf("helpdesk: report arrivals: %w", err)
	}
	return a, nil
}

// MaxReportRows bounds the lists of the reports pages (ratings, tickets);
// the CSV export of metric rows has no bound.
const MaxReportRows = 500

// ReportRatings lists the ratings of the tickets solved in f's period,
// newest first, with their comments.
func (s *Service) ReportRatings(ctx context.Context, by Actor, f ReportFilter) ([]RatingRow, error) {
	f, err := s.scoped(ctx, by, f)
	if err != nil {
		return nil, err
	}
	rows, err := s.reports.ReportRatings(ctx, by.Tenant, f, MaxReportRows)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: report ratings: %w", err)
	}
	return rows, nil
}

// ReportSLA reads each policy's outcomes per target over f's created
// tickets, and the breached tickets.
func (s *Service) ReportSLA(ctx context.Context, by Actor, f ReportFilter) ([]SLARow, []ReportTicket, error) {
	f, err := s.scoped(ctx, by, f)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.reports.ReportSLA(ctx, by.Tenant, f)
	if err != nil {
		return nil, nil, fmt.Errorf("helpdesk: report SLA: %w", err)
	}
	breached, err := s.reports.ReportTickets(ctx, by.Tenant, f, SetBreached, MaxReportRows)
	if err != nil {
		return nil, nil, fmt.Errorf("helpdesk: report SLA breaches: %w", err)
	}
	return rows, breached, nil
}

// ReportTickets lists the tickets behind a number: set (with metric for
// the SLA sets) under f.
func (s *Service) ReportTickets(ctx context.Context, by Actor, f ReportFilter, set TicketSet, metric SLAMetric) ([]ReportTicket, error) {
	f, err := s.scoped(ctx, by, f)
	if err != nil {
		return nil, err
	}
	if metric != "" {
		set = TicketSet(string(set) + ":" + string(metric))
	}
	rows, err := s.reports.ReportTickets(ctx, by.Tenant, f, set, MaxReportRows)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: report tickets %s: %w", set, err)
	}
	return rows, nil
}

// ExportTicketMetrics streams the metric rows of f's created tickets to fn.
func (s *Service) ExportTicketMetrics(ctx context.Context, by Actor, f ReportFilter, fn func(MetricExportRow) error) error {
	f, err := s.scoped(ctx, by, f)
	if err != nil {
		return err
	}
	if err := s.reports.EachTicketMetrics(ctx, by.Tenant, f, fn); err != nil {
		return fmt.Errorf("helpdesk: export metrics: %w", err)
	}
	return nil
}
