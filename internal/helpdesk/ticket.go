package helpdesk

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// GroupID identifies a group (team) inside a tenant.
type GroupID int64

// CategoryID identifies a ticket category inside a tenant; 0 means none.
type CategoryID int64

// Group is a team tickets are routed to. Tier orders groups for escalation
// (1 = first line). Members are the agents who may be assigned its tickets.
type Group struct {
	ID      GroupID
	Name    string
	Tier    int
	Members []UserID
	// Leads are the members flagged as group leads (escalation notices).
	Leads []UserID
	// Assignment says how the group's new tickets find an agent (the
	// routing rules read it; the admin pages set it).
	Assignment AssignmentMode
	// ArchivedAt is when the group was archived; zero while in use. An
	// archived group takes no new tickets; old tickets keep it.
	ArchivedAt time.Time
}

// Archived reports whether g is archived.
func (g Group) Archived() bool { return !g.ArchivedAt.IsZero() }

// IsLead reports whether member u is a lead of g.
func (g Group) IsLead(u UserID) bool { return slices.Contains(g.Leads, u) }

// AssignmentMode is how a group assigns its new tickets.
type AssignmentMode string

// The assignment modes of migrations/00008_routing_settings.sql.
const (
	AssignManual      AssignmentMode = "manual"
	AssignLeastLoaded AssignmentMode = "least_loaded"
	AssignRoundRobin  AssignmentMode = "round_robin"
)

// AssignmentModes lists the modes in the order the admin pages offer them.
func AssignmentModes() []AssignmentMode {
	return []AssignmentMode{AssignManual, AssignLeastLoaded, AssignRoundRobin}
}

// ParseAssignmentMode reads a stored or submitted mode.
func ParseAssignmentMode(s string) (AssignmentMode, error) {
	if slices.Contains(AssignmentModes(), AssignmentMode(s)) {
		return AssignmentMode(s), nil
	}
	return "", invalid("assignment", "error.invalid")
}

// HasMember reports whether agent u belongs to g.
func (g Group) HasMember(u UserID) bool { return slices.Contains(g.Members, u) }

// Category classifies tickets; routing maps categories to groups.
type Category struct {
	ID   CategoryID
	Name string
	// Description is shown to customers choosing a category.
	Description string
	// DefaultGroup and DefaultPriority are what new tickets of the
	// category start with (zero / "": none); the routing rules read them.
	DefaultGroup    GroupID
	DefaultPriority Priority
	// Internal categories are not offered in the portal (agents set them);
	// the others are (portal_visible in the schema).
	Internal bool
	// Position orders the pickers (then the name).
	Position int
	// ArchivedAt is when the category was archived; zero while in use.
	// Archived categories are offered nowhere; old tickets keep them.
	ArchivedAt time.Time
}

// Archived reports whether c is archived.
func (c Category) Archived() bool { return !c.ArchivedAt.IsZero() }

// Requester is who the ticket is for: a user of the tenant, or a guest known
// only by name and email until they are upgraded to a user (see ClaimGuest).
type Requester struct {
	User  UserID // zero for a guest
	Name  string
	Email string
}

// IsGuest reports whether the requester has no account.
func (r Requester) IsGuest() bool { return r.User == 0 }

// TicketRef names another ticket of the same tenant.
type TicketRef struct {
	ID     TicketID
	Number TicketNumber
}

// IsZero reports whether r names no ticket.
func (r TicketRef) IsZero() bool { return r.ID == 0 && r.Number == 0 }

// LinkKind says how two tickets relate.
type LinkKind string

const (
	LinkRelated     LinkKind = "related"
	LinkDuplicateOf LinkKind = "duplicate_of" // this ticket repeats the linked one
	LinkFollowUpOf  LinkKind = "follow_up_of" // opened by a reply to the linked, closed ticket
)

// ParseLinkKind turns a stored or submitted value into a LinkKind.
func ParseLinkKind(s string) (LinkKind, error) {
	switch k := LinkKind(s); k {
	case LinkRelated, LinkDuplicateOf, LinkFollowUpOf:
		return k, nil
	}
	return "", invalid("link", "error.invalid")
}

func (k LinkKind) String() string { return string(k) }

// Link is a relation from this ticket to another. Links are stored on the
// ticket that made them only, so a closed ticket (read-only) can still be
// the target of a link; stores show incoming links by querying the target.
type Link struct {
	Kind   LinkKind
	Ticket TicketRef
}

// Ticket is the state of one ticket: the narrow, hot row plus the small
// sets loaded with it (tags, custom field values, followers, links). Long
// text lives in comments: the description is the first comment.
//
// Mutate a Ticket only through its lifecycle methods: each one either
// applies completely and returns the events to persist, or fails and leaves
// the ticket exactly as it was.
type Ticket struct {
	ID           TicketID
	Tenant       TenantID
	Number       TicketNumber
	Subject      string
	Requester    Requester
	Organisation OrganisationID
	Channel      Channel
	Category     CategoryID

	Priority Priority
	// PriorityOverridden is set when an agent chose the priority, so a later
	// change of urgency or impact does not replace the agent's choice.
	PriorityOverridden bool
	Urgency            Urgency
	Impact             Impact

	Status          Status
	StatusChangedAt time.Time // when Status last changed; drives auto-solve of Pending
	Group           GroupID
	Assignee        UserID // zero when unassigned

	// Display names of the rows Group, Assignee and Category point at. The
	// store loads them with the ticket (joins); they are not columns of the
	// ticket row. The lifecycle methods keep them in step, so events can say
	// "from Ana to Luis" without another lookup.
	GroupName    string
	AssigneeName string
	CategoryName string

	Tags      []string           // normalised, unique, sorted
	Fields    []CustomFieldValue // sorted by field id, one per field
	Followers []UserID           // sorted, unique
	Links     []Link
	// MergedInto is the ticket this one was merged into (it is then closed).
	MergedInto TicketRef

	// Zero time means "not yet".
	CreatedAt    time.Time
	UpdatedAt    time.Time
	FirstReplyAt time.Time // first public agent reply
	SolvedAt     time.Time // last time it became solved; cleared on reopen
	ClosedAt     time.Time
	// RequesterWaitingSince is the requester's last public message that no
	// public agent reply has followed; zero while nobody waits. The
	// time-based anchor AnchorRequesterWaiting counts from it.
	RequesterWaitingSince time.Time

	// Counters the metrics read without scanning history; each equals a
	// count of events (see docs/lifecycle.md).
	PublicAgentReplies int
	Reopens            int
	AssigneeChanges    int
	GroupChanges       int // includes escalations
	Escalations        int

	// Version increases by one with every change; saves check it so that two
	// agents editing one ticket never overwrite each other.
	Version int

	// quiet marks a change whose requester must not be written to: a
	// ticket opened or answered by bulk or list mail, or opened by an agent
	// who chose no acknowledgement. It is not stored; it rides the ticket
	// through one operation (creation, triggers, follow-up).
	quiet bool
}

// Ref returns a reference to t.
func (t *Ticket) Ref() TicketRef { return TicketRef{ID: t.ID, Number: t.Number} }

// Clone returns a deep copy of t: no slice is shared with the original.
func (t Ticket) Clone() Ticket {
	c := t
	c.Tags = slices.Clone(t.Tags)
	c.Fields = slices.Clone(t.Fields)
	c.Followers = slices.Clone(t.Followers)
	c.Links = slices.Clone(t.Links)
	return c
}

// Field returns the value of custom field id, if set.
func (t *Ticket) Field(id CustomFieldID) (CustomFieldValue, bool) {
	for _, v := range t.Fields {
		if v.Field == id {
			return v, true
		}
	}
	return CustomFieldValue{}, false
}

// IsFollower reports whether u follows t.
func (t *Ticket) IsFollower(u UserID) bool {
	_, ok := slices.BinarySearch(t.Followers, u)
	return ok
}

// ForCustomer returns what a customer may see of t: on hold reads as open,
// and internal data (tags, group, followers, links to other tickets,
// counters, custom fields not marked customer-visible) is removed. The
// assignee's name stays: the portal shows who is handling the request.
func (t Ticket) ForCustomer(defs []CustomFieldDef) Ticket {
	c := t.Clone()
	c.Status = t.Status.ForCustomer()
	c.Tags = nil
	c.Group, c.GroupName = 0, ""
	c.Followers = nil
	c.Links = nil
	c.PriorityOverridden = false
	c.PublicAgentReplies, c.Reopens, c.AssigneeChanges, c.GroupChanges, c.Escalations = 0, 0, 0, 0, 0
	visible := map[CustomFieldID]bool{}
	for _, d := range defs {
		if d.CustomerVisible {
			visible[d.ID] = true
		}
	}
	c.Fields = slices.DeleteFunc(c.Fields, func(v CustomFieldValue) bool { return !visible[v.Field] })
	return c
}

// Tag limits.
const (
	MaxTags      = 30
	MaxTagLength = 50 // characters
)

// NormaliseTags turns submitted tags into the stored set: each input may hold
// several tags separated by commas or white space (as typed in one box);
// tags are lower-cased, deduplicated and sorted. Letters, digits and
// "_-.:/" are allowed; anything else is refused rather than silently
// rewritten, so what the agent sees is what was stored.
func NormaliseTags(in []string) ([]string, error) {
	var out []string
	for _, s := range in {
		for _, tag := range strings.FieldsFunc(CleanLine(s), func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			tag = strings.ToLower(tag)
			if runeLen(tag) > MaxTagLength {
				return nil, invalid("tags", "error.too_long")
			}
			for _, r := range tag {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_-.:/", r) {
					return nil, invalid("tags", "error.tag_invalid")
				}
			}
			out = append(out, tag)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxTags {
		return nil, invalid("tags", "error.tags_too_many")
	}
	return out, nil
}
