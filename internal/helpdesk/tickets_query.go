package helpdesk

import (
	"errors"
	"time"
)

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
	// Bounded says the text matched more documents than a search ranks:
	// the hits are the best of the most recently written matches (the
	// store's bound), and a more specific text would rank older ones too.
	Bounded bool
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
	var ve *ValidationError
	if errors.As(err, &ve) {
		for f, k := range ve.Fields {
			v.Add(f, k)
		}
	}
}
