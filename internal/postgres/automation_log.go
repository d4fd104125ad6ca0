package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// stepJSON is one action of a logged run; f is why it failed, empty when
// it was made.
type stepJSON struct {
	Type    string `json:"t"`
	Value   string `json:"v,omitempty"`
	Failure string `json:"f,omitempty"`
}

// LogRuleRun appends a run to its rule's log (automation_rule_log).
func (s *Store) LogRuleRun(ctx context.Context, tenant helpdesk.TenantID, run helpdesk.RuleRun) error {
	steps := make([]stepJSON, 0, len(run.Steps))
	for _, st := range run.Steps {
		steps = append(steps, stepJSON{Type: string(st.Action.Type), Value: st.Action.Value, Failure: string(st.Failure)})
	}
	detail, err := json.Marshal(steps)
	if err != nil {
		return fmt.Errorf("postgres: encode run: %w", err)
	}
	err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO automation_rule_log (tenant_id, rule_id, ticket_id, at, changed, failed, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
			int64(tenant), int64(run.Rule), int64(run.Ticket), run.At, run.Changed, run.Failed, string(detail))
		return err
	})
	return mapErr(err, "log run of rule %d", run.Rule)
}

// RuleRuns lists a rule's latest runs, newest first, through
// automation_rule_log_rule.
func (s *Store) RuleRuns(ctx context.Context, tenant helpdesk.TenantID, rule helpdesk.RuleID, limit int) ([]helpdesk.RuleRun, error) {
	var out []helpdesk.RuleRun
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT l.id, l.ticket_id, t.number, t.subject, l.at, l.changed, l.failed, l.detail
			FROM automation_rule_log l
			JOIN tickets t ON t.tenant_id = l.tenant_id AND t.id = l.ticket_id
			WHERE l.tenant_id = $1 AND l.rule_id = $2
			ORDER BY l.at DESC, l.id DESC LIMIT $3`, int64(tenant), int64(rule), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (helpdesk.RuleRun, error) {
			run := helpdesk.RuleRun{Rule: rule}
			var ticket, number int64
			var steps []stepJSON
			if err := row.Scan(&run.ID, &ticket, &number, &run.Subject, &run.At, &run.Changed, &run.Failed, &steps); err != nil {
				return run, err
			}
			run.Ticket, run.Number, run.At = helpdesk.TicketID(ticket), helpdesk.TicketNumber(number), run.At.UTC()
			for _, st := range steps {
				run.Steps = append(run.Steps, helpdesk.RunStep{Action: helpdesk.Action{Type: helpdesk.ActionType(st.Type), Value: st.Value},
					Failure: helpdesk.RunFailure(st.Failure)})
			}
			return run, nil
		})
		return err
	})
	return out, mapErr(err, "runs of rule %d", rule)
}

// RuleCounts sums each rule's runs since a time.
func (s *Store) RuleCounts(ctx context.Context, tenant helpdesk.TenantID, since time.Time) (map[helpdesk.RuleID]helpdesk.RuleCounts, error) {
	out := map[helpdesk.RuleID]helpdesk.RuleCounts{}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT rule_id, count(*), count(*) FILTER (WHERE changed > 0), count(*) FILTER (WHERE failed > 0)
			FROM automation_rule_log WHERE tenant_id = $1 AND at >= $2 GROUP BY rule_id`, int64(tenant), since)
		if err != nil {
			return err
		}
		var id int64
		var c helpdesk.RuleCounts
		_, err = pgx.ForEachRow(rows, []any{&id, &c.Matched, &c.Acted, &c.Failed}, func() error {
			out[helpdesk.RuleID(id)] = c
			return nil
		})
		return err
	})
	return out, mapErr(err, "rule counts")
}
