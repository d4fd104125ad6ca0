package helpdesk

import (
	"context"
	"encoding/base64"
	"math"
	"strconv"
	"strings"
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

// TicketSummary is a ticket as queues and lists show it: the narrow row plus
// display names, without side sets.
type TicketSummary struct {
	ID           TicketID
	Number       TicketNumber
	Subject      string
	Status       Status
	Priority     Priority
	Channel      Channel
	Requester    Requester
	Organisation OrganisationID
	Category     CategoryID
	Group        GroupID
	GroupName    string
	Assignee     UserID
	AssigneeName string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// NextDueAt is the next SLA target instant; zero when none applies.
	NextDueAt time.Time
	Version   int
}

// ForCustomer returns what a customer may see of s: on hold reads as open
// and the group is internal.
func (s TicketSummary) ForCustomer() TicketSummary {
	s.Status = s.Status.ForCustomer()
	s.Group, s.GroupName = 0, ""
	return s
}

// TicketPage is one page of a list. Next is the zero Cursor on the last page.
type TicketPage struct {
	Tickets []TicketSummary
	Next    Cursor
}

// SearchHit is a ticket found by full-text search.
type SearchHit struct {
	Ticket TicketSummary
	Score  float64
	// Snippet is plain text around the match (no markup: the view escapes
	// and highlights it).
	Snippet string
}

// SearchPage is one page of search results, best first.
type SearchPage struct {
	Hits []SearchHit
	Next Cursor
}

// Query limits.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
	MaxQueryLen     = 200 // characters of a text filter or search
	maxCursorLen    = 256
)

// AssigneeMode selects tickets by assignee.
type AssigneeMode string

const (
	AssigneeAny    AssigneeMode = ""       // no condition
	AssigneeMe     AssigneeMode = "me"     // the acting agent; the Service resolves it to AssigneeUser
	AssigneeNobody AssigneeMode = "nobody" // unassigned
	AssigneeAnyone AssigneeMode = "anyone" // assigned to someone
	AssigneeUser   AssigneeMode = "user"   // assigned to User
)

// AssigneeFilter selects tickets by assignee.
type AssigneeFilter struct {
	Mode AssigneeMode
	User UserID // with AssigneeUser
}

// CustomerScope restricts a query to what one customer may see: tickets they
// requested or follow, plus their organisation's when it shares them. Only
// the Service sets it, from the actor, never from submitted input.
type CustomerScope struct {
	User         UserID
	Organisation OrganisationID // zero unless the organisation shares tickets
}

// TicketFilter selects tickets. The zero value selects every ticket of the
// tenant; each set member narrows the selection (AND).
type TicketFilter struct {
	Statuses     []Status
	Assignee     AssigneeFilter
	Groups       []GroupID
	Priorities   []Priority
	Category     CategoryID
	Tag          string
	Channel      Channel
	Requester    UserID
	Organisation OrganisationID
	// MyGroups selects tickets of the groups the acting agent belongs to;
	// the Service resolves it into GroupsOf.
	MyGroups bool
	// GroupsOf selects tickets of the groups this user belongs to.
	GroupsOf UserID
	// Created and Updated bound the creation and last-update instants.
	Created TimeRange
	Updated TimeRange
	// Text matches the subject (partial words, trigram) or the number
	// ("1042", "#1042"); ranked full-text search is SearchTickets.
	Text     string
	Customer *CustomerScope
	// SLA narrows to tickets whose next SLA deadline is near or past (see
	// SLAView); SLANow is the instant it is measured from, which the
	// Service sets.
	SLA    SLAView
	SLANow time.Time
}

// TimeRange is a half-open interval [From, To); a zero end is unbounded.
type TimeRange struct {
	From, To time.Time
}

// IsZero reports whether the range bounds nothing.
func (r TimeRange) IsZero() bool { return r.From.IsZero() && r.To.IsZero() }

// Validate cleans f in place and checks every member. An assignee filter of
// AssigneeMe must have been resolved by the Service first.
func (f *TicketFilter) Validate() error {
	var v ValidationError
	for _, s := range f.Statuses {
		if !s.Valid() {
			v.Add("status", "error.invalid")
		}
	}
	for _, p := range f.Priorities {
		if !p.Valid() {
			v.Add("priority", "error.invalid")
		}
	}
	if !f.SLA.valid() {
		v.Add("sla", "error.invalid")
	}
	for _, g := range f.Groups {
		if g <= 0 {
			v.Add("group", "error.invalid")
		}
	}
	switch f.Assignee.Mode {
	case AssigneeAny, AssigneeNobody, AssigneeAnyone:
		f.Assignee.User = 0
	case AssigneeUser:
		if f.Assignee.User <= 0 {
			v.Add("assignee", "error.invalid")
		}
	default: // AssigneeMe unresolved, or unknown
		v.Add("assignee", "error.invalid")
	}
	if f.Channel != "" && !f.Channel.Valid() {
		v.Add("channel", "error.invalid")
	}
	if f.Category < 0 || f.Requester < 0 || f.Organisation < 0 {
		v.Add("filter", "error.invalid")
	}
	if f.Tag != "" {
		tags, err := NormaliseTags([]string{f.Tag})
		if err != nil || len(tags) != 1 {
			v.Add("tag", "error.invalid")
		} else {
			f.Tag = tags[0]
		}
	}
	f.Text = CleanLine(f.Text)
	if runeLen(f.Text) > MaxQueryLen {
		v.Add("q", "error.too_long")
	}
	if c := f.Customer; c != nil && (c.User <= 0 || c.Organisation < 0) {
		v.Add("filter", "error.invalid")
	}
	if f.MyGroups || f.GroupsOf < 0 { // MyGroups unresolved
		v.Add("group", "error.invalid")
	}
	for field, r := range map[string]TimeRange{"created": f.Created, "updated": f.Updated} {
		if !r.From.IsZero() && !r.To.IsZero() && !r.From.Before(r.To) {
			v.Add(field, "error.range")
		}
	}
	return v.Err()
}

// TicketQuery is one page request of a ticket list.
type TicketQuery struct {
	Filter TicketFilter
	Sort   Sort
	Cursor Cursor // zero: first page
	Limit  int    // 0: DefaultPageSize
}

// Validate cleans q in place: a zero Sort becomes the default (most recently
// updated first), a zero Limit DefaultPageSize. A cursor made for another
// sort, a relevance sort or a limit out of range is refused.
func (q *TicketQuery) Validate() error {
	if q.Sort == (Sort{}) {
		q.Sort = DefaultSort
	}
	if q.Limit == 0 {
		q.Limit = DefaultPageSize
	}
	var v ValidationError
	if err := q.Filter.Validate(); err != nil {
		mergeValidation(&v, err)
	}
	if !q.Sort.Key.valid() || q.Sort.Key == SortRelevance {
		v.Add("sort", "error.invalid")
	}
	if !q.Cursor.IsZero() && q.Cursor.Sort != q.Sort {
		v.Add("cursor", "error.invalid")
	}
	if q.Limit < 1 || q.Limit > MaxPageSize {
		v.Add("limit", "error.invalid")
	}
	return v.Err()
}

// SearchQuery is one page request of a full-text search.
type SearchQuery struct {
	Text   string
	Filter TicketFilter
	Cursor Cursor // zero: first page; otherwise a relevance cursor
	Limit  int
}

// Validate cleans q in place. The text is passed to the store as plain
// words: the store must build the tsquery with websearch_to_tsquery or
// plainto_tsquery, never by concatenation.
func (q *SearchQuery) Validate() error {
	if q.Limit == 0 {
		q.Limit = DefaultPageSize
	}
	q.Text = CleanLine(q.Text)
	var v ValidationError
	switch {
	case q.Text == "":
		v.Add("q", "error.required")
	case runeLen(q.Text) > MaxQueryLen:
		v.Add("q", "error.too_long")
	}
	if err := q.Filter.Validate(); err != nil {
		mergeValidation(&v, err)
	}
	if !q.Cursor.IsZero() && q.Cursor.Sort != relevanceSort {
		v.Add("cursor", "error.invalid")
	}
	if q.Limit < 1 || q.Limit > MaxPageSize {
		v.Add("limit", "error.invalid")
	}
	return v.Err()
}

func mergeValidation(v *ValidationError, err error) {
	if ve, ok := err.(*ValidationError); ok {
		for f, k := range ve.Fields {
			v.Add(f, k)
		}
	}
}

// SortKey is what a ticket list is ordered by.
type SortKey string

const (
	SortUpdated   SortKey = "updated"   // keyset (updated_at, id)
	SortCreated   SortKey = "created"   // keyset (created_at, id)
	SortPriority  SortKey = "priority"  // keyset (priority rank, updated_at, id)
	SortDue       SortKey = "due"       // keyset (next SLA due, id); no due instant sorts as +infinity
	SortRelevance SortKey = "relevance" // search only: keyset (score, id), best first
)

func (k SortKey) valid() bool {
	switch k {
	case SortUpdated, SortCreated, SortPriority, SortDue, SortRelevance:
		return true
	}
	return false
}

// Sort is a list order. Every key of the keyset runs in the same direction,
// with the ticket id as the final tie-breaker.
type Sort struct {
	Key  SortKey
	Desc bool
}

// DefaultSort shows the most recently updated tickets first.
var DefaultSort = Sort{Key: SortUpdated, Desc: true}

var relevanceSort = Sort{Key: SortRelevance, Desc: true}

// ParseSort reads "updated" (ascending) or "-updated" (descending); empty
// is DefaultSort. Only the known keys are accepted, so nothing submitted
// ever reaches SQL as a column name.
func ParseSort(s string) (Sort, error) {
	if s == "" {
		return DefaultSort, nil
	}
	desc := false
	if s[0] == '-' {
		desc, s = true, s[1:]
	}
	k := SortKey(s)
	if !k.valid() || k == SortRelevance {
		return Sort{}, invalid("sort", "error.invalid")
	}
	return Sort{Key: k, Desc: desc}, nil
}

func (s Sort) String() string {
	if s.Desc {
		return "-" + string(s.Key)
	}
	return string(s.Key)
}

// Cursor is the keyset position after the last row of a page: the sort key
// values of that row and its id. Clients see it only as the opaque String;
// ParseCursor validates what comes back. A forged cursor can only move the
// scan within the caller's own tenant and scope, because the query, not the
// cursor, carries those.
type Cursor struct {
	Sort  Sort
	Time  time.Time // updated_at, created_at or next due; zero for "no due instant"
	Rank  int       // priority rank, with SortPriority
	Score float64   // relevance, with SortRelevance
	ID    TicketID
}

// IsZero reports whether c is the start of the list.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// CursorAfter is the cursor that continues a list sorted by s after row last.
func CursorAfter(s Sort, last TicketSummary) Cursor {
	c := Cursor{Sort: s, ID: last.ID}
	switch s.Key {
	case SortUpdated:
		c.Time = last.UpdatedAt
	case SortCreated:
		c.Time = last.CreatedAt
	case SortPriority:
		c.Rank, c.Time = last.Priority.Rank(), last.UpdatedAt
	case SortDue:
		c.Time = last.NextDueAt
	}
	if !c.Time.IsZero() {
		c.Time = c.Time.UTC().Truncate(time.Microsecond)
	}
	return c
}

// CursorAfterHit is the cursor that continues a search after hit last.
func CursorAfterHit(last SearchHit) Cursor {
	return Cursor{Sort: relevanceSort, Score: last.Score, ID: last.Ticket.ID}
}

// String encodes c as an opaque, URL-safe token; the zero Cursor is "".
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	ts := "-"
	if !c.Time.IsZero() {
		ts = strconv.FormatInt(c.Time.UnixMicro(), 10)
	}
	raw := strings.Join([]string{
		"1", c.Sort.String(), ts, strconv.Itoa(c.Rank),
		strconv.FormatFloat(c.Score, 'g', -1, 64), strconv.FormatInt(int64(c.ID), 10),
	}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// Cursor times are kept in microseconds, the precision of timestamptz, so a
// cursor compares exactly with the stored value.
var (
	minCursorTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxCursorTime = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ParseCursor decodes a token made by String for a list sorted by want.
// Empty is the zero Cursor. Anything malformed, or made for another sort,
// is a *ValidationError on "cursor".
func ParseCursor(s string, want Sort) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	bad := invalid("cursor", "error.invalid")
	if len(s) > maxCursorLen {
		return Cursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	p := strings.Split(string(raw), "|")
	if len(p) != 6 || p[0] != "1" {
		return Cursor{}, bad
	}
	var c Cursor
	if c.Sort, err = parseCursorSort(p[1]); err != nil || c.Sort != want {
		return Cursor{}, bad
	}
	if p[2] != "-" {
		us, err := strconv.ParseInt(p[2], 10, 64)
		if err != nil {
			return Cursor{}, bad
		}
		c.Time = time.UnixMicro(us).UTC()
		if c.Time.Before(minCursorTime) || c.Time.After(maxCursorTime) {
			return Cursor{}, bad
		}
	}
	if c.Rank, err = strconv.Atoi(p[3]); err != nil {
		return Cursor{}, bad
	}
	if c.Score, err = strconv.ParseFloat(p[4], 64); err != nil || math.IsNaN(c.Score) || math.IsInf(c.Score, 0) {
		return Cursor{}, bad
	}
	id, err := strconv.ParseInt(p[5], 10, 64)
	if err != nil || id <= 0 {
		return Cursor{}, bad
	}
	c.ID = TicketID(id)
	// Each sort carries exactly the values of its keyset.
	switch c.Sort.Key {
	case SortUpdated, SortCreated:
		if c.Time.IsZero() || c.Rank != 0 || c.Score != 0 {
			return Cursor{}, bad
		}
	case SortPriority:
		if c.Time.IsZero() || c.Rank < 1 || c.Rank > 4 || c.Score != 0 {
			return Cursor{}, bad
		}
	case SortDue:
		if c.Rank != 0 || c.Score != 0 {
			return Cursor{}, bad
		}
	case SortRelevance:
		if !c.Time.IsZero() || c.Rank != 0 {
			return Cursor{}, bad
		}
	}
	return c, nil
}

func parseCursorSort(s string) (Sort, error) {
	if s == relevanceSort.String() {
		return relevanceSort, nil
	}
	return ParseSort(s)
}
