package helpdesk

import "context"

// WorkspaceRead asks for the reads behind a ticket page.
type WorkspaceRead struct {
	Number TicketNumber
	// Visit is the reader's presence report, written in the same
	// transaction as the reads (with WithDraft, their draft is read too).
	Visit Visit
	// Directory is the desk's settings the caller kept from an earlier
	// page; nil reads them (WorkspaceReads.Directory).
	Directory *WorkspaceDirectory
	// Counts are counted in the same batch, each already scoped and
	// validated, bounded by CountLimit as QueueReads' are.
	Counts     []TicketFilter
	CountLimit int
}

// WorkspaceDirectory is what a ticket page reads that rarely changes: the
// queue's directory (groups, agents, categories, every saved view), the
// SLA setup, every macro of the desk (shared and personal) and the custom
// field definitions. The console keeps it between pages while it can vouch
// for it, shared by every request of the desk: nothing that reads it may
// change it.
type WorkspaceDirectory struct {
	Queue  QueueDirectory
	SLA    SLASetup
	Macros []Macro // by name, then id
	Fields []CustomFieldDef
}

// macrosOf returns the macros user may insert: the shared ones and their
// own, in the directory's order (as Store.Macros lists them).
func (d *WorkspaceDirectory) macrosOf(user UserID) []Macro {
	out := make([]Macro, 0, len(d.Macros))
	for _, m := range d.Macros {
		if m.Owner == 0 || m.Owner == user {
			out = append(out, m)
		}
	}
	return out
}

// WorkspaceReads is what a WorkspaceRead finds, as stored: the domain
// decides what of it the page shows (Service.StaffWorkspacePage).
type WorkspaceReads struct {
	// Ticket comes without its group's, assignee's and category's names
	// (GroupName, AssigneeName and CategoryName are empty): the Service
	// names them from the directory.
	Ticket   Ticket
	Timeline []TimelineEntry // the staff scope: notes and events included
	Clock    []ClockEvent
	CSAT     TicketCSAT
	// RequesterTickets are the requester's most recent tickets by last
	// update, at most RequesterTicketsShown+1, the ticket itself possibly
	// among them; none for a guest. They carry no names (requester,
	// group, assignee): the Service gives them the ticket's requester.
	RequesterTickets []TicketSummary
	// Call is the ticket's phone call; nil when it has none.
	Call *PhoneCall
	// Visited holds the presence reports (the reader's own included) and
	// the draft; its Ticket stamp is not filled (Ticket has it all).
	Visited Visited
	// Minutes is the time logged on the ticket; RequireTime the desk's
	// "require time on submit".
	Minutes     int
	RequireTime bool
	// Directory is what was read when the WorkspaceRead named none.
	Directory WorkspaceDirectory
	// Counts and Capped answer WorkspaceRead.Counts, in order.
	Counts []int
	Capped []bool
}

// WorkspaceStore reads a ticket page.
type WorkspaceStore interface {
	// TicketWorkspace reads what r asks of ticket r.Number and applies
	// r.Visit, in one round trip and one transaction (the store's open
	// one, if any): every statement names the ticket by its number, so
	// none waits for another. ErrNotFound when there is no ticket
	// r.Number; nothing is written then.
	TicketWorkspace(ctx context.Context, tenant TenantID, r WorkspaceRead) (WorkspaceReads, error)
}
