package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// People lists the users with one of roles, active or not, by name. The
// identities of integration API tokens (migrations/00019_api.sql) are not
// people: the API page manages them.
func (s *Store) People(ctx context.Context, tenant helpdesk.TenantID, roles []helpdesk.Role) ([]helpdesk.User, error) {
	rs := make([]string, 0, len(roles))
	for _, r := range roles {
		rs = append(rs, r.String())
	}
	var out []helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = $1 AND role = ANY ($2)
			AND NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.tenant_id = users.tenant_id AND t.acting_user_id = users.id AND t.integration)
			ORDER BY name, id`, int64(tenant), rs)
		if err != nil {
			return err
		}
		out, err = collectUsers(rows)
		return err
	})
	return out, mapErr(err, "people")
}

// LockActiveAdmins locks the active admins' rows until the transaction
// ends and returns their ids.
func (s *Store) LockActiveAdmins(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.UserID, error) {
	var out []helpdesk.UserID
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id FROM users WHERE tenant_id = $1 AND role = 'admin' AND active ORDER BY id FOR UPDATE`, int64(tenant))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.UserID, error) {
			var id int64
			err := r.Scan(&id)
			return helpdesk.UserID(id), err
		})
		return err
	})
	return out, mapErr(err, "lock admins")
}

// SetUserRole changes a user's role.
func (s *Store) SetUserRole(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID, role helpdesk.Role) (helpdesk.User, error) {
	var u helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET role = $3 WHERE tenant_id = $1 AND id = $2 RETURNING `+userColumns,
			int64(tenant), int64(id), role.String()))
		return err
	})
	return u, mapErr(err, "set role of user %d", id)
}

// SetUserActive activates or deactivates a user. Deactivating raises the
// session epoch too, so every session of theirs ends on its next request
// even before the active flag is checked.
func (s *Store) SetUserActive(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID, active bool) (helpdesk.User, error) {
	var u helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET active = $3,
			session_epoch = session_epoch + CASE WHEN $3 THEN 0 ELSE 1 END
			WHERE tenant_id = $1 AND id = $2 RETURNING `+userColumns, int64(tenant), int64(id), active))
		return err
	})
	return u, mapErr(err, "set active of user %d", id)
}

// AgentRouting reads an agent's skills, groups and cap.
func (s *Store) AgentRouting(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID) (helpdesk.AgentRouting, error) {
	var r helpdesk.AgentRouting
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var skills, groups []int64
		err := tx.QueryRow(ctx, `SELECT coalesce(u.max_open_tickets, 0),
			ARRAY(SELECT category_id FROM agent_skills s WHERE s.tenant_id = u.tenant_id AND s.user_id = u.id ORDER BY category_id),
			ARRAY(SELECT group_id FROM group_members m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id ORDER BY group_id)
			FROM users u WHERE u.tenant_id = $1 AND u.id = $2`, int64(tenant), int64(id)).Scan(&r.MaxOpenTickets, &skills, &groups)
		for _, c := range skills {
			r.Skills = append(r.Skills, helpdesk.CategoryID(c))
		}
		for _, g := range groups {
			r.Groups = append(r.Groups, helpdesk.GroupID(g))
		}
		return err
	})
	return r, mapErr(err, "agent routing %d", id)
}

// SetAgentRouting replaces skills and memberships and sets the cap.
func (s *Store) SetAgentRouting(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID, r helpdesk.AgentRouting) error {
	skills := make([]int64, 0, len(r.Skills))
	for _, c := range r.Skills {
		skills = append(skills, int64(c))
	}
	groups := make([]int64, 0, len(r.Groups))
	for _, g := range r.Groups {
		groups = append(groups, int64(g))
	}
	var cap *int
	if r.MaxOpenTickets > 0 {
		cap = &r.MaxOpenTickets
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`UPDATE users SET max_open_tickets = $3 WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id), cap)
		b.Queue(`DELETE FROM agent_skills WHERE tenant_id = $1 AND user_id = $2 AND NOT category_id = ANY ($3)`, int64(tenant), int64(id), skills)
		b.Queue(`INSERT INTO agent_skills (tenant_id, user_id, category_id) SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING`, int64(tenant), int64(id), skills)
		b.Queue(`DELETE FROM group_members WHERE tenant_id = $1 AND user_id = $2 AND NOT group_id = ANY ($3)`, int64(tenant), int64(id), groups)
		b.Queue(`INSERT INTO group_members (tenant_id, group_id, user_id) SELECT $1, unnest($3::bigint[]), $2 ON CONFLICT DO NOTHING`, int64(tenant), int64(id), groups)
		return tx.SendBatch(ctx, b).Close()
	})
	return mapErr(err, "set agent routing %d", id)
}

const invitationColumns = `id, email, name, role, invited_by, created_at, expires_at, accepted_at, revoked_at, coalesce(user_id, 0),
	language, mailed_at`

func scanInvitation(row pgx.Row) (helpdesk.Invitation, error) {
	var inv helpdesk.Invitation
	var id, by, user int64
	var role string
	var accepted, revoked, mailed *time.Time
	if err := row.Scan(&id, &inv.Email, &inv.Name, &role, &by, &inv.CreatedAt, &inv.ExpiresAt, &accepted, &revoked, &user,
		&inv.Language, &mailed); err != nil {
		return inv, err
	}
	if mailed != nil {
		inv.MailedAt = mailed.UTC()
	}
	inv.ID, inv.Role, inv.InvitedBy, inv.User = helpdesk.InvitationID(id), helpdesk.Role(role), helpdesk.UserID(by), helpdesk.UserID(user)
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	if accepted != nil {
		inv.AcceptedAt = accepted.UTC()
	}
	if revoked != nil {
		inv.RevokedAt = revoked.UTC()
	}
	return inv, nil
}

// CreateInvitation inserts an invitation and revokes the email's other
// pending ones.
func (s *Store) CreateInvitation(ctx context.Context, tenant helpdesk.TenantID, inv helpdesk.Invitation) (helpdesk.Invitation, error) {
	var out helpdesk.Invitation
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE invitations SET revoked_at = $3 WHERE tenant_id = $1 AND email = $2
			AND accepted_at IS NULL AND revoked_at IS NULL`, int64(tenant), inv.Email, inv.CreatedAt); err != nil {
			return err
		}
		var err error
		out, err = scanInvitation(tx.QueryRow(ctx, `INSERT INTO invitations (tenant_id, token_hash, email, name, role, invited_by, created_at, expires_at, language)
			VALUES (@tenant, @hash, @email, @name, @role, @by, @created, @expires, @language) RETURNING `+invitationColumns, pgx.NamedArgs{
			"tenant": int64(tenant), "hash": inv.TokenHash, "email": inv.Email, "name": inv.Name, "role": inv.Role.String(),
			"by": int64(inv.InvitedBy), "created": inv.CreatedAt, "expires": inv.ExpiresAt, "language": inv.Language,
		}))
		return err
	})
	return out, mapErr(err, "create invitation")
}

// InvitationByHash loads and locks an invitation by its token's hash.
func (s *Store) InvitationByHash(ctx context.Context, tenant helpdesk.TenantID, hash []byte) (helpdesk.Invitation, error) {
	var out helpdesk.Invitation
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanInvitation(tx.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations
			WHERE tenant_id = $1 AND (token_hash = $2 OR mail_token_hash = $2) FOR UPDATE`, int64(tenant), hash))
		return err
	})
	return out, mapErr(err, "invitation")
}

// AcceptInvitation marks an invitation used.
func (s *Store) AcceptInvitation(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InvitationID, user helpdesk.UserID, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE invitations SET accepted_at = $4, user_id = $3
			WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`, int64(tenant), int64(id), int64(user), at)
		if err == nil && tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "accept invitation %d", id)
}

// RevokeInvitation marks a pending invitation revoked.
func (s *Store) RevokeInvitation(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InvitationID, at time.Time) (helpdesk.Invitation, error) {
	var out helpdesk.Invitation
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanInvitation(tx.QueryRow(ctx, `UPDATE invitations SET revoked_at = $3
			WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING `+invitationColumns,
			int64(tenant), int64(id), at))
		return err
	})
	return out, mapErr(err, "revoke invitation %d", id)
}

// PendingInvitations lists the invitations that still work at now.
func (s *Store) PendingInvitations(ctx context.Context, tenant helpdesk.TenantID, now time.Time) ([]helpdesk.Invitation, error) {
	var out []helpdesk.Invitation
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+invitationColumns+` FROM invitations
			WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
			ORDER BY created_at DESC, id DESC`, int64(tenant), now)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Invitation, error) { return scanInvitation(r) })
		return err
	})
	return out, mapErr(err, "pending invitations")
}
