package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

type optionJSON struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// CustomFieldDefs lists the tenant's custom field definitions in the forms'
// order: position, then id.
func (s *Store) CustomFieldDefs(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.CustomFieldDef, error) {
	const q = `SELECT ` + fieldColumns + ` FROM custom_field_defs WHERE tenant_id = $1 ORDER BY position, id`
	var out []helpdesk.CustomFieldDef
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, int64(tenant))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (helpdesk.CustomFieldDef, error) { return scanField(row) })
		return err
	})
	return out, mapErr(err, "custom field definitions")
}

const fieldColumns = `id, key, label, type, options, customer_visible, required, agent_required, position, active`

func scanField(row pgx.Row) (helpdesk.CustomFieldDef, error) {
	var d helpdesk.CustomFieldDef
	var id int64
	var typ string
	var opts []optionJSON
	if err := row.Scan(&id, &d.Key, &d.Label, &typ, &opts, &d.CustomerVisible, &d.Required, &d.AgentRequired, &d.Position, &d.Active); err != nil {
		return d, err
	}
	d.ID, d.Type = helpdesk.CustomFieldID(id), helpdesk.FieldType(typ)
	for _, o := range opts {
		d.Options = append(d.Options, helpdesk.CustomFieldOption{Value: o.Value, Label: o.Label})
	}
	return d, nil
}

func fieldArgs(tenant helpdesk.TenantID, d helpdesk.CustomFieldDef) pgx.NamedArgs {
	opts := make([]optionJSON, 0, len(d.Options))
	for _, o := range d.Options {
		opts = append(opts, optionJSON(o))
	}
	return pgx.NamedArgs{
		"tenant": int64(tenant), "id": int64(d.ID), "key": d.Key, "label": d.Label, "type": string(d.Type), "options": opts,
		"visible": d.CustomerVisible, "required": d.Required, "agent_required": d.AgentRequired, "position": d.Position, "active": d.Active,
	}
}

// CreateCustomFieldDef inserts a definition (admin pages, demo data); a taken
// key is ErrConflict.
func (s *Store) CreateCustomFieldDef(ctx context.Context, tenant helpdesk.TenantID, d helpdesk.CustomFieldDef) (helpdesk.CustomFieldDef, error) {
	var out helpdesk.CustomFieldDef
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanField(tx.QueryRow(ctx, `INSERT INTO custom_field_defs
			(tenant_id, key, label, type, options, customer_visible, required, agent_required, position, active)
			VALUES (@tenant, @key, @label, @type, @options, @visible, @required, @agent_required, @position, @active)
			RETURNING `+fieldColumns, fieldArgs(tenant, d)))
		return err
	})
	return out, mapErr(err, "create custom field %q", d.Key)
}

// UpdateCustomFieldDef stores a definition's label, options, flags,
// position and active state; key and type stay.
func (s *Store) UpdateCustomFieldDef(ctx context.Context, tenant helpdesk.TenantID, d helpdesk.CustomFieldDef) (helpdesk.CustomFieldDef, error) {
	var out helpdesk.CustomFieldDef
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanField(tx.QueryRow(ctx, `UPDATE custom_field_defs SET label = @label, options = @options,
			customer_visible = @visible, required = @required, agent_required = @agent_required, position = @position, active = @active
			WHERE tenant_id = @tenant AND id = @id RETURNING `+fieldColumns, fieldArgs(tenant, d)))
		return err
	})
	return out, mapErr(err, "update custom field %d", d.ID)
}

// ticketSettingsSQL reads a tenant's ($1) settings row.
const ticketSettingsSQL = `SELECT priority_matrix,
	(extract(epoch FROM auto_close_after) * 1000000)::bigint, (extract(epoch FROM auto_solve_after) * 1000000)::bigint,
	(extract(epoch FROM pending_remind_after) * 1000000)::bigint,
	max_file_bytes, max_comment_bytes, max_ticket_bytes, max_files, coalesce(default_group_id, 0), require_time
FROM ticket_settings WHERE tenant_id = $1`

// scanTicketSettings reads a ticketSettingsSQL row; no row reads as the
// defaults.
func scanTicketSettings(row pgx.Row) (helpdesk.TicketSettings, error) {
	st := helpdesk.DefaultTicketSettings()
	var matrix string
	var closeUS, solveUS, remindUS, group int64
	err := row.Scan(&matrix, &closeUS, &solveUS, &remindUS,
		&st.Attachments.MaxFileBytes, &st.Attachments.MaxCommentBytes, &st.Attachments.MaxTicketBytes, &st.Attachments.MaxFiles, &group, &st.RequireTime)
	if errors.Is(err, pgx.ErrNoRows) {
		return helpdesk.DefaultTicketSettings(), nil
	}
	if err != nil {
		return helpdesk.TicketSettings{}, err
	}
	if st.Matrix, err = helpdesk.ParsePriorityMatrix(matrix); err != nil {
		return helpdesk.TicketSettings{}, fmt.Errorf("stored priority matrix %q: %w", matrix, err)
	}
	st.AutoCloseAfter, st.AutoSolveAfter = time.Duration(closeUS)*time.Microsecond, time.Duration(solveUS)*time.Microsecond
	st.PendingRemindAfter = time.Duration(remindUS) * time.Microsecond
	st.DefaultGroup = helpdesk.GroupID(group)
	return st, nil
}

// TicketSettings returns the tenant's settings, or the defaults when it
// has none.
func (s *Store) TicketSettings(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.TicketSettings, error) {
	var st helpdesk.TicketSettings
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		st, err = scanTicketSettings(tx.QueryRow(ctx, ticketSettingsSQL, int64(tenant)))
		return err
	})
	if err != nil {
		return helpdesk.TicketSettings{}, mapErr(err, "ticket settings")
	}
	return st, nil
}

// SetTicketSettings stores the tenant's settings (admin pages, tests).
func (s *Store) SetTicketSettings(ctx context.Context, tenant helpdesk.TenantID, st helpdesk.TicketSettings) error {
	if err := st.Matrix.Validate(); err != nil {
		return err
	}
	const q = `INSERT INTO ticket_settings (tenant_id, priority_matrix, auto_close_after, auto_solve_after, pending_remind_after,
		max_file_bytes, max_comment_bytes, max_ticket_bytes, max_files, default_group_id, require_time)
	VALUES (@tenant, @matrix, @close * interval '1 microsecond', @solve * interval '1 microsecond', @remind * interval '1 microsecond',
		@file, @comment, @ticket, @files, nullif(@group, 0), @require_time)
	ON CONFLICT (tenant_id) DO UPDATE SET priority_matrix = excluded.priority_matrix,
		auto_close_after = excluded.auto_close_after, auto_solve_after = excluded.auto_solve_after,
		pending_remind_after = excluded.pending_remind_after,
		max_file_bytes = excluded.max_file_bytes, max_comment_bytes = excluded.max_comment_bytes,
		max_ticket_bytes = excluded.max_ticket_bytes, max_files = excluded.max_files,
		default_group_id = excluded.default_group_id, require_time = excluded.require_time`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q, pgx.NamedArgs{
			"tenant": int64(tenant), "matrix": st.Matrix.String(),
			"close": st.AutoCloseAfter.Microseconds(), "solve": st.AutoSolveAfter.Microseconds(), "remind": st.PendingRemindAfter.Microseconds(),
			"file": st.Attachments.MaxFileBytes, "comment": st.Attachments.MaxCommentBytes,
			"ticket": st.Attachments.MaxTicketBytes, "files": st.Attachments.MaxFiles,
			"group": int64(st.DefaultGroup), "require_time": st.RequireTime,
		})
		return err
	})
	return mapErr(err, "save ticket settings")
}

// OrganisationShares reports whether the organisation's members may see
// each other's tickets.
func (s *Store) OrganisationShares(ctx context.Context, tenant helpdesk.TenantID, org helpdesk.OrganisationID) (bool, error) {
	var shared bool
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT shared_tickets FROM organisations WHERE tenant_id = $1 AND id = $2`,
			int64(tenant), int64(org)).Scan(&shared)
	})
	return shared, mapErr(err, "organisation %d", org)
}

// Shared by Groups, Agents and ReplyChoices (which batches them).
const (
	groupsSQL = `SELECT ` + groupColumns + ` FROM groups g WHERE g.tenant_id = $1 ORDER BY g.tier, g.name`
	agentsSQL = `SELECT ` + userColumns + ` FROM users
		WHERE tenant_id = $1 AND role IN ('agent', 'admin') AND active ORDER BY name, id`
)

// collectUsers reads rows of userColumns.
func collectUsers(rows pgx.Rows) ([]helpdesk.User, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.User, error) { return scanUser(r) })
}

// Groups lists the tenant's groups with their members, by tier then name.
func (s *Store) Groups(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.Group, error) {
	var out []helpdesk.Group
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, groupsSQL, int64(tenant))
		if err != nil {
			return err
		}
		out, err = collectGroups(rows)
		return err
	})
	return out, mapErr(err, "groups")
}

// FilterChoices reads, in one round trip, what the queue's filters offer:
// groups, active agents and every category (archived ones too: old tickets
// keep them), as Groups, Agents and Categories read them.
func (s *Store) FilterChoices(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.Group, []helpdesk.User, []helpdesk.Category, error) {
	var groups []helpdesk.Group
	var agents []helpdesk.User
	var cats []helpdesk.Category
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(groupsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			groups, err = collectGroups(rows)
			return err
		})
		b.Queue(agentsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			agents, err = collectUsers(rows)
			return err
		})
		b.Queue(categoriesSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			cats, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Category, error) { return scanCategory(r) })
			return err
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return groups, agents, cats, mapErr(err, "filter choices")
}

// Agents lists the tenant's active agents and admins by name.
func (s *Store) Agents(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.User, error) {
	var out []helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, agentsSQL, int64(tenant))
		if err != nil {
			return err
		}
		out, err = collectUsers(rows)
		return err
	})
	return out, mapErr(err, "agents")
}
