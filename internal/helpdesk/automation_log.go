package helpdesk

import (
	"context"
	"errors"
	"time"
)

// RunFailure says why an action of a rule was not made.
type RunFailure string

const (
	FailInvalid     RunFailure = "invalid"      // the value no longer fits the ticket (a validation error)
	FailTransition  RunFailure = "transition"   // that status cannot be reached from the current one
	FailConflict    RunFailure = "conflict"     // the ticket refused the change (an assignee outside the group…)
	FailNotFound    RunFailure = "not_found"    // the group or agent it names is gone
	FailBadValue    RunFailure = "bad_value"    // the stored value is not a number where one is needed
	FailNoRecipient RunFailure = "no_recipient" // a notification with no one to send it to
)

var (
	errBadActionValue = errors.New("helpdesk: action value")
	errNoRecipient    = errors.New("helpdesk: no recipient")
)

// runFailure classifies an action's error: the failures a rule may meet on
// a ticket, or "" for an error that must abort the run (the database).
func runFailure(err error) RunFailure {
	var ve *ValidationError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errNoRecipient):
		return FailNoRecipient
	case errors.Is(err, errBadActionValue):
		return FailBadValue
	case errors.As(err, &ve):
		return FailInvalid
	case errors.Is(err, ErrInvalidTransition):
		return FailTransition
	case errors.Is(err, ErrConflict):
		return FailConflict
	case errors.Is(err, ErrNotFound):
		return FailNotFound
	}
	return ""
}

// RunStep is one action of a run and, when it was not made, why.
type RunStep struct {
	Action  Action
	Failure RunFailure // "": made
}

// RuleRun is one run of a rule on a ticket that matched: what it changed
// and what failed.
type RuleRun struct {
	ID      int64
	Rule    RuleID
	Ticket  TicketID
	Number  TicketNumber // filled when read
	Subject string       // filled when read
	At      time.Time
	Changed int // actions made
	Failed  int // actions not made
	Steps   []RunStep
}

// RuleCounts are a rule's runs over a period: every run matched a ticket;
// acted ones changed something, failed ones had an action not made.
type RuleCounts struct {
	Matched, Acted, Failed int
}

// RuleLogStore keeps the rules' run logs.
type RuleLogStore interface {
	// LogRuleRun appends run to its rule's log.
	LogRuleRun(ctx context.Context, tenant TenantID, run RuleRun) error
	// RuleRuns lists rule's latest runs, newest first, with each
	// ticket's number and subject.
	RuleRuns(ctx context.Context, tenant TenantID, rule RuleID, limit int) ([]RuleRun, error)
	// RuleCounts sums the runs since since, per rule.
	RuleCounts(ctx context.Context, tenant TenantID, since time.Time) (map[RuleID]RuleCounts, error)
}

// RuleLogDays is the period of the rule list's counters.
const RuleLogDays = 7

// MaxRuleRuns is how many runs a rule's log page shows.
const MaxRuleRuns = 50

// RuleRuns returns rule's latest runs (admins only; a foreign rule is
// ErrNotFound).
func (s *Service) RuleRuns(ctx context.Context, by Actor, id RuleID) (Rule, []RuleRun, error) {
	if err := requireAdmin(by, "rule runs"); err != nil {
		return Rule{}, nil, err
	}
	var r Rule
	var runs []RuleRun
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		if r, err = tx.Rule(ctx, by.Tenant, id); err != nil {
			return err
		}
		runs, err = tx.RuleRuns(ctx, by.Tenant, id, MaxRuleRuns)
		return err
	})
	return r, runs, err
}

// RuleCounters returns every rule's counts over the last RuleLogDays days
// (admins only).
func (s *Service) RuleCounters(ctx context.Context, by Actor) (map[RuleID]RuleCounts, error) {
	if err := requireAdmin(by, "rule counters"); err != nil {
		return nil, err
	}
	var out map[RuleID]RuleCounts
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.RuleCounts(ctx, by.Tenant, s.now().AddDate(0, 0, -RuleLogDays))
		return err
	})
	return out, err
}
