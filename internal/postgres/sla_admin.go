package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// SaveSLACalendar inserts c (ID zero) or updates it.
func (s *Store) SaveSLACalendar(ctx context.Context, tenant helpdesk.TenantID, c helpdesk.Calendar) (helpdesk.Calendar, error) {
	hours := make([]string, 7)
	for d := range c.Week {
		hours[d] = helpdesk.FormatIntervals(c.Week[d])
	}
	holidays := make([]string, 0, len(c.Holidays))
	for _, h := range c.Holidays {
		holidays = append(holidays, holidayText(h))
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if c.ID == 0 {
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO sla_calendars (tenant_id, name, time_zone, hours, holidays)
				VALUES ($1, $2, $3, $4, $5) RETURNING id`, int64(tenant), c.Name, c.TimeZone, hours, holidays).Scan(&id)
			c.ID = helpdesk.CalendarID(id)
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE sla_calendars SET name = $3, time_zone = $4, hours = $5, holidays = $6
			WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(c.ID), c.Name, c.TimeZone, hours, holidays)
		if err == nil && tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return err
	})
	return c, mapErr(err, "save calendar %q", c.Name)
}

// SLACalendars lists the tenant's calendars by name, prepared.
func (s *Store) SLACalendars(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.Calendar, error) {
	var out []helpdesk.Calendar
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, slaCalendarsSQL, int64(tenant))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, scanCalendar)
		return err
	})
	return out, mapErr(err, "calendars")
}

func int64s[T ~int64](v []T) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

func strs[T ~string](v []T) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = string(x)
	}
	return out
}

// SaveSLAPolicy inserts p (ID zero, at the end of the list) or updates it,
// replacing its targets and ladder.
func (s *Store) SaveSLAPolicy(ctx context.Context, tenant helpdesk.TenantID, p helpdesk.SLAPolicy) (helpdesk.SLAPolicy, error) {
	var cal *int64
	if p.Calendar != 0 {
		c := int64(p.Calendar)
		cal = &c
	}
	args := pgx.NamedArgs{"tenant": int64(tenant), "id": int64(p.ID), "name": p.Name,
		"priorities": strs(p.Priorities), "channels": strs(p.Channels), "categories": int64s(p.Categories),
		"orgs": int64s(p.Organisations), "groups": int64s(p.Groups), "calendar": cal, "pause": p.PauseOnHold}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var id int64
		var err error
		if p.ID == 0 {
			err = tx.QueryRow(ctx, `INSERT INTO sla_policies (tenant_id, name, position, priorities, channels,
				category_ids, organisation_ids, group_ids, calendar_id, pause_on_hold)
				VALUES (@tenant, @name, (SELECT coalesce(max(position), 0) + 1 FROM sla_policies WHERE tenant_id = @tenant),
					@priorities, @channels, @categories, @orgs, @groups, @calendar, @pause)
				RETURNING id, position`, args).Scan(&id, &p.Position)
		} else {
			err = tx.QueryRow(ctx, `UPDATE sla_policies SET name = @name, priorities = @priorities, channels = @channels,
				category_ids = @categories, organisation_ids = @orgs, group_ids = @groups, calendar_id = @calendar,
				pause_on_hold = @pause WHERE tenant_id = @tenant AND id = @id RETURNING id, position`, args).Scan(&id, &p.Position)
		}
		if err != nil {
			return err
		}
		p.ID = helpdesk.SLAPolicyID(id)
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM sla_targets WHERE tenant_id = $1 AND policy_id = $2`, int64(tenant), id)
		b.Queue(`DELETE FROM sla_escalations WHERE tenant_id = $1 AND policy_id = $2`, int64(tenant), id)
		for pr, t := range p.Targets {
			b.Queue(`INSERT INTO sla_targets (tenant_id, policy_id, priority, first_reply, next_reply, resolution)
				VALUES ($1, $2, $3, nullif($4::int, 0), nullif($5::int, 0), nullif($6::int, 0))`,
				int64(tenant), id, string(pr), t.FirstReply, t.NextReply, t.Resolution)
		}
		for _, l := range p.Escalations {
			var assign *int64
			if l.AssignTo != 0 {
				a := int64(l.AssignTo)
				assign = &a
			}
			b.Queue(`INSERT INTO sla_escalations (tenant_id, policy_id, level, metric, percent, notify_assignee,
				notify_leads, notify_admins, raise_priority, assign_to, next_tier)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, int64(tenant), id, l.Level, string(l.Metric),
				l.Percent, l.NotifyAssignee, l.NotifyLeads, l.NotifyAdmins, l.RaisePriority, assign, l.NextTier)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return p, mapErr(err, "save SLA policy %q", p.Name)
}

// DeleteSLAPolicy removes a policy with its targets and ladder; clock
// history keeps its id.
func (s *Store) DeleteSLAPolicy(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.SLAPolicyID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sla_policies WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id))
		if err == nil && tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "delete SLA policy %d", id)
}

// MoveSLAPolicy swaps the policy's position with its neighbour's; at
// either end it does nothing.
func (s *Store) MoveSLAPolicy(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.SLAPolicyID, up bool) error {
	cmp, order := ">", "ASC"
	if up {
		cmp, order = "<", "DESC"
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var pos int
		if err := tx.QueryRow(ctx, `SELECT position FROM sla_policies WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
			int64(tenant), int64(id)).Scan(&pos); err != nil {
			return err
		}
		var other int64
		var otherPos int
		err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT id, position FROM sla_policies WHERE tenant_id = $1 AND position %s $2
			ORDER BY position %s, id LIMIT 1 FOR UPDATE`, cmp, order), int64(tenant), pos).Scan(&other, &otherPos)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE sla_policies SET position = CASE id WHEN $2 THEN $4::int ELSE $5::int END
			WHERE tenant_id = $1 AND id IN ($2, $3)`, int64(tenant), int64(id), other, otherPos, pos)
		return err
	})
	return mapErr(err, "move SLA policy %d", id)
}

// SetSLASoonWindow stores the tenant's "Por vencer" horizon.
func (s *Store) SetSLASoonWindow(ctx context.Context, tenant helpdesk.TenantID, d time.Duration) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO sla_settings (tenant_id, soon_window) VALUES ($1, make_interval(secs => $2))
			ON CONFLICT (tenant_id) DO UPDATE SET soon_window = excluded.soon_window`, int64(tenant), d.Seconds())
		return err
	})
	return mapErr(err, "SLA settings")
}

// SLAChoices reads the categories, groups, organisations and agents the
// policy form offers, in one round trip.
func (s *Store) SLAChoices(ctx context.Context, tenant helpdesk.TenantID) (helpdesk.SLAChoices, error) {
	var out helpdesk.SLAChoices
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(categoriesSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			out.Categories, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Category, error) { return scanCategory(r) })
			return err
		})
		b.Queue(groupsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			out.Groups, err = collectGroups(rows)
			return err
		})
		b.Queue(agentsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			out.Agents, err = collectUsers(rows)
			return err
		})
		b.Queue(`SELECT id, name FROM organisations WHERE tenant_id = $1 ORDER BY name, id`, int64(tenant)).Query(func(rows pgx.Rows) error {
			var id int64
			var name string
			_, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error {
				out.Organisations = append(out.Organisations, helpdesk.SLAOrganisation{ID: helpdesk.OrganisationID(id), Name: name})
				return nil
			})
			return err
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return out, mapErr(err, "SLA choices")
}
