package helpdesk

import "context"

// WorkspaceRead asks for the reads behind a ticket page.
type WorkspaceRead struct {
	Number TicketNumber
	// Visit is the reader's presence report, written in the same
	// transaction as the reads (with WithDraft, their draft is read too).
	Visit Visit
	// SavedViews also reads the saved views Visit.User may open, for the
	// console's sidebar.
	SavedViews bool
}

// WorkspaceReads is what a WorkspaceRead finds, as stored: the domain
// decides what of it the page shows (Service.StaffWorkspacePage).
type WorkspaceReads struct {
	Ticket   Ticket
	Timeline []TimelineEntry // the staff scope: notes and events included
	SLA      SLASetup
	Clock    []ClockEvent
	CSAT     TicketCSAT
	// RequesterTickets are the requester's most recent tickets by last
	// update, at most RequesterTicketsShown+1, the ticket itself possibly
	// among them; none for a guest.
	RequesterTickets []TicketSummary
	// Call is the ticket's phone call; nil when it has none.
	Call *PhoneCall
	// Visited holds the presence reports (the reader's own included) and
	// the draft; its Ticket stamp is not filled (Ticket has it all).
	Visited Visited
	// Choices are all the workspace form may offer, whatever the
	// ticket's status.
	Choices    WorkspaceChoices
	SavedViews []SavedView
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
