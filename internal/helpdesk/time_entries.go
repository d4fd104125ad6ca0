package helpdesk

import (
	"context"
	"fmt"
	"time"
)

// MaxTimeMinutes bounds one time entry: a working day and then some.
const MaxTimeMinutes = 24 * 60

// MaxTimeNoteLen bounds a time entry's note, in characters.
const MaxTimeNoteLen = 500

// TimeInput is the time an agent logs with a workspace submission.
type TimeInput struct {
	Minutes  int
	Note     string
	Billable bool
}

// check validates the input; require is the desk's "require time on
// submit" setting.
func (in TimeInput) check(require bool) error {
	var v ValidationError
	switch {
	case in.Minutes < 0 || in.Minutes > MaxTimeMinutes:
		v.Add("minutes", "time.error.minutes")
	case in.Minutes == 0 && require:
		v.Add("minutes", "time.error.required")
	}
	if len([]rune(in.Note)) > MaxTimeNoteLen {
		v.Add("time_note", "error.too_long")
	}
	return v.Err()
}

func (in TimeInput) entry(by Actor, t *Ticket, now time.Time) TimeEntry {
	return TimeEntry{
		Tenant: by.Tenant, Ticket: t.ID, Agent: by.User, Minutes: in.Minutes,
		Note: CleanText(in.Note), Billable: in.Billable, CreatedAt: now.UTC(),
	}
}

// TimeEntry is time an agent spent on a ticket.
type TimeEntry struct {
	Tenant    TenantID
	Ticket    TicketID
	Agent     UserID
	Minutes   int
	Note      string
	Billable  bool
	CreatedAt time.Time
}

// TimeFilter selects the entries of a time report: created in [From, To),
// optionally one agent's or one organisation's (the requester's).
type TimeFilter struct {
	From, To     time.Time
	Agent        UserID
	Organisation OrganisationID
}

// TimeReportRow is the time of one agent on one organisation's tickets
// (Organisation 0: requesters with none).
type TimeReportRow struct {
	Agent            UserID
	AgentName        string
	Organisation     OrganisationID
	OrganisationName string
	Tickets          int
	Minutes          int
	BillableMinutes  int
}

// TimeStore keeps time entries.
type TimeStore interface {
	// AddTimeEntry saves one entry (inside the caller's transaction).
	AddTimeEntry(ctx context.Context, tenant TenantID, e TimeEntry) error
	// TicketMinutes is the total logged on a ticket.
	TicketMinutes(ctx context.Context, tenant TenantID, ticket TicketID) (int, error)
	// TimeReport sums the entries of f by agent and organisation, the
	// largest first.
	TimeReport(ctx context.Context, tenant TenantID, f TimeFilter) ([]TimeReportRow, error)
}

// WorkspaceChoices is what the workspace form offers beyond the
// assignment and macro pickers, and the time logged on the ticket.
type WorkspaceChoices struct {
	Groups     []Group
	Agents     []User
	Macros     []Macro
	Categories []Category
	Fields     []CustomFieldDef
	Minutes    int
	// RequireTime is the desk's "require time on submit".
	RequireTime bool
}

// TimeReport is a time report with what its filter offers.
type TimeReport struct {
	Rows []TimeReportRow
	// Own is set when by sees only their own time (an agent who leads no
	// group, as in the other reports); Agents is then empty.
	Own           bool
	Agents        []User
	Organisations []Organisation
}

// TimeReport sums the time logged by agent and organisation over a
// period, in one transaction with the filter's choices. Admins and group
// leads see everyone's time; an agent only their own, whatever f says.
func (s *Service) TimeReport(ctx context.Context, by Actor, f TimeFilter) (TimeReport, error) {
	var out TimeReport
	scope, err := s.ReportScopeOf(ctx, by)
	if err != nil {
		return out, err
	}
	if !f.To.After(f.From) {
		return out, invalid("period", "error.invalid")
	}
	if !scope.All {
		f.Agent, out.Own = by.User, true
	}
	err = s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		if out.Rows, err = tx.TimeReport(ctx, by.Tenant, f); err != nil {
			return fmt.Errorf("helpdesk: time report: %w", err)
		}
		if out.Organisations, err = tx.Organisations(ctx, by.Tenant); err != nil {
			return fmt.Errorf("helpdesk: time report organisations: %w", err)
		}
		if !out.Own {
			if out.Agents, err = tx.Agents(ctx, by.Tenant); err != nil {
				return fmt.Errorf("helpdesk: time report agents: %w", err)
			}
		}
		return nil
	})
	return out, err
}
