package helpdesk

import (
	"fmt"
	"time"
)

// EventID identifies a history event inside a tenant.
type EventID int64

// EventKind says what happened to a ticket. Events are append-only and are
// the single source for history, audit and metrics.
type EventKind string

// Event kinds. Every status change is exactly one event carrying Field
// "status": status_changed in general, reopened when it leaves Solved for an
// unsolved status, closed when it reaches Closed.
const (
	EventCreated            EventKind = "created"
	EventStatusChanged      EventKind = "status_changed"
	EventReopened           EventKind = "reopened"
	EventClosed             EventKind = "closed"
	EventPriorityChanged    EventKind = "priority_changed"    // proposed by the matrix or set by automation
	EventPriorityOverridden EventKind = "priority_overridden" // set by an agent over the proposal
	EventAssigned           EventKind = "assigned"            // assignee changed; To is empty when unassigned
	EventGroupChanged       EventKind = "group_changed"
	EventEscalated          EventKind = "escalated" // group changed to a higher tier
	EventCategoryChanged    EventKind = "category_changed"
	EventTagsChanged        EventKind = "tags_changed"
	EventFieldChanged       EventKind = "field_changed" // urgency, impact, custom fields
	EventCommentAdded       EventKind = "comment_added" // public reply
	EventNoteAdded          EventKind = "note_added"    // internal note
	EventFollowerAdded      EventKind = "follower_added"
	EventFollowerRemoved    EventKind = "follower_removed"
	EventMerged             EventKind = "merged"         // on the ticket merged away
	EventMergeReceived      EventKind = "merge_received" // on the ticket merged into
	EventLinked             EventKind = "linked"
	EventMarkedDuplicate    EventKind = "marked_duplicate"
	EventRequesterChanged   EventKind = "requester_changed"
	EventSLABreached        EventKind = "sla_breached"  // Field: the metric; At: the instant of the breach
	EventSLAEscalated       EventKind = "sla_escalated" // Field: the metric; From: percent; To: the actions; ToID: the level
)

// EventKinds lists every kind, for stores that check them and for tests.
func EventKinds() []EventKind {
	return []EventKind{
		EventCreated, EventStatusChanged, EventReopened, EventClosed, EventPriorityChanged,
		EventPriorityOverridden, EventAssigned, EventGroupChanged, EventEscalated,
		EventCategoryChanged, EventTagsChanged, EventFieldChanged, EventCommentAdded,
		EventNoteAdded, EventFollowerAdded, EventFollowerRemoved, EventMerged,
		EventMergeReceived, EventLinked, EventMarkedDuplicate, EventRequesterChanged,
		EventRated, EventSLABreached, EventSLAEscalated, EventAutomation, EventNotificationQueued,
		EventAutomationFailed, EventCCAdded, EventCCRemoved,
	}
}

// ParseEventKind turns a stored value into an EventKind.
func ParseEventKind(s string) (EventKind, error) {
	for _, k := range EventKinds() {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("helpdesk: unknown event kind %q", s)
}

func (k EventKind) String() string { return string(k) }

// Field names carried by events, so history can label the change.
const (
	FieldStatus     = "status"
	FieldPriority   = "priority"
	FieldUrgency    = "urgency"
	FieldImpact     = "impact"
	FieldAssignee   = "assignee"
	FieldGroup      = "group"
	FieldCategory   = "category"
	FieldTags       = "tags"
	FieldFollower   = "follower"
	FieldMergedInto = "merged_into"
	FieldMergedFrom = "merged_from"
	FieldLink       = "link"
	FieldRequester  = "requester"
	FieldSubject    = "subject"
	FieldComment    = "comment"
	// Custom fields use "field:" followed by the definition's key.
	customFieldPrefix = "field:"
)

// Event is one change to a ticket: who, when, what changed from what to
// what. From and To are display strings (names, numbers "#1042", status
// words); FromID and ToID carry the ids behind them (user, group, category,
// ticket) when there are any, so metrics need not parse display text.
type Event struct {
	ID     EventID  // assigned by the store
	Ticket TicketID // assigned by the store when the ticket is created with it
	Kind   EventKind
	Actor  Author
	At     time.Time
	Field  string
	From   string
	To     string
	FromID int64
	ToID   int64
	// Comment is the comment a comment_added or note_added event is about.
	// Zero on an event decided before its comment was stored: the store
	// fills it in with the comment it saves in the same call.
	Comment CommentID
}

// StatusChange reports the statuses of a status event.
func (e Event) StatusChange() (from, to Status, ok bool) {
	if e.Field != FieldStatus {
		return "", "", false
	}
	return Status(e.From), Status(e.To), true
}

// NeedsComment reports whether the store must set e.Comment to the comment
// saved in the same call: the description of a created ticket, or a reply
// or note.
func (e Event) NeedsComment() bool {
	return e.Comment == 0 && (e.Kind == EventCreated || e.Kind == EventCommentAdded || e.Kind == EventNoteAdded)
}
