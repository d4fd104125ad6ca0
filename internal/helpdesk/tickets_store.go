package helpdesk

import (
	"context"
	"time"
)

// TicketStore is the persistence the ticket rules need. It is declared here,
// by the domain, and implemented by internal/postgres.
//
// Every method takes ctx, then the tenant; a row of another tenant is
// ErrNotFound, exactly like a missing one. Methods that write are called
// inside Store.InTx. Errors: ErrNotFound for a missing row, ErrConflict for
// a stale version or a duplicate, anything else wrapped with context.
type TicketStore interface {
	// CreateTicket inserts t with the tenant's next ticket number (unique per
	// tenant; gaps are allowed), its first comment (the description, with
	// its attachments) and its events, whose Ticket it sets, and whose
	// Comment it sets where Event.NeedsComment. The side sets (tags, custom
	// field values, followers, links) are written too. It returns t with ID
	// and Number.
	CreateTicket(ctx context.Context, tenant TenantID, t Ticket, first NewComment, events []Event) (Ticket, error)

	// Ticket loads a ticket by number with its side sets and the display
	// names of its group, assignee and category.
	Ticket(ctx context.Context, tenant TenantID, n TicketNumber) (Ticket, error)

	// TicketForUpdate is Ticket that also locks the row (SELECT … FOR UPDATE)
	// until the transaction ends, so a decision is made on current data.
	TicketForUpdate(ctx context.Context, tenant TenantID, n TicketNumber) (Ticket, error)

	// SaveTicket writes u.Ticket if its stored version is still u.Expected
	// (otherwise ErrConflict and nothing is written), replaces its side sets,
	// appends u.Events and, when u.Comment is set, inserts that comment with
	// its attachments; events where Event.NeedsComment get its id. It
	// returns the new comment's id (0 without a comment).
	SaveTicket(ctx context.Context, tenant TenantID, u TicketUpdate) (CommentID, error)

	// CopyComments copies every comment of ticket from, with its attachment
	// references, into ticket to, keeping authors and times and setting
	// MergedFrom. With keepVisibility false every copy is an internal note
	// (the two tickets have different requesters).
	CopyComments(ctx context.Context, tenant TenantID, from, to TicketID, keepVisibility bool) error

	// Timeline returns the ticket's comments and events in the order they
	// happened (time, then insertion). Events about a comment are folded
	// into the comment's entry. TimelineCustomer returns public comments
	// only.
	Timeline(ctx context.Context, tenant TenantID, ticket TicketID, scope TimelineScope) ([]TimelineEntry, error)

	// Attachment loads a file with what is needed to authorise its download.
	Attachment(ctx context.Context, tenant TenantID, id AttachmentID) (AttachmentContent, error)

	// AttachmentBytes is the total size of the ticket's files, for the
	// per-ticket limit.
	AttachmentBytes(ctx context.Context, tenant TenantID, ticket TicketID) (int64, error)

	// ListTickets returns one page of tickets matching q (already validated),
	// with keyset pagination on q.Sort; never OFFSET. The agent queue, a
	// requester's tickets (Filter.Requester) and an organisation's tickets
	// (Filter.Organisation) are all this query.
	ListTickets(ctx context.Context, tenant TenantID, q TicketQuery) (TicketPage, error)

	// CountTickets counts the tickets matching each filter (one count per
	// view, in order), in one round trip.
	CountTickets(ctx context.Context, tenant TenantID, filters []TicketFilter) ([]int, error)

	// SearchTickets runs a ranked full-text search (Spanish and English,
	// unaccented, with trigram matching for partial words and numbers) over
	// subjects and comments, restricted by q.Filter, keyset-paginated on
	// (Score, ID) descending.
	SearchTickets(ctx context.Context, tenant TenantID, q SearchQuery) (SearchPage, error)

	// StaleTickets returns up to limit numbers of tickets in status whose
	// status has not changed since before, oldest first: the work list of
	// the auto-close (Solved) and auto-solve (Pending) jobs.
	StaleTickets(ctx context.Context, tenant TenantID, status Status, before time.Time, limit int) ([]TicketNumber, error)

	// Group loads a group with its members.
	Group(ctx context.Context, tenant TenantID, id GroupID) (Group, error)

	// Category loads a category.
	Category(ctx context.Context, tenant TenantID, id CategoryID) (Category, error)

	// CustomFieldDefs lists the tenant's custom field definitions, active or
	// not, in the forms' order (position, then id).
	CustomFieldDefs(ctx context.Context, tenant TenantID) ([]CustomFieldDef, error)

	// TicketSettings returns the tenant's ticket settings, or
	// DefaultTicketSettings when it has none.
	TicketSettings(ctx context.Context, tenant TenantID) (TicketSettings, error)

	// OrganisationShares reports whether members of organisation org may see
	// each other's tickets.
	OrganisationShares(ctx context.Context, tenant TenantID, org OrganisationID) (bool, error)
}

// TicketUpdate is one save of a ticket: its new state, the version it was
// loaded at, the events that explain the change and an optional comment.
// Ticket.Version is already the new version: Expected+1, or more when one
// operation made several changes (a reply that also sets the status). The
// store writes it as given, guarded by "WHERE version = Expected".
type TicketUpdate struct {
	Ticket   Ticket
	Expected int // the version the ticket had when loaded
	Events   []Event
	Comment  *NewComment
}

// TicketSettings are a tenant's ticket rules.
type TicketSettings struct {
	Matrix PriorityMatrix
	// AutoCloseAfter is how long a ticket stays Solved before the system
	// closes it (DESIGN.md: default 4 days).
	AutoCloseAfter time.Duration
	// AutoSolveAfter is how long a ticket may stay Pending without an answer
	// before the system solves it; zero turns it off.
	AutoSolveAfter time.Duration
	// PendingRemindAfter is how long a ticket may stay Pending before the
	// requester is reminded; zero turns it off.
	PendingRemindAfter time.Duration
	Attachments        AttachmentLimits
	// DefaultGroup is where routing puts a new ticket its category did not
	// route (no category, or one without a default group); 0: none.
	DefaultGroup GroupID
	// RequireTime refuses a workspace submission that logs no time.
	RequireTime bool
}

// DefaultTicketSettings are the settings of a new desk.
func DefaultTicketSettings() TicketSettings {
	return TicketSettings{
		Matrix:         DefaultPriorityMatrix(),
		AutoCloseAfter: 4 * 24 * time.Hour,
		Attachments:    DefaultAttachmentLimits(),
	}
}

// TimelineScope says whose view of a timeline is wanted.
type TimelineScope int

const (
	// TimelineStaff is everything: replies, notes and every event.
	TimelineStaff TimelineScope = iota
	// TimelineCustomer is public comments only.
	TimelineCustomer
)

// TimelineEntry is one item of a ticket's history: exactly one of Comment
// and Event is set.
type TimelineEntry struct {
	At      time.Time
	Comment *Comment
	Event   *Event
}
