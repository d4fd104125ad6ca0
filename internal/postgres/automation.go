package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Conditions and actions are stored as jsonb lists of these.
type conditionJSON struct {
	Field string `json:"f"`
	Op    string `json:"o"`
	Value string `json:"v"`
	Key   string `json:"k,omitempty"`
	Group int    `json:"g,omitempty"`
}

// groupJSON is one nested condition group (condition_groups, 00030).
type groupJSON struct {
	Any bool `json:"any"`
}

type actionJSON struct {
	Type  string `json:"t"`
	Value string `json:"v,omitempty"`
	Text  string `json:"x,omitempty"`
}

const ruleColumns = `id, kind, name, active, position, on_event, anchor, minutes, coalesce(calendar_id, 0), match_any, conditions, actions, created_at, updated_at, condition_groups`

func scanRule(row pgx.Row) (helpdesk.Rule, error) {
	var r helpdesk.Rule
	var id, calendar int64
	var kind, event, anchor string
	var conds []conditionJSON
	var acts []actionJSON
	var groups []groupJSON
	if err := row.Scan(&id, &kind, &r.Name, &r.Active, &r.Position, &event, &anchor, &r.Minutes, &calendar, &r.MatchAny, &conds, &acts, &r.CreatedAt, &r.UpdatedAt, &groups); err != nil {
		return r, err
	}
	r.ID, r.Kind, r.Event, r.Anchor = helpdesk.RuleID(id), helpdesk.RuleKind(kind), helpdesk.RuleEvent(event), helpdesk.Anchor(anchor)
	r.Calendar = helpdesk.CalendarID(calendar)
	for _, c := range conds {
		r.Conditions = append(r.Conditions, helpdesk.Condition{Field: helpdesk.CondField(c.Field), Op: helpdesk.Operator(c.Op), Value: c.Value, Key: c.Key, Group: c.Group})
	}
	for _, g := range groups {
		r.Groups = append(r.Groups, helpdesk.ConditionGroup{MatchAny: g.Any})
	}
	for _, a := range acts {
		r.Actions = append(r.Actions, helpdesk.Action{Type: helpdesk.ActionType(a.Type), Value: a.Value, Text: a.Text})
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

func ruleArgs(tenant helpdesk.TenantID, r helpdesk.Rule) (pgx.NamedArgs, error) {
	conds := make([]conditionJSON, 0, len(r.Conditions))
	for _, c := range r.Conditions {
		conds = append(conds, conditionJSON{Field: string(c.Field), Op: string(c.Op), Value: c.Value, Key: c.Key, Group: c.Group})
	}
	acts := make([]actionJSON, 0, len(r.Actions))
	for _, a := range r.Actions {
		acts = append(acts, actionJSON{Type: string(a.Type), Value: a.Value, Text: a.Text})
	}
	cj, err := json.Marshal(conds)
	if err != nil {
		return nil, err
	}
	groups := make([]groupJSON, 0, len(r.Groups))
	for _, g := range r.Groups {
		groups = append(groups, groupJSON{Any: g.MatchAny})
	}
	gj, err := json.Marshal(groups)
	if err != nil {
		return nil, err
	}
	aj, err := json.Marshal(acts)
	if err != nil {
		return nil, err
	}
	return pgx.NamedArgs{
		"tenant": int64(tenant), "id": int64(r.ID), "kind": string(r.Kind), "name": r.Name, "active": r.Active,
		"position": r.Position, "event": string(r.Event), "anchor": string(r.Anchor), "minutes": r.Minutes,
		"calendar": nullID(int64(r.Calendar)), "match_any": r.MatchAny,
		"conditions": string(cj), "actions": string(aj), "groups": string(gj),
	}, nil
}

func (s *Store) queryRules(ctx context.Context, tenant helpdesk.TenantID, q string, args ...any) ([]helpdesk.Rule, error) {
	var out []helpdesk.Rule
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.Rule, error) { return scanRule(r) })
		return err
	})
	return out, err
}

// Rules lists the tenant's rules of kind in position order.
func (s *Store) Rules(ctx context.Context, tenant helpdesk.TenantID, kind helpdesk.RuleKind) ([]helpdesk.Rule, error) {
	out, err := s.queryRules(ctx, tenant, `SELECT `+ruleColumns+` FROM automation_rules
		WHERE tenant_id = $1 AND kind = $2 ORDER BY position, id`, int64(tenant), string(kind))
	return out, mapErr(err, "%s rules", kind)
}

// ActiveRules lists the active rules of kind in position order
// (automation_rules_active).
func (s *Store) ActiveRules(ctx context.Context, tenant helpdesk.TenantID, kind helpdesk.RuleKind) ([]helpdesk.Rule, error) {
	out, err := s.queryRules(ctx, tenant, `SELECT `+ruleColumns+` FROM automation_rules
		WHERE tenant_id = $1 AND kind = $2 AND active ORDER BY position, id`, int64(tenant), string(kind))
	return out, mapErr(err, "active %s rules", kind)
}

// Rule loads one rule.
func (s *Store) Rule(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.RuleID) (helpdesk.Rule, error) {
	var r helpdesk.Rule
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		r, err = scanRule(tx.QueryRow(ctx, `SELECT `+ruleColumns+` FROM automation_rules WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id)))
		return err
	})
	return r, mapErr(err, "rule %d", id)
}

// CreateRule inserts a rule.
func (s *Store) CreateRule(ctx context.Context, tenant helpdesk.TenantID, r helpdesk.Rule) (helpdesk.Rule, error) {
	args, err := ruleArgs(tenant, r)
	if err != nil {
		return helpdesk.Rule{}, fmt.Errorf("postgres: encode rule: %w", err)
	}
	var out helpdesk.Rule
	err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanRule(tx.QueryRow(ctx, `INSERT INTO automation_rules
			(tenant_id, kind, name, active, position, on_event, anchor, minutes, calendar_id, match_any, conditions, actions, condition_groups)
			VALUES (@tenant, @kind, @name, @active, @position, @event, @anchor, @minutes, @calendar, @match_any, @conditions::jsonb, @actions::jsonb,
				@groups::jsonb)
			RETURNING `+ruleColumns, args))
		return err
	})
	return out, mapErr(err, "create rule %q", r.Name)
}

// UpdateRule replaces a rule (not its kind) and resets its scan cursor, so
// an edited time-based rule looks at every current ticket again (the runs
// table keeps it from firing twice for one anchor).
func (s *Store) UpdateRule(ctx context.Context, tenant helpdesk.TenantID, r helpdesk.Rule) (helpdesk.Rule, error) {
	args, err := ruleArgs(tenant, r)
	if err != nil {
		return helpdesk.Rule{}, fmt.Errorf("postgres: encode rule: %w", err)
	}
	var out helpdesk.Rule
	err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanRule(tx.QueryRow(ctx, `UPDATE automation_rules SET name = @name, active = @active,
			position = @position, on_event = @event, anchor = @anchor, minutes = @minutes, calendar_id = @calendar, match_any = @match_any,
			conditions = @conditions::jsonb, actions = @actions::jsonb, condition_groups = @groups::jsonb, cursor_at = NULL, cursor_id = 0, updated_at = now()
			WHERE tenant_id = @tenant AND id = @id RETURNING `+ruleColumns, args))
		return err
	})
	return out, mapErr(err, "update rule %d", r.ID)
}

// DeleteRule removes a rule and its runs.
func (s *Store) DeleteRule(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.RuleID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM automation_rules WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id))
		if err == nil && tag.RowsAffected() == 0 {
			return pgx.ErrNoRows
		}
		return err
	})
	return mapErr(err, "delete rule %d", id)
}

// ClaimRun records one execution; the primary key refuses a second one.
func (s *Store) ClaimRun(ctx context.Context, tenant helpdesk.TenantID, rule helpdesk.RuleID, ticket helpdesk.TicketID, key int64, at time.Time) (bool, error) {
	var n int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO automation_runs (tenant_id, rule_id, ticket_id, run_key, at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, int64(tenant), int64(rule), int64(ticket), key, at)
		n = tag.RowsAffected()
		return err
	})
	return n == 1, mapErr(err, "claim run of rule %d", rule)
}

// anchorScans are the candidate queries of time-based rules, one per
// anchor, each a range scan of an index whose predicate its status list
// matches: tickets_open_created, tickets_open_updated, tickets_waiting.
var anchorScans = map[helpdesk.Anchor]string{
	helpdesk.AnchorCreated: `SELECT id, number, created_at FROM tickets WHERE tenant_id = $1
		AND status IN ('new', 'open', 'pending', 'on_hold') AND created_at <= $2 AND (created_at, id) > ($3, $4)
		ORDER BY created_at, id LIMIT $5`,
	helpdesk.AnchorUpdated: `SELECT id, number, updated_at FROM tickets WHERE tenant_id = $1
		AND status IN ('new', 'open', 'pending', 'on_hold') AND updated_at <= $2 AND (updated_at, id) > ($3, $4)
		ORDER BY updated_at, id LIMIT $5`,
	helpdesk.AnchorPending: `SELECT id, number, status_changed_at FROM tickets WHERE tenant_id = $1
		AND status = 'pending' AND status_changed_at <= $2 AND (status_changed_at, id) > ($3, $4)
		ORDER BY status_changed_at, id LIMIT $5`,
	helpdesk.AnchorSolved: `SELECT id, number, status_changed_at FROM tickets WHERE tenant_id = $1
		AND status = 'solved' AND status_changed_at <= $2 AND (status_changed_at, id) > ($3, $4)
		ORDER BY status_changed_at, id LIMIT $5`,
	helpdesk.AnchorRequesterWaiting: `SELECT id, number, requester_waiting_since FROM tickets WHERE tenant_id = $1
		AND requester_waiting_since IS NOT NULL AND status IN ('new', 'open', 'pending', 'on_hold')
		AND requester_waiting_since <= $2 AND (requester_waiting_since, id) > ($3, $4)
		ORDER BY requester_waiting_since, id LIMIT $5`,
}

// breachFilter keeps the candidates with an SLA clock breached by $6: a
// probe of sla_clocks' key (tenant_id, ticket_id, metric) per ticket the
// anchor's index yields, so the scan locks none that cannot match.
const breachFilter = ` AND EXISTS (SELECT 1 FROM sla_clocks c WHERE c.tenant_id = tickets.tenant_id AND c.ticket_id = tickets.id
		AND (c.breached_at <= $6 OR (c.state = 'running' AND c.due_at <= $6)))`

// TimedCandidates reads the rule's cursor and the next tickets past it.
func (s *Store) TimedCandidates(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.TimedScan) ([]helpdesk.TimedCandidate, error) {
	sql, ok := anchorScans[q.Anchor]
	if !ok {
		return nil, fmt.Errorf("postgres: timed candidates: %w", invalidField("anchor"))
	}
	var out []helpdesk.TimedCandidate
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var cursorAt *time.Time
		var cursorID int64
		if err := tx.QueryRow(ctx, `SELECT cursor_at, cursor_id FROM automation_rules WHERE tenant_id = $1 AND id = $2`,
			int64(tenant), int64(q.Rule)).Scan(&cursorAt, &cursorID); err != nil {
			return err
		}
		from := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC) // before every anchor
		if cursorAt != nil {
			from = *cursorAt
		}
		args := []any{int64(tenant), q.Threshold, from, cursorID, q.Limit}
		if !q.BreachedBy.IsZero() {
			where, order, _ := strings.Cut(sql, "ORDER BY ")
			sql = where + breachFilter + " ORDER BY " + order
			args = append(args, q.BreachedBy)
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		var id, number int64
		var at time.Time
		_, err = pgx.ForEachRow(rows, []any{&id, &number, &at}, func() error {
			out = append(out, helpdesk.TimedCandidate{Ticket: helpdesk.TicketID(id), Number: helpdesk.TicketNumber(number), At: at.UTC()})
			return nil
		})
		return err
	})
	return out, mapErr(err, "timed candidates of rule %d", q.Rule)
}

// AdvanceRuleCursor moves the scan forward (never back).
func (s *Store) AdvanceRuleCursor(ctx context.Context, tenant helpdesk.TenantID, rule helpdesk.RuleID, at time.Time, ticket helpdesk.TicketID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE automation_rules SET cursor_at = $3, cursor_id = $4
			WHERE tenant_id = $1 AND id = $2 AND (cursor_at IS NULL OR (cursor_at, cursor_id) < ($3, $4))`,
			int64(tenant), int64(rule), at, int64(ticket))
		return err
	})
	return mapErr(err, "advance cursor of rule %d", rule)
}

// TicketDescription reads the ticket's first comment.
func (s *Store) TicketDescription(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) (string, error) {
	var body string
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT body FROM comments WHERE tenant_id = $1 AND ticket_id = $2
			ORDER BY created_at, id LIMIT 1`, int64(tenant), int64(ticket)).Scan(&body)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	return body, mapErr(err, "description of ticket %d", ticket)
}

// previewIDsSQL picks the most recently changed tickets of a status set
// through the queue's partial index (unsolved) or tickets_waiting
// (solved); the statuses are literals so the planner can use them.
func previewIDsSQL(statuses []helpdesk.Status) (string, error) {
	var unsolved, solved []string
	for _, st := range statuses {
		lit, ok := statusLiterals[st]
		if !ok || st == helpdesk.StatusClosed {
			return "", invalidField("status")
		}
		if st == helpdesk.StatusSolved {
			solved = append(solved, lit)
		} else {
			unsolved = append(unsolved, lit)
		}
	}
	var parts []string
	if len(unsolved) > 0 {
		parts = append(parts, `(SELECT id, updated_at AS at FROM tickets WHERE tenant_id = $1 AND status IN (`+
			strings.Join(unsolved, ", ")+`) ORDER BY updated_at DESC, id DESC LIMIT $2)`)
	}
	if len(solved) > 0 {
		parts = append(parts, `(SELECT id, status_changed_at AS at FROM tickets WHERE tenant_id = $1 AND status = 'solved'
			ORDER BY status_changed_at DESC, id DESC LIMIT $2)`)
	}
	return `SELECT id FROM (` + strings.Join(parts, " UNION ALL ") + `) c ORDER BY at DESC, id DESC LIMIT $2`, nil
}

// PreviewCandidates loads up to limit recent tickets of statuses, whole,
// with their description when asked: first their ids through the indexes
// (previewIDsSQL), then the rows by primary key.
func (s *Store) PreviewCandidates(ctx context.Context, tenant helpdesk.TenantID, statuses []helpdesk.Status, withBody bool, limit int) ([]helpdesk.PreviewTicket, error) {
	idsSQL, err := previewIDsSQL(statuses)
	if err != nil {
		return nil, fmt.Errorf("postgres: preview: %w", err)
	}
	base := strings.TrimSuffix(ticketSelect, "WHERE t.tenant_id = @tenant AND t.number = @number")
	var out []helpdesk.PreviewTicket
	err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, idsSQL, int64(tenant), limit)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil || len(ids) == 0 {
			return err
		}
		rows, err = tx.Query(ctx, base+` WHERE t.tenant_id = @tenant AND t.id = ANY(@ids)`,
			pgx.NamedArgs{"tenant": int64(tenant), "ids": ids})
		if err != nil {
			return err
		}
		byID := make(map[helpdesk.TicketID]helpdesk.Ticket, len(ids))
		for rows.Next() {
			t, err := scanTicket(rows, tenant)
			if err != nil {
				rows.Close()
				return err
			}
			byID[t.ID] = t
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids { // most recently changed first
			if t, ok := byID[helpdesk.TicketID(id)]; ok {
				out = append(out, helpdesk.PreviewTicket{Ticket: t})
			}
		}
		if !withBody {
			return nil
		}
		for i := range out {
			err := tx.QueryRow(ctx, `SELECT body FROM comments WHERE tenant_id = $1 AND ticket_id = $2
				ORDER BY created_at, id LIMIT 1`, int64(tenant), int64(out[i].Ticket.ID)).Scan(&out[i].Description)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		return nil
	})
	return out, mapErr(err, "preview candidates")
}

// ReminderCandidates lists tickets pending since before without a reminder
// for their current pending period (tickets_waiting, then the intents'
// unique key).
func (s *Store) ReminderCandidates(ctx context.Context, tenant helpdesk.TenantID, before time.Time, limit int) ([]helpdesk.TicketNumber, error) {
	var out []helpdesk.TicketNumber
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT t.number FROM tickets t
			WHERE t.tenant_id = $1 AND t.status = 'pending' AND t.status_changed_at < $2
			AND NOT EXISTS (SELECT 1 FROM notification_intents n WHERE n.tenant_id = t.tenant_id AND n.ticket_id = t.id
				AND n.kind = 'pending_reminder'
				AND n.dedupe_key = ((extract(epoch FROM date_trunc('microseconds', t.status_changed_at)) * 1000000)::bigint)::text)
			ORDER BY t.status_changed_at, t.id LIMIT $3`, int64(tenant), before, limit)
		if err != nil {
			return err
		}
		nums, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		for _, n := range nums {
			out = append(out, helpdesk.TicketNumber(n))
		}
		return err
	})
	return out, mapErr(err, "reminder candidates")
}
