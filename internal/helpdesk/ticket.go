package helpdesk

import (
	"errors"
	"math"
	"slices"
	"strconv"
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

// CustomFieldID identifies a custom field definition inside a tenant.
type CustomFieldID int64

// FieldType is the type of a custom field.
type FieldType string

const (
	FieldText     FieldType = "text"     // one line, up to MaxFieldTextLen characters
	FieldNumber   FieldType = "number"   // finite decimal
	FieldDate     FieldType = "date"     // calendar date, no time zone
	FieldDropdown FieldType = "dropdown" // one of the definition's options
	// FieldMultiSelect is any number of the definition's options, kept in
	// the options' order and joined by MultiSelectSeparator in Text.
	FieldMultiSelect FieldType = "multiselect"
	FieldCheckbox    FieldType = "checkbox"
)

// ParseFieldType turns a stored or submitted value into a FieldType.
func ParseFieldType(s string) (FieldType, error) {
	switch t := FieldType(s); t {
	case FieldText, FieldNumber, FieldDate, FieldDropdown, FieldMultiSelect, FieldCheckbox:
		return t, nil
	}
	return "", invalid("type", "error.invalid")
}

func (t FieldType) String() string { return string(t) }

// FieldTypes lists the types in the order the admin pages offer them.
func FieldTypes() []FieldType {
	return []FieldType{FieldText, FieldNumber, FieldDate, FieldDropdown, FieldMultiSelect, FieldCheckbox}
}

// HasOptions reports whether fields of type t choose among options.
func (t FieldType) HasOptions() bool { return t == FieldDropdown || t == FieldMultiSelect }

// MultiSelectSeparator joins the chosen options of a multi-select value,
// in forms and in storage. No option can contain it (CleanLine).
const MultiSelectSeparator = "\n"

// Custom field limits.
const (
	MaxFieldTextLen = 1000 // characters of a text value
	MaxFieldOptions = 200
	maxFieldNumber  = 1e15 // beyond this, float64 stops holding every integer
	fieldDateLayout = "2006-01-02"
)

// CustomFieldOption is one choice of a dropdown: Value is stored, Label shown.
type CustomFieldOption struct {
	Value string
	Label string
}

// CustomFieldDef is an admin-defined ticket field (e.g. "location"). The
// definitions are tenant data.
type CustomFieldDef struct {
	ID      CustomFieldID
	Key     string // stable machine name: [a-z][a-z0-9_]{0,39}
	Label   string
	Type    FieldType
	Options []CustomFieldOption // dropdown and multi-select only
	// CustomerVisible fields appear in the portal: customers fill them in
	// when opening a ticket and see their values.
	CustomerVisible bool
	// Required fields must be filled in by a customer opening a ticket (only
	// meaningful with CustomerVisible); a required checkbox must be ticked.
	Required bool
	// AgentRequired fields may not be cleared by staff once set, and must
	// be set before staff solve the ticket.
	AgentRequired bool
	// Position orders the forms (then the id).
	Position int
	Active   bool
}

// Validate checks a definition as an admin submits it.
func (d *CustomFieldDef) Validate() error {
	d.Label = CleanLine(d.Label)
	var v ValidationError
	if !validFieldKey(d.Key) {
		v.Add("key", "error.invalid")
	}
	switch {
	case d.Label == "":
		v.Add("label", "error.required")
	case runeLen(d.Label) > MaxNameLen:
		v.Add("label", "error.too_long")
	}
	if _, err := ParseFieldType(string(d.Type)); err != nil {
		v.Add("type", "error.invalid")
	}
	if d.Type.HasOptions() {
		seen := map[string]bool{}
		if len(d.Options) == 0 || len(d.Options) > MaxFieldOptions {
			v.Add("options", "error.invalid")
		}
		for i := range d.Options {
			o := &d.Options[i]
			o.Value, o.Label = CleanLine(o.Value), CleanLine(o.Label)
			if o.Value == "" || o.Label == "" || seen[o.Value] || runeLen(o.Value) > MaxNameLen || runeLen(o.Label) > MaxNameLen {
				v.Add("options", "error.invalid")
			}
			seen[o.Value] = true
		}
	} else if len(d.Options) > 0 {
		v.Add("options", "error.invalid")
	}
	return v.Err()
}

func validFieldKey(k string) bool {
	if k == "" || len(k) > 40 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// CustomFieldValue is the value of one custom field on one ticket. Only the
// member matching Type is meaningful.
type CustomFieldValue struct {
	Field  CustomFieldID
	Type   FieldType
	Text   string    // text, and the option value of a dropdown
	Number float64   // number
	Date   time.Time // date, at 00:00 UTC
	Bool   bool      // checkbox
}

// String renders v as history and forms show it (dates as 2006-01-02,
// checkboxes as true/false); Parse reads it back.
func (v CustomFieldValue) String() string {
	switch v.Type {
	case FieldNumber:
		return formatNumber(v.Number)
	case FieldDate:
		return v.Date.Format(fieldDateLayout)
	case FieldCheckbox:
		if v.Bool {
			return "true"
		}
		return "false"
	}
	return v.Text
}

// Parse reads a submitted value for d. An empty raw value (after trimming)
// means "clear the field" and returns ok=false, except for a checkbox, where
// it means unticked. Numbers accept a decimal comma ("12,5").
func (d CustomFieldDef) Parse(raw string) (v CustomFieldValue, ok bool, err error) {
	field := customFieldPrefix + d.Key
	v = CustomFieldValue{Field: d.ID, Type: d.Type}
	if d.Type == FieldMultiSelect {
		return d.parseMulti(raw)
	}
	raw = CleanLine(raw)
	if raw == "" && d.Type != FieldCheckbox {
		return v, false, nil
	}
	switch d.Type {
	case FieldText:
		if runeLen(raw) > MaxFieldTextLen {
			return v, false, invalid(field, "error.too_long")
		}
		v.Text = raw
	case FieldNumber:
		n, err := parseNumber(raw)
		if err != nil {
			return v, false, invalid(field, "error.number")
		}
		v.Number = n
	case FieldDate:
		t, err := time.Parse(fieldDateLayout, raw)
		if err != nil {
			return v, false, invalid(field, "error.date")
		}
		v.Date = t
	case FieldDropdown:
		if !slices.ContainsFunc(d.Options, func(o CustomFieldOption) bool { return o.Value == raw }) {
			return v, false, invalid(field, "error.invalid")
		}
		v.Text = raw
	case FieldCheckbox:
		switch strings.ToLower(raw) {
		case "", "false", "off", "0", "no":
		case "true", "on", "1", "yes":
			v.Bool = true
		default:
			return v, false, invalid(field, "error.invalid")
		}
	default:
		return v, false, invalid(field, "error.invalid")
	}
	return v, true, nil
}

// parseMulti reads the chosen options of a multi-select, separated by
// MultiSelectSeparator; none chosen clears the field. Every choice must be
// one of d's options; the value keeps the options' order, once each.
func (d CustomFieldDef) parseMulti(raw string) (CustomFieldValue, bool, error) {
	v := CustomFieldValue{Field: d.ID, Type: d.Type}
	chosen := map[string]bool{}
	for _, part := range strings.Split(raw, MultiSelectSeparator) {
		part = CleanLine(part)
		if part == "" {
			continue
		}
		if !slices.ContainsFunc(d.Options, func(o CustomFieldOption) bool { return o.Value == part }) {
			return v, false, invalid(customFieldPrefix+d.Key, "error.invalid")
		}
		chosen[part] = true
	}
	if len(chosen) == 0 {
		return v, false, nil
	}
	var out []string
	for _, o := range d.Options {
		if chosen[o.Value] {
			out = append(out, o.Value)
		}
	}
	v.Text = strings.Join(out, MultiSelectSeparator)
	return v, true, nil
}

// Values splits a multi-select value into its options.
func (v CustomFieldValue) Values() []string {
	if v.Type != FieldMultiSelect || v.Text == "" {
		return nil
	}
	return strings.Split(v.Text, MultiSelectSeparator)
}

// missing reports whether v (ok=false: unset) fails d's Required rule.
func (d CustomFieldDef) missing(v CustomFieldValue, ok bool) bool {
	return d.Required && (!ok || (d.Type == FieldCheckbox && !v.Bool))
}

// parseNumber accepts "12", "-3.5" and, as Spanish users type it, "12,5".
func parseNumber(s string) (float64, error) {
	if !strings.Contains(s, ".") && strings.Count(s, ",") == 1 {
		s = strings.Replace(s, ",", ".", 1)
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || math.Abs(n) >= maxFieldNumber {
		return 0, errors.New("helpdesk: not a number")
	}
	return n, nil
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }
