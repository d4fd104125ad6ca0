package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// groupColumns reads a group (alias g) with its members and leads.
const groupColumns = `g.id, g.name, g.tier, g.assignment_mode, g.archived_at,
	ARRAY(SELECT m.user_id FROM group_members m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id ORDER BY m.user_id),
	ARRAY(SELECT m.user_id FROM group_members m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id AND m.is_lead ORDER BY m.user_id)`

func scanGroup(row pgx.Row) (helpdesk.Group, error) {
	var g helpdesk.Group
	var id int64
	var mode string
	var archived *time.Time
	var members, leads []int64
	if err := row.Scan(&id, &g.Name, &g.Tier, &mode, &archived, &members, &leads); err != nil {
		return g, err
	}
	g.ID, g.Assignment = helpdesk.GroupID(id), helpdesk.AssignmentMode(mode)
	if archived != nil {
		g.ArchivedAt = archived.UTC()
	}
	for _, m := range members {
		g.Members = append(g.Members, helpdesk.UserID(m))
	}
	for _, m := range leads {
		g.Leads = append(g.Leads, helpdesk.UserID(m))
	}
	return g, nil
}

// collectGroups reads the rows of groupsSQL.
func collectGroups(rows pgx.Rows) ([]helpdesk.Group, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Group, error) { return scanGroup(r) })
}

// Group loads a group with its members and leads.
func (s *Store) Group(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.GroupID) (helpdesk.Group, error) {
	var g helpdesk.Group
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		g, err = scanGroup(tx.QueryRow(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.tenant_id = $1 AND g.id = $2`, int64(tenant), int64(id)))
		return err
	})
	return g, mapErr(err, "group %d", id)
}

// CreateGroup inserts a group with its members and leads (admin pages,
// demo data). An empty assignment mode is manual.
func (s *Store) CreateGroup(ctx context.Context, tenant helpdesk.TenantID, g helpdesk.Group) (helpdesk.Group, error) {
	if g.Tier < 1 {
		g.Tier = 1
	}
	if g.Assignment == "" {
		g.Assignment = helpdesk.AssignManual
	}
	var out helpdesk.Group
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO groups (tenant_id, name, tier, assignment_mode) VALUES ($1, $2, $3, $4) RETURNING id`,
			int64(tenant), g.Name, g.Tier, string(g.Assignment)).Scan(&id); err != nil {
			return err
		}
		if err := setMembers(ctx, tx, tenant, id, g); err != nil {
			return err
		}
		var err error
		out, err = scanGroup(tx.QueryRow(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.tenant_id = $1 AND g.id = $2`, int64(tenant), id))
		return err
	})
	return out, mapErr(err, "create group %q", g.Name)
}

// setMembers makes g's members and leads exactly g.Members and g.Leads.
// Members who stay keep their row (and so their last_assigned_at, which
// round-robin assignment reads).
func setMembers(ctx context.Context, tx pgx.Tx, tenant helpdesk.TenantID, group int64, g helpdesk.Group) error {
	members := make([]int64, 0, len(g.Members))
	for _, m := range g.Members {
		members = append(members, int64(m))
	}
	leads := make([]int64, 0, len(g.Leads))
	for _, m := range g.Leads {
		leads = append(leads, int64(m))
	}
	if _, err := tx.Exec(ctx, `DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2 AND NOT user_id = ANY ($3)`,
		int64(tenant), group, members); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO group_members (tenant_id, group_id, user_id, is_lead)
		SELECT DISTINCT $1::bigint, $2::bigint, u, u = ANY ($4::bigint[]) FROM unnest($3::bigint[]) u
		ON CONFLICT (tenant_id, group_id, user_id) DO UPDATE SET is_lead = excluded.is_lead`,
		int64(tenant), group, members, leads)
	return err
}

// UpdateGroup stores g's settings and people.
func (s *Store) UpdateGroup(ctx context.Context, tenant helpdesk.TenantID, g helpdesk.Group) (helpdesk.Group, error) {
	var out helpdesk.Group
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE groups SET name = $3, tier = $4, assignment_mode = $5 WHERE tenant_id = $1 AND id = $2`,
			int64(tenant), int64(g.ID), g.Name, g.Tier, string(g.Assignment))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		if err := setMembers(ctx, tx, tenant, int64(g.ID), g); err != nil {
			return err
		}
		out, err = scanGroup(tx.QueryRow(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.tenant_id = $1 AND g.id = $2`, int64(tenant), int64(g.ID)))
		return err
	})
	return out, mapErr(err, "update group %d", g.ID)
}

// SetGroupArchived archives or restores a group.
func (s *Store) SetGroupArchived(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.GroupID, archived bool) (helpdesk.Group, error) {
	var out helpdesk.Group
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanGroup(tx.QueryRow(ctx, `UPDATE groups g SET archived_at = CASE WHEN $3 THEN now() END
			WHERE g.tenant_id = $1 AND g.id = $2 RETURNING `+groupColumns, int64(tenant), int64(id), archived))
		return err
	})
	return out, mapErr(err, "archive group %d", id)
}

const categoryColumns = `id, name, description, coalesce(default_group_id, 0), default_priority, portal_visible, position, archived_at`

func scanCategory(row pgx.Row) (helpdesk.Category, error) {
	var c helpdesk.Category
	var id, group int64
	var prio string
	var visible bool
	var archived *time.Time
	if err := row.Scan(&id, &c.Name, &c.Description, &group, &prio, &visible, &c.Position, &archived); err != nil {
		return c, err
	}
	c.ID, c.DefaultGroup, c.DefaultPriority, c.Internal = helpdesk.CategoryID(id), helpdesk.GroupID(group), helpdesk.Priority(prio), !visible
	if archived != nil {
		c.ArchivedAt = archived.UTC()
	}
	return c, nil
}

// Category loads a category, archived or not.
func (s *Store) Category(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.CategoryID) (helpdesk.Category, error) {
	var c helpdesk.Category
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		c, err = scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id)))
		return err
	})
	return c, mapErr(err, "category %d", id)
}

// categoriesSQL lists a tenant's categories ($1), archived ones included,
// by position then name.
const categoriesSQL = `SELECT ` + categoryColumns + ` FROM categories WHERE tenant_id = $1 ORDER BY position, name, id`

func collectCategories(rows pgx.Rows) ([]helpdesk.Category, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Category, error) { return scanCategory(r) })
}

// Categories lists every category of the tenant, archived ones included,
// by position then name.
func (s *Store) Categories(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.Category, error) {
	var out []helpdesk.Category
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, categoriesSQL, int64(tenant))
		if err != nil {
			return err
		}
		out, err = collectCategories(rows)
		return err
	})
	return out, mapErr(err, "categories")
}

func categoryArgs(tenant helpdesk.TenantID, c helpdesk.Category) pgx.NamedArgs {
	return pgx.NamedArgs{
		"tenant": int64(tenant), "id": int64(c.ID), "name": c.Name, "description": c.Description,
		"group": int64(c.DefaultGroup), "priority": string(c.DefaultPriority), "visible": !c.Internal, "position": c.Position,
	}
}

// CreateCategory inserts a category (admin pages, demo data).
func (s *Store) CreateCategory(ctx context.Context, tenant helpdesk.TenantID, c helpdesk.Category) (helpdesk.Category, error) {
	var out helpdesk.Category
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanCategory(tx.QueryRow(ctx, `INSERT INTO categories
			(tenant_id, name, description, default_group_id, default_priority, portal_visible, position)
			VALUES (@tenant, @name, @description, nullif(@group, 0), @priority, @visible, @position)
			RETURNING `+categoryColumns, categoryArgs(tenant, c)))
		return err
	})
	return out, mapErr(err, "create category %q", c.Name)
}

// UpdateCategory stores every setting of c.
func (s *Store) UpdateCategory(ctx context.Context, tenant helpdesk.TenantID, c helpdesk.Category) (helpdesk.Category, error) {
	var out helpdesk.Category
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanCategory(tx.QueryRow(ctx, `UPDATE categories SET name = @name, description = @description,
			default_group_id = nullif(@group, 0), default_priority = @priority, portal_visible = @visible, position = @position
			WHERE tenant_id = @tenant AND id = @id RETURNING `+categoryColumns, categoryArgs(tenant, c)))
		return err
	})
	return out, mapErr(err, "update category %d", c.ID)
}

// SetCategoryArchived archives or restores a category.
func (s *Store) SetCategoryArchived(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.CategoryID, archived bool) (helpdesk.Category, error) {
	var out helpdesk.Category
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanCategory(tx.QueryRow(ctx, `UPDATE categories SET archived_at = CASE WHEN $3 THEN now() END
			WHERE tenant_id = $1 AND id = $2 RETURNING `+categoryColumns, int64(tenant), int64(id), archived))
		return err
	})
	return out, mapErr(err, "archive category %d", id)
}
