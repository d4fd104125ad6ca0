package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Preview bounds: a preview reads at most MaxPreviewScan tickets (the most
// recently changed, through the queue indexes) and shows at most
// MaxPreviewMatches of those that match.
const (
	MaxPreviewScan    = 2000
	MaxPreviewMatches = 50
)

// RulePreview is what a rule would match now.
type RulePreview struct {
	Matches []Ticket
	// Scanned is how many tickets were read; Limited is true when the scan
	// stopped at MaxPreviewScan or the list at MaxPreviewMatches, so there
	// may be more.
	Scanned int
	Limited bool
}

// requireAdmin refuses anyone but an admin of the tenant with ErrNotFound,
// as adminTx does: the admin pages do not exist for them.
func requireAdmin(by Actor, op string) error {
	if !by.IsAdmin() || by.User == 0 {
		return fmt.Errorf("helpdesk: %s: %w", op, ErrNotFound)
	}
	return nil
}

// Rules lists the tenant's rules of kind (admins only; anyone else gets
// ErrNotFound).
func (s *Service) Rules(ctx context.Context, by Actor, kind RuleKind) ([]Rule, error) {
	if err := requireAdmin(by, "rules"); err != nil {
		return nil, err
	}
	var out []Rule
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.Rules(ctx, by.Tenant, kind)
		return err
	})
	return out, err
}

// Rule loads one rule (admins only); another tenant's is ErrNotFound.
func (s *Service) Rule(ctx context.Context, by Actor, id RuleID) (Rule, error) {
	if err := requireAdmin(by, "rule"); err != nil {
		return Rule{}, err
	}
	var out Rule
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.Rule(ctx, by.Tenant, id)
		return err
	})
	return out, err
}

// RuleChoices returns the groups, agents and categories a rule may name
// (admins only), for forms.
func (s *Service) RuleChoices(ctx context.Context, by Actor) (RuleRefs, error) {
	if err := requireAdmin(by, "rule choices"); err != nil {
		return RuleRefs{}, err
	}
	var out RuleRefs
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = ruleRefs(ctx, tx, by.Tenant)
		return err
	})
	return out, err
}

func ruleRefs(ctx context.Context, tx Store, tenant TenantID) (RuleRefs, error) {
	var refs RuleRefs
	var err error
	if refs.Groups, err = tx.Groups(ctx, tenant); err != nil {
		return refs, fmt.Errorf("helpdesk: groups: %w", err)
	}
	if refs.Agents, err = tx.Agents(ctx, tenant); err != nil {
		return refs, fmt.Errorf("helpdesk: agents: %w", err)
	}
	if refs.Categories, err = tx.Categories(ctx, tenant); err != nil {
		return refs, fmt.Errorf("helpdesk: categories: %w", err)
	}
	if refs.Calendars, err = tx.SLACalendars(ctx, tenant); err != nil {
		return refs, fmt.Errorf("helpdesk: calendars: %w", err)
	}
	if refs.Fields, err = tx.CustomFieldDefs(ctx, tenant); err != nil {
		return refs, fmt.Errorf("helpdesk: custom fields: %w", err)
	}
	if refs.Webhooks, err = tx.Webhooks(ctx, tenant); err != nil {
		return refs, fmt.Errorf("helpdesk: webhooks: %w", err)
	}
	// User 0 owns nothing: the shared macros only.
	if refs.Macros, err = tx.Macros(ctx, tenant, 0); err != nil {
		return refs, fmt.Errorf("helpdesk: macros: %w", err)
	}
	return refs, nil
}

// SaveRule creates (ID 0) or replaces a rule after validating it against
// the tenant's own groups, agents and categories (admins only). The kind
// of an existing rule cannot change. A taken name is a field error.
func (s *Service) SaveRule(ctx context.Context, by Actor, r Rule) (Rule, error) {
	if err := requireAdmin(by, "save rule"); err != nil {
		return Rule{}, err
	}
	var out Rule
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		refs, err := ruleRefs(ctx, tx, by.Tenant)
		if err != nil {
			return err
		}
		var old Rule
		if r.ID != 0 {
			if old, err = tx.Rule(ctx, by.Tenant, r.ID); err != nil {
				return err
			}
			r.Kind = old.Kind
		}
		if err := r.Validate(refs); err != nil {
			return err
		}
		e := AuditEntry{Action: "automation_rule.create", ObjectKind: "automation_rule", After: nil}
		if r.ID == 0 {
			out, err = tx.CreateRule(ctx, by.Tenant, r)
		} else {
			out, err = tx.UpdateRule(ctx, by.Tenant, r)
			e.Action, e.Before = "automation_rule.update", ruleAudit(old)
		}
		if err != nil {
			return err
		}
		e.ObjectID, e.ObjectLabel, e.After = int64(out.ID), out.Name, ruleAudit(out)
		return s.audit(ctx, tx, by, e)
	})
	if errors.Is(err, ErrConflict) {
		return Rule{}, &ValidationError{Fields: map[string]string{"name": "error.name_taken"}}
	}
	return out, err
}

// DeleteRule removes a rule (admins only); its execution records go with
// it, the history events on tickets stay.
func (s *Service) DeleteRule(ctx context.Context, by Actor, id RuleID) error {
	if err := requireAdmin(by, "delete rule"); err != nil {
		return err
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		old, err := tx.Rule(ctx, by.Tenant, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteRule(ctx, by.Tenant, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "automation_rule.delete", ObjectKind: "automation_rule",
			ObjectID: int64(id), ObjectLabel: old.Name, Before: ruleAudit(old)})
	})
}

// previewStatuses are the statuses a rule can match: its anchor's set for
// a time-based rule, the statuses its "status is" conditions name, or
// every status but closed.
func previewStatuses(r Rule) []Status {
	switch {
	case r.Kind == RuleTimed && r.Anchor == AnchorPending:
		return []Status{StatusPending}
	case r.Kind == RuleTimed && r.Anchor == AnchorSolved:
		return []Status{StatusSolved}
	}
	all := []Status{StatusNew, StatusOpen, StatusPending, StatusOnHold}
	if r.Kind != RuleTimed {
		all = append(all, StatusSolved)
	}
	for _, c := range r.Conditions {
		if c.Field == CondStatus && c.Op == OpIs {
			if slices.Contains(all, Status(c.Value)) {
				return []Status{Status(c.Value)}
			}
			return nil
		}
	}
	return all
}

// PreviewRule shows which current tickets r (as typed, not yet saved)
// would match, within the bounds above (admins only). An invalid rule gets
// its ValidationError, like saving it.
func (s *Service) PreviewRule(ctx context.Context, by Actor, r Rule) (RulePreview, error) {
	if err := requireAdmin(by, "preview rule"); err != nil {
		return RulePreview{}, err
	}
	var out RulePreview
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		refs, err := ruleRefs(ctx, tx, by.Tenant)
		if err != nil {
			return err
		}
		if err := r.Validate(refs); err != nil {
			return err
		}
		sts := previewStatuses(r)
		if len(sts) == 0 {
			return nil
		}
		cands, err := tx.PreviewCandidates(ctx, by.Tenant, sts, r.usesBody(), MaxPreviewScan)
		if err != nil {
			return fmt.Errorf("helpdesk: preview: %w", err)
		}
		out.Scanned = len(cands)
		out.Limited = len(cands) == MaxPreviewScan
		in := MatchInput{Now: s.now()}
		for i := range refs.Calendars {
			if c := &refs.Calendars[i]; c.ID == r.Calendar {
				in.Calendar = c
			}
		}
		var sla map[TicketID]SLAState
		if r.usesSLA() && len(cands) > 0 {
			ts := make([]*Ticket, len(cands))
			for i := range cands {
				ts[i] = &cands[i].Ticket
			}
			if sla, err = slaStates(ctx, tx, by.Tenant, ts, in.Now); err != nil {
				return err
			}
		}
		for i := range cands {
			in.Body, in.SLA = cands[i].Description, sla[cands[i].Ticket.ID]
			if !r.Matches(&cands[i].Ticket, in) {
				continue
			}
			if len(out.Matches) == MaxPreviewMatches {
				out.Limited = true
				break
			}
			out.Matches = append(out.Matches, cands[i].Ticket)
		}
		return nil
	})
	return out, err
}

// AutomationSettings returns the tenant's timer settings (admins only).
func (s *Service) AutomationSettings(ctx context.Context, by Actor) (AutomationSettings, error) {
	if err := requireAdmin(by, "automation settings"); err != nil {
		return AutomationSettings{}, err
	}
	var out AutomationSettings
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.AutomationSettings(ctx, by.Tenant)
		return err
	})
	return out, err
}

// MaxReminderHours bounds the pending reminder delay.
const MaxReminderHours = 8760

// SetPendingReminder sets the pending reminder delay in hours; 0 turns it
// off (admins only).
func (s *Service) SetPendingReminder(ctx context.Context, by Actor, hours int) error {
	if err := requireAdmin(by, "set pending reminder"); err != nil {
		return err
	}
	if hours < 0 || hours > MaxReminderHours {
		return invalid("reminder_hours", "error.rule_hours")
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		old, err := tx.AutomationSettings(ctx, by.Tenant)
		if err != nil {
			return err
		}
		if err := tx.SetAutomationSettings(ctx, by.Tenant, AutomationSettings{PendingReminderAfter: time.Duration(hours) * time.Hour}); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, AuditEntry{Action: "automation_settings.update", ObjectKind: "automation_settings",
			ObjectLabel: "pending_reminder_hours",
			Before:      AuditValues{"pending_reminder_hours": strconv.Itoa(int(old.PendingReminderAfter.Hours()))},
			After:       AuditValues{"pending_reminder_hours": strconv.Itoa(hours)}})
	})
}
