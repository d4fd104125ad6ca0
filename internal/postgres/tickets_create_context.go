package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// creationAcksSQL counts the acknowledgements sent to a creation's
// address since $4: the address given ($2), or else the requesting user's
// ($3), trimmed and lowered by PostgreSQL as to_key is. It compares to_key,
// not lower(to_addr), so that it reads mail_outbox_recipient (see
// migration 00048), with the address of a materialised CTE: inlined, the
// condition would call lower() and btrim(), and under row-level security
// a condition calling either may not be an index condition.
const creationAcksSQL = `WITH a AS MATERIALIZED (
	SELECT coalesce(nullif(lower(btrim($2::text)), ''), (SELECT lower(btrim(email)) FROM users WHERE tenant_id = $1 AND id = $3), '') AS addr
)
SELECT a.addr, (SELECT count(*) FROM mail_outbox m
	WHERE m.tenant_id = $1 AND a.addr <> '' AND m.to_key = a.addr AND m.kind = $5 AND m.created_at >= $4)
FROM a`

// CreationContext reads, in one batch, everything a ticket's creation
// reads that does not depend on the new ticket: settings, custom fields,
// the requester, the SLA setup, the active triggers, the webhooks and the
// acknowledgements already sent to the requester's address; first, it
// counts the use of q's allowance and marks q's form (as TakeAllowance
// and MarkKBFormSubmitted do).
func (s *Store) CreationContext(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.CreationQuery) (helpdesk.CreationContext, error) {
	var out helpdesk.CreationContext
	var sla setupReader
	t := int64(tenant)
	out.Allowed = true
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		if a := q.Allowance; a.Key != "" {
			b.Queue(hitSQL, a.Key, a.Window).QueryRow(func(row pgx.Row) error {
				var hits int
				err := row.Scan(&hits)
				out.Allowed = hits <= a.Limit
				return err
			})
		}
		if q.MarkForm != "" {
			b.Queue(markKBFormSQL, t, q.MarkForm)
		}
		b.Queue(ticketSettingsSQL, t).QueryRow(func(row pgx.Row) error {
			var err error
			out.Settings, err = scanTicketSettings(row)
			return err
		})
		b.Queue(`SELECT `+fieldColumns+` FROM custom_field_defs WHERE tenant_id = $1 ORDER BY position, id`, t).Query(func(rows pgx.Rows) error {
			var err error
			out.Defs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.CustomFieldDef, error) { return scanField(r) })
			return err
		})
		if q.Requester > 0 {
			b.Queue(`SELECT `+userColumns+` FROM users WHERE tenant_id = $1 AND id = $2`, t, int64(q.Requester)).QueryRow(func(row pgx.Row) error {
				u, err := scanUser(row)
				switch {
				case errors.Is(err, pgx.ErrNoRows):
					return nil
				case err != nil:
					return err
				}
				out.Requester = &u
				return nil
			})
		}
		sla.queue(b, tenant)
		b.Queue(`SELECT `+ruleColumns+` FROM automation_rules WHERE tenant_id = $1 AND kind = $2 AND active ORDER BY position, id`,
			t, string(helpdesk.RuleTrigger)).Query(func(rows pgx.Rows) error {
			var err error
			out.Triggers, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Rule, error) { return scanRule(r) })
			return err
		})
		b.Queue(`SELECT `+webhookColumns+` FROM webhook_subscriptions WHERE tenant_id = $1 ORDER BY id`, t).Query(func(rows pgx.Rows) error {
			var err error
			out.Webhooks, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Webhook, error) { return scanWebhook(r) })
			return err
		})
		b.Queue(creationAcksSQL, t, q.AckTo, int64(q.Requester), q.AckSince, string(helpdesk.MailAck)).QueryRow(func(row pgx.Row) error {
			return row.Scan(&out.AckTo, &out.Acks)
		})
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return helpdesk.CreationContext{}, mapErr(err, "creation context")
	}
	out.SLA, out.AckSince = sla.done(), q.AckSince
	return out, nil
}

// SaveCreatedSLA writes, in one round trip, a reserved ticket's row
// (ReserveTicket) with its next due instant, its side sets, first comment
// and events, its first clock events, clocks, SLA history and metrics row,
// and the result of the form key that created it. The ticket is new, so
// plain INSERTs do: nothing to delete, replace or compare. Every clock
// event given is inserted; a count that differs is reported rather than
// left unnoticed.
func (s *Store) SaveCreatedSLA(ctx context.Context, tenant helpdesk.TenantID, w helpdesk.CreatedSLA) error {
	if w.Created == nil || w.First == nil || w.Created.ID != w.Ticket {
		return fmt.Errorf("postgres: first SLA state of ticket %d without its reserved row", w.Ticket)
	}
	if err := checkTicket(tenant, w.Created); err != nil {
		return err
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		queueReservedTicket(b, tenant, w.Created, w.NextDue)
		queueNewSideSets(b, tenant, w.Created)
		var commentID int64
		queueComment(b, tenant, w.Ticket, w.First, w.Opened, &commentID)
		if len(w.Events) > 0 {
			args, err := clockEventsArgs(tenant, w.Events)
			if err != nil {
				return err
			}
			b.Queue(appendClockEventsSQL, args).Query(func(rows pgx.Rows) error {
				added, err := pgx.CollectRows(rows, scanClockEvent)
				if err == nil && len(added) != len(w.Events) {
					err = fmt.Errorf("%d of %d clock events of a new ticket inserted", len(added), len(w.Events))
				}
				return err
			})
		}
		if len(w.Clocks) > 0 {
			b.Queue(insertClocksSQL, clocksArgs(tenant, w.Ticket, w.Clocks))
		}
		if len(w.History) > 0 {
			queueEvents(b, tenant, w.Ticket, w.History)
		}
		b.Queue(insertMetricsSQL, metricsArgs(tenant, w.Metrics))
		if k := w.Key; k != nil {
			b.Queue(setIdempotencyResultSQL, int64(tenant), k.Scope, k.Key, int64(w.Number))
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return mapErr(err, "save new ticket %d", w.Ticket)
}
