// The SLA scan's store side: the one cross-tenant read of due clocks, and
// the per-tenant reads and marks the scan and a policy change need.

package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/jackc/pgx/v5"
)

// dueClocksSQL is the scan's range scan over sla_clocks_check: only rows
// whose next check has come are read.
const dueClocksSQL = `SELECT tenant_id, ticket_id, next_check_at FROM sla_clocks
	WHERE state = 'running' AND next_check_at IS NOT NULL AND next_check_at <= $1
	ORDER BY next_check_at LIMIT $2`

// DueSLAClocks is the SLA scan's cross-tenant read, and the only one: in a
// read-only transaction with no tenant set it turns on app.sla_scan, which
// the policy sla_clocks_scan requires, and reads ids and instants of due
// clocks. Everything else happens in one tenant transaction per ticket.
func (s *Store) DueSLAClocks(ctx context.Context, now time.Time, limit int) ([]helpdesk.DueClock, error) {
	if s.tx != nil {
		return nil, fmt.Errorf("postgres: SLA scan inside a tenant transaction")
	}
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	var out []helpdesk.DueClock
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.sla_scan', 'on', true)`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, dueClocksSQL, now, limit)
		if err != nil {
			return err
		}
		seen := map[helpdesk.DueClock]bool{}
		var tenant, ticket int64
		var at time.Time
		_, err = pgx.ForEachRow(rows, []any{&tenant, &ticket, &at}, func() error {
			k := helpdesk.DueClock{Tenant: helpdesk.TenantID(tenant), Ticket: helpdesk.TicketID(ticket)}
			if !seen[k] {
				seen[k] = true
				k.At = at.UTC()
				out = append(out, k)
			}
			return nil
		})
		return err
	})
	return out, mapErr(err, "SLA scan")
}

// TicketNumberOf returns the number of ticket id.
func (s *Store) TicketNumberOf(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.TicketID) (helpdesk.TicketNumber, error) {
	var n int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT number FROM tickets WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id)).Scan(&n)
	})
	return helpdesk.TicketNumber(n), mapErr(err, "ticket %d", id)
}

// SLAOpenTickets lists unsolved tickets and those with a running or
// paused clock (a solved one whose clocks a reopen would resume).
func (s *Store) SLAOpenTickets(ctx context.Context, tenant helpdesk.TenantID, after helpdesk.TicketNumber, limit int) ([]helpdesk.TicketNumber, error) {
	var out []helpdesk.TicketNumber
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT t.number FROM tickets t
			WHERE t.tenant_id = $1 AND t.number > $2 AND (t.status IN ('new', 'open', 'pending', 'on_hold')
				OR EXISTS (SELECT 1 FROM sla_clocks c
					WHERE c.tenant_id = t.tenant_id AND c.ticket_id = t.id AND c.state IN ('running', 'paused')))
			ORDER BY t.number LIMIT $3`, int64(tenant), int64(after), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.TicketNumber, error) {
			var n int64
			err := r.Scan(&n)
			return helpdesk.TicketNumber(n), err
		})
		return err
	})
	return out, mapErr(err, "SLA open tickets")
}

// MarkSLAClocksDue brings the next check of the running clocks of the
// tenant's tickets numbered after after forward to now, so the scan
// recomputes them.
func (s *Store) MarkSLAClocksDue(ctx context.Context, tenant helpdesk.TenantID, after helpdesk.TicketNumber, now time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE sla_clocks c SET next_check_at = $2
			FROM tickets t
			WHERE c.tenant_id = $1 AND c.state = 'running' AND (c.next_check_at IS NULL OR c.next_check_at > $2)
				AND t.tenant_id = c.tenant_id AND t.id = c.ticket_id AND t.number > $3`, int64(tenant), now, int64(after))
		return err
	})
	return mapErr(err, "mark SLA clocks due")
}
