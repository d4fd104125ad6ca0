package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

const macroColumns = `id, coalesce(owner_id, 0), name, body, set_status, set_priority, add_tags, created_at`

func scanMacro(row pgx.Row) (helpdesk.Macro, error) {
	var m helpdesk.Macro
	var id, owner int64
	var status, priority string
	if err := row.Scan(&id, &owner, &m.Name, &m.Body, &status, &priority, &m.Tags, &m.Created); err != nil {
		return helpdesk.Macro{}, err
	}
	m.ID, m.Owner = helpdesk.MacroID(id), helpdesk.UserID(owner)
	m.Status, m.Priority = helpdesk.Status(status), helpdesk.Priority(priority)
	return m, nil
}

// CreateMacro inserts a macro; owner zero makes it shared.
func (s *Store) CreateMacro(ctx context.Context, tenant helpdesk.TenantID, m helpdesk.Macro) (helpdesk.Macro, error) {
	var owner *int64
	if m.Owner != 0 {
		o := int64(m.Owner)
		owner = &o
	}
	tags := m.Tags
	if tags == nil {
		tags = []string{}
	}
	var out helpdesk.Macro
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanMacro(tx.QueryRow(ctx, `INSERT INTO macros (tenant_id, owner_id, name, body, set_status, set_priority, add_tags)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+macroColumns,
			int64(tenant), owner, m.Name, m.Body, string(m.Status), string(m.Priority), tags))
		return err
	})
	return out, mapErr(err, "create macro %q", m.Name)
}

// Macros lists the shared macros and user's own, by name.
func (s *Store) Macros(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) ([]helpdesk.Macro, error) {
	var out []helpdesk.Macro
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+macroColumns+` FROM macros
			WHERE tenant_id = $1 AND (owner_id IS NULL OR owner_id = $2) ORDER BY name, id`, int64(tenant), int64(user))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Macro, error) { return scanMacro(r) })
		return err
	})
	return out, mapErr(err, "macros")
}

// Macro loads one macro of the tenant; the domain decides who may use it.
func (s *Store) Macro(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.MacroID) (helpdesk.Macro, error) {
	var m helpdesk.Macro
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		m, err = scanMacro(tx.QueryRow(ctx, `SELECT `+macroColumns+` FROM macros WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id)))
		return err
	})
	return m, mapErr(err, "macro %d", id)
}

// UpdateMacro replaces a macro's fields; owner zero makes it shared.
func (s *Store) UpdateMacro(ctx context.Context, tenant helpdesk.TenantID, m helpdesk.Macro) error {
	var owner *int64
	if m.Owner != 0 {
		o := int64(m.Owner)
		owner = &o
	}
	tags := m.Tags
	if tags == nil {
		tags = []string{}
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE macros SET owner_id = $3, name = $4, body = $5, set_status = $6, set_priority = $7, add_tags = $8
			WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(m.ID), owner, m.Name, m.Body, string(m.Status), string(m.Priority), tags)
		if err == nil && tag.RowsAffected() == 0 {
			err = pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "update macro %d", m.ID)
}

// DeleteMacro removes a macro. Replies written with it keep their text.
func (s *Store) DeleteMacro(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.MacroID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM macros WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id))
		if err == nil && tag.RowsAffected() == 0 {
			err = pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "delete macro %d", id)
}

// queueReplyChoices queues ReplyChoices' reads on b (WorkspaceChoices
// sends them with its own).
func queueReplyChoices(b *pgx.Batch, tenant helpdesk.TenantID, user helpdesk.UserID, groups *[]helpdesk.Group, agents *[]helpdesk.User, macros *[]helpdesk.Macro) {
	b.Queue(groupsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
		var err error
		*groups, err = collectGroups(rows)
		return err
	})
	b.Queue(agentsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
		var err error
		*agents, err = collectUsers(rows)
		return err
	})
	b.Queue(`SELECT `+macroColumns+` FROM macros
		WHERE tenant_id = $1 AND (owner_id IS NULL OR owner_id = $2) ORDER BY name, id`, int64(tenant), int64(user)).Query(func(rows pgx.Rows) error {
		var err error
		*macros, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Macro, error) { return scanMacro(r) })
		return err
	})
}

// ReplyChoices reads, in one round trip, what the workspace's forms offer:
// the groups and active agents a ticket may be assigned to (as Groups and
// Agents read them) and the macros user may insert (as Macros).
func (s *Store) ReplyChoices(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID) ([]helpdesk.Group, []helpdesk.User, []helpdesk.Macro, error) {
	var groups []helpdesk.Group
	var agents []helpdesk.User
	var macros []helpdesk.Macro
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		queueReplyChoices(b, tenant, user, &groups, &agents, &macros)
		return tx.SendBatch(ctx, b).Close()
	})
	return groups, agents, macros, mapErr(err, "reply choices")
}
