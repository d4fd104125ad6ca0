package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// CategoryRouting reads a category's default group and priority.
func (s *Store) CategoryRouting(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.CategoryID) (helpdesk.CategoryRouting, error) {
	var out helpdesk.CategoryRouting
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var group int64
		var prio string
		err := tx.QueryRow(ctx, `SELECT coalesce(default_group_id, 0), default_priority FROM categories
			WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id)).Scan(&group, &prio)
		out = helpdesk.CategoryRouting{DefaultGroup: helpdesk.GroupID(group), DefaultPriority: helpdesk.Priority(prio)}
		return err
	})
	return out, mapErr(err, "routing of category %d", id)
}

// lockMembersSQL locks the membership rows of every member of the group,
// in all the groups they belong to, ordered by (group, user). Every
// routing takes its locks in that one order, so two routings that share an
// agent serialise instead of deadlocking, and an agent in two automatic
// groups never gets two tickets past their cap at once.
const lockMembersSQL = `SELECT m.group_id, m.user_id FROM group_members m
WHERE m.tenant_id = $1 AND m.user_id IN (SELECT x.user_id FROM group_members x WHERE x.tenant_id = $1 AND x.group_id = $2)
ORDER BY m.group_id, m.user_id FOR UPDATE OF m`

// candidatesSQL runs after the lock, in a new statement, so (under READ
// COMMITTED) it sees every assignment committed by the routings it waited
// for. The open count uses tickets_open_assignee.
const candidatesSQL = `SELECT u.id, u.name, u.email, u.role, u.active, u.availability = 'away',
	coalesce(u.max_open_tickets, 0), m.last_assigned_at,
	(SELECT count(*) FROM tickets t WHERE t.tenant_id = $1 AND t.assignee_id = u.id
		AND t.status IN ('new', 'open', 'pending', 'on_hold')),
	(NOT EXISTS (SELECT 1 FROM agent_skills k WHERE k.tenant_id = $1 AND k.user_id = u.id)
		OR EXISTS (SELECT 1 FROM agent_skills k WHERE k.tenant_id = $1 AND k.user_id = u.id AND k.category_id = $3))
FROM group_members m JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
WHERE m.tenant_id = $1 AND m.group_id = $2
ORDER BY u.id`

// LockRoutingGroup locks the group's members (see lockMembersSQL) and
// reads its mode and their load. An archived group reads as manual.
func (s *Store) LockRoutingGroup(ctx context.Context, tenant helpdesk.TenantID, group helpdesk.GroupID, category helpdesk.CategoryID) (helpdesk.RoutingGroup, error) {
	var out helpdesk.RoutingGroup
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var mode string
		var archived bool
		var gid int64
		if err := tx.QueryRow(ctx, `SELECT id, name, tier, assignment_mode, archived_at IS NOT NULL FROM groups
			WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(group)).Scan(&gid, &out.Group.Name, &out.Group.Tier, &mode, &archived); err != nil {
			return err
		}
		out.Group.ID, out.Mode = helpdesk.GroupID(gid), helpdesk.AssignmentMode(mode)
		if archived {
			out.Mode = helpdesk.AssignManual
		}
		rows, err := tx.Query(ctx, lockMembersSQL, int64(tenant), int64(group))
		if err != nil {
			return err
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, candidatesSQL, int64(tenant), int64(group), int64(category))
		if err != nil {
			return err
		}
		var id int64
		var role string
		var last *time.Time
		var c helpdesk.RoutingCandidate
		_, err = pgx.ForEachRow(rows, []any{&id, &c.Agent.Name, &c.Agent.Email, &role, &c.Agent.Active, &c.Away,
			&c.MaxOpen, &last, &c.Open, &c.Skilled}, func() error {
			c.Agent.ID, c.Agent.Tenant, c.Agent.Role = helpdesk.UserID(id), tenant, helpdesk.Role(role)
			c.LastAssigned = fromTime(last)
			out.Candidates = append(out.Candidates, c)
			out.Group.Members = append(out.Group.Members, c.Agent.ID)
			return nil
		})
		return err
	})
	return out, mapErr(err, "routing group %d", group)
}

// MarkAssigned records when the group last gave the agent a ticket.
func (s *Store) MarkAssigned(ctx context.Context, tenant helpdesk.TenantID, group helpdesk.GroupID, agent helpdesk.UserID, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE group_members SET last_assigned_at = $4
			WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3`, int64(tenant), int64(group), int64(agent), at)
		return err
	})
	return mapErr(err, "mark assigned")
}

// SetAvailability stores a staff user's availability.
func (s *Store) SetAvailability(ctx context.Context, tenant helpdesk.TenantID, agent helpdesk.UserID, a helpdesk.Availability) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET availability = $3 WHERE tenant_id = $1 AND id = $2 AND role IN ('agent', 'admin')`,
			int64(tenant), int64(agent), string(a))
		if err == nil && tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "set availability of %d", agent)
}

// UnstartedTickets lists the agent's new or open tickets without a public
// agent reply, most recently changed first: the order of
// tickets_open_assignee, so no sort.
func (s *Store) UnstartedTickets(ctx context.Context, tenant helpdesk.TenantID, agent helpdesk.UserID, limit int) ([]helpdesk.TicketNumber, error) {
	var out []helpdesk.TicketNumber
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT number FROM tickets
			WHERE tenant_id = $1 AND assignee_id = $2 AND status IN ('new', 'open') AND public_agent_replies = 0
			ORDER BY updated_at DESC, id DESC LIMIT $3`, int64(tenant), int64(agent), limit)
		if err != nil {
			return err
		}
		nums, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		for _, n := range nums {
			out = append(out, helpdesk.TicketNumber(n))
		}
		return err
	})
	return out, mapErr(err, "unstarted tickets of %d", agent)
}

// RoutingSettings are the routing columns tests and the admin pages write.
type RoutingSettings struct{ s *Store }

// Routing returns the writer of routing settings.
func (s *Store) Routing() RoutingSettings { return RoutingSettings{s} }

// SetCategory sets a category's default group (0: none) and priority.
func (r RoutingSettings) SetCategory(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.CategoryID, group helpdesk.GroupID, p helpdesk.Priority) error {
	err := r.s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE categories SET default_group_id = $3, default_priority = $4 WHERE tenant_id = $1 AND id = $2`,
			int64(tenant), int64(id), toID(group), string(p))
		return err
	})
	return mapErr(err, "routing of category %d", id)
}

// SetGroupMode sets a group's assignment mode.
func (r RoutingSettings) SetGroupMode(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.GroupID, m helpdesk.AssignmentMode) error {
	err := r.s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE groups SET assignment_mode = $3 WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id), string(m))
		return err
	})
	return mapErr(err, "mode of group %d", id)
}

// SetCap sets an agent's cap of open tickets (0: none).
func (r RoutingSettings) SetCap(ctx context.Context, tenant helpdesk.TenantID, agent helpdesk.UserID, max int) error {
	var v *int
	if max > 0 {
		v = &max
	}
	err := r.s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE users SET max_open_tickets = $3 WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(agent), v)
		return err
	})
	return mapErr(err, "cap of %d", agent)
}

// SetSkills replaces an agent's category skills (none: every category).
func (r RoutingSettings) SetSkills(ctx context.Context, tenant helpdesk.TenantID, agent helpdesk.UserID, cats ...helpdesk.CategoryID) error {
	ids := make([]int64, 0, len(cats))
	for _, c := range cats {
		ids = append(ids, int64(c))
	}
	err := r.s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM agent_skills WHERE tenant_id = $1 AND user_id = $2`, int64(tenant), int64(agent)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO agent_skills (tenant_id, user_id, category_id)
			SELECT $1::bigint, $2::bigint, unnest($3::bigint[])`, int64(tenant), int64(agent), ids)
		return err
	})
	return mapErr(err, "skills of %d", agent)
}
