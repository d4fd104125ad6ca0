package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/jackc/pgx/v5"
)

// fromCounters reports whether f narrows by status, assignee and group
// only, the columns ticket_counts keeps a count for. Any other condition
// (priority, tag, text, dates, SLA, a customer's scope) needs the tickets
// themselves. SLANow means nothing without SLA (the Service sets it on
// every staff filter). TestFromCountersKnowsEveryField fails when
// TicketFilter gains a field, so that it is added here.
func fromCounters(f *helpdesk.TicketFilter) bool {
	return len(f.Priorities) == 0 && f.Category == 0 && f.Tag == "" && f.Channel == "" &&
		f.Requester == 0 && f.Organisation == 0 && !f.MyGroups &&
		f.Created.IsZero() && f.Updated.IsZero() && f.Text == "" && f.Customer == nil && f.SLA == ""
}

// CountTickets counts each filter's tickets in one statement (see
// queueCounts), one round trip. A filter on status, assignee and group
// alone (the built-in views) sums the maintained counters of
// ticket_counts (migrations/00031) with the same conditions, whose
// columns are named as the ticket's: its cost does not grow with the
// backlog.
func (s *Store) CountTickets(ctx context.Context, tenant helpdesk.TenantID, filters []helpdesk.TicketFilter) ([]int, error) {
	out := make([]int, len(filters))
	if len(filters) == 0 {
		return out, nil
	}
	b := &pgx.Batch{}
	if err := queueCounts(b, tenant, filters, 0, out, nil); err != nil {
		return nil, fmt.Errorf("postgres: count tickets: %w", err)
	}
	// Outside a transaction (the ticket page) one round trip, not three.
	if err := s.sendBatch(ctx, tenant, b); err != nil {
		return nil, mapErr(err, "count tickets")
	}
	return out, nil
}

// queueCounts adds the counts of filters to b, each written to out[i]
// when b is sent (see CountTickets): one statement for all of them, whose
// columns are the counts in order. The counts the maintained counters
// answer are one scan of the tenant's ticket_counts rows with a FILTER
// each; every other count is a scalar subquery using its own index. A
// filter by text stays a statement of its own, since its words must be
// set before it runs. With limit > 0, a count that has to read tickets
// (neither all of them nor the counters answer it) reads at most limit
// of them, and capped[i] says it reached limit: its cost stays bounded
// however large the backlog it counts.
func queueCounts(b *pgx.Batch, tenant helpdesk.TenantID, filters []helpdesk.TicketFilter, limit int, out []int, capped []bool) error {
	// One where for the whole statement, so that every filter's arguments
	// get names of their own; each filter's conditions are taken off it.
	w := newWhere(tenant)
	var sums, cols []string
	var at []int // the filter each column counts
	var scans []bool
	for i := range filters {
		f := filters[i]
		if f.Text != "" {
			if err := queueTextCount(b, tenant, &f, limit, &out[i], capBool(capped, i)); err != nil {
				return err
			}
			continue
		}
		n := len(w.conds)
		if err := w.filter(&f); err != nil {
			return err
		}
		cond := strings.Join(w.conds[n:], " AND ")
		w.conds = w.conds[:n]
		col, scan := "", false
		switch {
		case cond == "":
			// Every ticket: all the counters (tickets are never deleted; a
			// merge keeps both), without reading one row per ticket.
			col = "k.c" + strconv.Itoa(len(sums))
			sums = append(sums, "coalesce(sum(t.n), 0)::bigint AS "+col[2:])
		case fromCounters(&f):
			col = "k.c" + strconv.Itoa(len(sums))
			sums = append(sums, "coalesce(sum(t.n) FILTER (WHERE "+cond+"), 0)::bigint AS "+col[2:])
		case limit > 0:
			w.args["count_limit"] = limit
			col, scan = "(SELECT count(*) FROM (SELECT FROM tickets t WHERE t.tenant_id = @tenant AND "+cond+" LIMIT @count_limit) c)", true
		default:
			col = "(SELECT count(*) FROM tickets t WHERE t.tenant_id = @tenant AND " + cond + ")"
		}
		cols, at, scans = append(cols, col), append(at, i), append(scans, scan)
	}
	if len(cols) == 0 {
		return nil
	}
	sql := "SELECT " + strings.Join(cols, ",\n\t")
	if len(sums) > 0 {
		sql += "\nFROM (SELECT " + strings.Join(sums, ",\n\t") + "\n\tFROM ticket_counts t WHERE t.tenant_id = @tenant) k"
	}
	queueRewritten(b, sql, w.args).QueryRow(func(row pgx.Row) error {
		dest := make([]any, len(at))
		for j, i := range at {
			dest[j] = &out[i]
		}
		if err := row.Scan(dest...); err != nil {
			return err
		}
		for j, i := range at {
			if scans[j] && capped != nil && out[i] >= limit {
				capped[i] = true
			}
		}
		return nil
	})
	return nil
}

func capBool(capped []bool, i int) *bool {
	if capped == nil {
		return nil
	}
	return &capped[i]
}

// queueTextCount adds the count of f, a filter by text, to b as a
// statement of its own between the search's settings (see queueSearch).
func queueTextCount(b *pgx.Batch, tenant helpdesk.TenantID, f *helpdesk.TicketFilter, limit int, out *int, capped *bool) error {
	w := newWhere(tenant)
	if err := w.filter(f); err != nil {
		return err
	}
	count := "SELECT count(*) FROM tickets t WHERE " + w.sql()
	if limit > 0 {
		w.args["count_limit"] = limit
		count = "SELECT count(*) FROM (SELECT FROM tickets t WHERE " + w.sql() + " LIMIT @count_limit) c"
	}
	queueSearch(b, w.words, false, func() {
		b.Queue(count, w.args).QueryRow(func(row pgx.Row) error {
			if err := row.Scan(out); err != nil {
				return err
			}
			if limit > 0 && capped != nil && *out >= limit {
				*capped = true
			}
			return nil
		})
	})
	return nil
}
