package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// AppendAudit inserts one audit entry. The table is append-only: the
// application role may not update or delete it.
func (s *Store) AppendAudit(ctx context.Context, tenant helpdesk.TenantID, e helpdesk.AuditEntry) error {
	var actor *int64
	if e.Actor != 0 {
		a := int64(e.Actor)
		actor = &a
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO audit_log (tenant_id, at, actor_id, actor_name, action, object_kind,
			object_id, object_label, before, after)
			VALUES (@tenant, @at, @actor, @actor_name, @action, @kind, @object, @label, @before, @after)`, pgx.NamedArgs{
			"tenant": int64(tenant), "at": e.At, "actor": actor, "actor_name": e.ActorName, "action": e.Action,
			"kind": e.ObjectKind, "object": e.ObjectID, "label": e.ObjectLabel,
			"before": auditJSON(e.Before), "after": auditJSON(e.After),
		})
		return err
	})
	return mapErr(err, "append audit %s", e.Action)
}

// auditJSON is nil (SQL NULL) for a missing side, else the map as jsonb.
func auditJSON(v helpdesk.AuditValues) any {
	if v == nil {
		return nil
	}
	return map[string]string(v)
}

// AuditLog returns one page of the log, newest first, keyset-paginated on
// (at, id). Every filter is a parameter; a NULL parameter does not filter,
// so one statement serves every combination.
func (s *Store) AuditLog(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.AuditQuery) (helpdesk.AuditPage, error) {
	const sql = `SELECT id, at, coalesce(actor_id, 0), actor_name, action, object_kind, object_id, object_label, before, after
	FROM audit_log
	WHERE tenant_id = @tenant
	  AND (@action::text IS NULL OR action = @action)
	  AND (@kind::text IS NULL OR object_kind = @kind)
	  AND (@actor::bigint IS NULL OR actor_id = @actor)
	  AND (@from::timestamptz IS NULL OR at >= @from)
	  AND (@to::timestamptz IS NULL OR at < @to)
	  AND (@after_id::bigint IS NULL OR (at, id) < (@after_at, @after_id))
	ORDER BY at DESC, id DESC
	LIMIT @limit`
	args := pgx.NamedArgs{
		"tenant": int64(tenant), "action": nullString(q.Action), "kind": nullString(q.Kind),
		"actor": nullID(int64(q.Actor)), "from": nullTime(q.From), "to": nullTime(q.To),
		"after_id": nullID(int64(q.After.ID)), "after_at": q.After.At, "limit": q.Limit + 1,
	}
	var page helpdesk.AuditPage
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args)
		if err != nil {
			return err
		}
		page.Entries, err = pgx.CollectRows(rows, scanAudit)
		return err
	})
	if err != nil {
		return helpdesk.AuditPage{}, mapErr(err, "audit log")
	}
	if len(page.Entries) > q.Limit {
		page.Entries = page.Entries[:q.Limit]
		last := page.Entries[len(page.Entries)-1]
		page.Next = helpdesk.AuditCursor{At: last.At, ID: last.ID}
	}
	return page, nil
}

func scanAudit(row pgx.CollectableRow) (helpdesk.AuditEntry, error) {
	var e helpdesk.AuditEntry
	var id, actor int64
	var before, after map[string]string
	err := row.Scan(&id, &e.At, &actor, &e.ActorName, &e.Action, &e.ObjectKind, &e.ObjectID, &e.ObjectLabel, &before, &after)
	e.ID, e.Actor = helpdesk.AuditID(id), helpdesk.UserID(actor)
	e.Before, e.After = before, after
	e.At = e.At.UTC()
	return e, err
}

// AuditFacets lists the distinct actions, kinds and actors of the log.
func (s *Store) AuditFacets(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.AuditFacets, error) {
	var f helpdesk.AuditFacets
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`SELECT DISTINCT action FROM audit_log WHERE tenant_id = $1 ORDER BY action`, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			f.Actions, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		b.Queue(`SELECT DISTINCT object_kind FROM audit_log WHERE tenant_id = $1 ORDER BY object_kind`, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			f.Kinds, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		b.Queue(`SELECT u.id, u.name FROM users u WHERE u.tenant_id = $1
			AND EXISTS (SELECT FROM audit_log a WHERE a.tenant_id = u.tenant_id AND a.actor_id = u.id)
			ORDER BY u.name, u.id`, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			f.Actors, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.User, error) {
				var u helpdesk.User
				var id int64
				err := r.Scan(&id, &u.Name)
				u.ID = helpdesk.UserID(id)
				return u, err
			})
			return err
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return f, mapErr(err, "audit facets")
}

// DeskSummary counts what the admin home shows, in one round trip.
func (s *Store) DeskSummary(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.DeskSummary, error) {
	const counts = `SELECT
		(SELECT count(*) FROM tickets WHERE tenant_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold')),
		(SELECT count(*) FROM tickets WHERE tenant_id = $1 AND status IN ('new', 'open', 'pending', 'on_hold') AND assignee_id IS NULL),
		(SELECT count(*) FROM users WHERE tenant_id = $1 AND active AND role = 'agent'),
		(SELECT count(*) FROM users WHERE tenant_id = $1 AND active AND role = 'admin'),
		(SELECT count(*) FROM users WHERE tenant_id = $1 AND active AND role = 'customer'),
		(SELECT count(*) FROM organisations WHERE tenant_id = $1),
		(SELECT count(*) FROM groups WHERE tenant_id = $1 AND archived_at IS NULL),
		(SELECT count(*) FROM categories WHERE tenant_id = $1 AND archived_at IS NULL),
		(SELECT count(*) FROM custom_field_defs WHERE tenant_id = $1 AND active),
		(SELECT count(*) FROM invitations WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now())`
	var d helpdesk.DeskSummary
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(counts, int64(tenant)).QueryRow(func(row pgx.Row) error {
			return row.Scan(&d.OpenTickets, &d.UnassignedTickets, &d.Agents, &d.Admins, &d.Customers, &d.Organisations,
				&d.Groups, &d.Categories, &d.CustomFields, &d.PendingInvites)
		})
		b.Queue(`SELECT id, at, coalesce(actor_id, 0), actor_name, action, object_kind, object_id, object_label, before, after
			FROM audit_log WHERE tenant_id = $1 ORDER BY at DESC, id DESC LIMIT 5`, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			d.Recent, err = pgx.CollectRows(rows, scanAudit)
			return err
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return d, mapErr(err, "desk summary")
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
