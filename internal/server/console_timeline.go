package server

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// timelineEntries turns a staff timeline into display entries. Entries
// after seen (a conflict's "since you loaded the ticket") are marked new.
// Events that only announce a comment are left out: the comment itself is
// in the timeline.
func timelineEntries(l i18n.Lang, loc *time.Location, t helpdesk.Tenant, n helpdesk.TicketNumber, entries []helpdesk.TimelineEntry, seen time.Time) []console.Entry {
	out := make([]console.Entry, 0, len(entries))
	for _, e := range entries {
		isNew := !seen.IsZero() && e.At.After(seen)
		switch {
		case e.Comment != nil:
			c := e.Comment
			ce := console.Entry{
				ID:     "c" + strconv.FormatInt(int64(c.ID), 10),
				Kind:   console.EntryReply,
				Author: authorName(l, c.Author),
				Staff:  c.Author.Kind.FromDesk(),
				Text:   c.Body,
				Quoted: helpdesk.QuotedHistory(c.HTML),
				At:     formatTime(l, loc, c.CreatedAt),
				AtISO:  isoTime(c.CreatedAt),
				New:    isNew,
			}
			if c.Visibility == helpdesk.Internal {
				ce.Kind = console.EntryNote
			}
			if c.MergedFrom != 0 {
				ce.MergedFrom = c.MergedFrom.String()
			}
			for _, a := range c.Attachments {
				ce.Attachments = append(ce.Attachments, console.AttachmentView{
					Name: a.Filename,
					URL:  consoleTicketPath(t, n, "/attachments/"+strconv.FormatInt(int64(a.ID), 10)),
					Size: formatBytes(l, a.Size),
				})
			}
			out = append(out, ce)
		case e.Event != nil:
			ev := *e.Event
			text, ok := eventSentence(l, ev)
			if !ok {
				continue
			}
			out = append(out, console.Entry{
				ID:     "e" + strconv.FormatInt(int64(ev.ID), 10),
				Kind:   console.EntryEvent,
				Author: authorName(l, ev.Actor),
				Text:   text,
				At:     formatTime(l, loc, ev.At),
				AtISO:  isoTime(ev.At),
				New:    isNew,
			})
		}
	}
	return out
}

func authorName(l i18n.Lang, a helpdesk.Author) string {
	switch {
	case a.Name != "":
		return a.Name
	case a.Kind == helpdesk.AuthorSystem:
		return l.T("console.event.system")
	}
	return l.T("console.event.someone")
}

// eventSentence says what an event did, as a sentence: "Carlos Ruiz cambió
// la prioridad de Media a Alta". ok is false for events that need no line
// of their own (a comment's, whose comment is shown).
func eventSentence(l i18n.Lang, e helpdesk.Event) (string, bool) {
	who := authorName(l, e.Actor)
	none := l.T("console.event.none")
	or := func(s string) string {
		if s == "" {
			return none
		}
		return s
	}
	switch e.Kind {
	case helpdesk.EventCreated, helpdesk.EventCommentAdded, helpdesk.EventNoteAdded:
		return "", false
	case helpdesk.EventStatusChanged:
		return l.T("console.event.status", who, statusLabel(l, helpdesk.Status(e.From)), statusLabel(l, helpdesk.Status(e.To))), true
	case helpdesk.EventReopened:
		return l.T("console.event.reopened", who, statusLabel(l, helpdesk.Status(e.To))), true
	case helpdesk.EventClosed:
		return l.T("console.event.closed", who), true
	case helpdesk.EventPriorityOverridden:
		return l.T("console.event.priority", who, priorityLabel(l, helpdesk.Priority(e.From)), priorityLabel(l, helpdesk.Priority(e.To))), true
	case helpdesk.EventPriorityChanged:
		if e.From == "" {
			return l.T("console.event.priority_set", priorityLabel(l, helpdesk.Priority(e.To))), true
		}
		return l.T("console.event.priority_proposed", priorityLabel(l, helpdesk.Priority(e.From)), priorityLabel(l, helpdesk.Priority(e.To))), true
	case helpdesk.EventAssigned:
		switch {
		case e.To == "" && e.ToID == 0:
			return l.T("console.event.unassigned", who, or(e.From)), true
		case e.FromID == 0:
			if e.ToID == int64(e.Actor.User) && e.Actor.User != 0 {
				return l.T("console.event.took", who), true
			}
			return l.T("console.event.assigned", who, or(e.To)), true
		}
		return l.T("console.event.reassigned", who, or(e.From), or(e.To)), true
	case helpdesk.EventGroupChanged:
		return l.T("console.event.group", who, or(e.From), or(e.To)), true
	case helpdesk.EventEscalated:
		return l.T("console.event.escalated", who, or(e.From), or(e.To)), true
	case helpdesk.EventCategoryChanged:
		return l.T("console.event.category", who, or(e.From), or(e.To)), true
	case helpdesk.EventTagsChanged:
		added, removed := tagDiff(strings.Fields(e.From), strings.Fields(e.To))
		switch {
		case len(removed) == 0:
			return l.N("console.event.tags_added", len(added), who, strings.Join(added, ", ")), true
		case len(added) == 0:
			return l.N("console.event.tags_removed", len(removed), who, strings.Join(removed, ", ")), true
		}
		return l.T("console.event.tags_changed", who, strings.Join(added, ", "), strings.Join(removed, ", ")), true
	case helpdesk.EventFieldChanged:
		switch e.Field {
		case helpdesk.FieldUrgency:
			return l.T("console.event.urgency", who, levelLabel(l, e.From), levelLabel(l, e.To)), true
		case helpdesk.FieldImpact:
			return l.T("console.event.impact", who, levelLabel(l, e.From), levelLabel(l, e.To)), true
		}
		return l.T("console.event.field", who, strings.TrimPrefix(e.Field, "field:"), or(e.From), or(e.To)), true
	case helpdesk.EventFollowerAdded:
		return l.T("console.event.follower_added", who, or(e.To)), true
	case helpdesk.EventFollowerRemoved:
		return l.T("console.event.follower_removed", who, or(e.From)), true
	case helpdesk.EventCCAdded:
		return l.T("console.event.cc_added", who, or(e.To)), true
	case helpdesk.EventCCRemoved:
		return l.T("console.event.cc_removed", who, or(e.From)), true
	case helpdesk.EventLinked:
		return l.T("console.event.linked", who, e.To), true
	case helpdesk.EventMarkedDuplicate:
		return l.T("console.event.duplicate", who, e.To), true
	case helpdesk.EventMerged:
		return l.T("console.event.merged", who, e.To), true
	case helpdesk.EventMergeReceived:
		return l.T("console.event.merge_received", who, e.To), true
	case helpdesk.EventRequesterChanged:
		return l.T("console.event.requester", who, or(e.From), or(e.To)), true
	case helpdesk.EventRated:
		switch {
		case e.From == "":
			return l.T("console.event.rated", who, e.To), true
		case e.From != e.To:
			return l.T("console.event.rating_changed", who, e.From, e.To), true
		}
		return l.T("console.event.rating_comment", who), true
	case helpdesk.EventSLABreached, helpdesk.EventSLAEscalated:
		return slaEventSentence(l, e), true
	case helpdesk.EventAutomation:
		return l.T("routing.event.rule", e.To), true
	case helpdesk.EventAutomationFailed:
		return l.T("automation.event.failed", e.To, l.T(msgKey("routing.act.", e.From)), failureReason(l, helpdesk.RunFailure(e.Field))), true
	case helpdesk.EventNotificationQueued:
		if e.From == string(helpdesk.IntentPendingReminder) {
			return l.T("routing.event.reminder"), true
		}
		return l.T("routing.event.notify", l.T(msgKey("routing.recipient.", e.To))), true
	}
	return l.T("console.event.other", who, e.Kind.String()), true
}

// levelLabel names an urgency or impact level.
func levelLabel(l i18n.Lang, level string) string {
	if level == "" {
		return l.T("console.event.none")
	}
	return l.T(msgKey("console.level.", level))
}

// tagDiff returns the tags in to but not in from, and those in from but not
// in to.
func tagDiff(from, to []string) (added, removed []string) {
	for _, t := range to {
		if !slices.Contains(from, t) {
			added = append(added, t)
		}
	}
	for _, f := range from {
		if !slices.Contains(to, f) {
			removed = append(removed, f)
		}
	}
	return added, removed
}

// changeSentences names what happened after seen, for a conflict notice.
func changeSentences(l i18n.Lang, entries []console.Entry) []string {
	var out []string
	for _, e := range entries {
		if !e.New {
			continue
		}
		switch e.Kind {
		case console.EntryEvent:
			out = append(out, e.Text)
		case console.EntryNote:
			out = append(out, l.T("console.change.note", e.Author))
		default:
			out = append(out, l.T("console.change.reply", e.Author))
		}
	}
	return out
}
