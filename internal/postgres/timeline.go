package postgres

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Timeline queries: one batch, one round trip. Events about a comment are
// folded into the comment's entry (they are not returned on their own).
// They name the ticket as @ticket; the ticket page's batch names it by
// number instead (timelineByNumber), so that they need not wait for its id.
const (
	timelineCommentsSQL = `SELECT id, visibility, author_kind, coalesce(author_id, 0), author_name, channel,
		body, html, coalesce(merged_from, 0), created_at
	FROM comments WHERE tenant_id = @tenant AND ticket_id = @ticket AND (NOT @public_only OR visibility = 'public')
	ORDER BY created_at, id`
	timelineFilesSQL = `SELECT a.comment_id, a.id, a.filename, a.content_type, a.size
	FROM attachments a
	WHERE a.tenant_id = @tenant AND a.ticket_id = @ticket
	ORDER BY a.comment_id, a.position`
	timelineEventsSQL = `SELECT id, kind, actor_kind, coalesce(actor_id, 0), actor_name, at, field, from_text, to_text,
		from_id, to_id
	FROM events WHERE tenant_id = @tenant AND ticket_id = @ticket AND comment_id IS NULL
	ORDER BY at, id`
	// ticketOfNumber is the id of ticket @number, for statements that
	// run in the same batch as the ticket's own read. PostgreSQL computes
	// it once per statement (an InitPlan) and then uses the ticket_id
	// indexes as with a parameter.
	ticketOfNumber = `(SELECT id FROM tickets WHERE tenant_id = @tenant AND number = @number)`
)

// timelineSQL are the timeline's statements with the ticket named one way.
type timelineSQL struct{ comments, files, events string }

var (
	timelineByID     = timelineSQL{timelineCommentsSQL, timelineFilesSQL, timelineEventsSQL}
	timelineByNumber = timelineSQL{
		strings.ReplaceAll(timelineCommentsSQL, "@ticket", ticketOfNumber),
		strings.ReplaceAll(timelineFilesSQL, "@ticket", ticketOfNumber),
		strings.ReplaceAll(timelineEventsSQL, "@ticket", ticketOfNumber),
	}
)

// timelineReader collects the rows of the timeline statements queued in a
// batch. ticket is read when the rows arrive, so a batch that loads the
// ticket first may fill it in from there.
type timelineReader struct {
	ticket   *helpdesk.TicketID
	comments []*helpdesk.Comment
	events   []*helpdesk.Event
}

// queue queues the timeline's statements on b with a's @tenant and @ticket
// or @number (as q names it) and @public_only; events only for staff.
func (r *timelineReader) queue(b *pgx.Batch, q timelineSQL, a pgx.NamedArgs, staff bool) {
	byID := map[int64]*helpdesk.Comment{}
	queueNamed(b, q.comments, a).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			c := &helpdesk.Comment{Ticket: *r.ticket}
			var id, author, merged int64
			var vis, kind, channel string
			if err := rows.Scan(&id, &vis, &kind, &author, &c.Author.Name, &channel, &c.Body, &c.HTML, &merged, &c.CreatedAt); err != nil {
				return err
			}
			c.ID, c.Visibility, c.Channel = helpdesk.CommentID(id), helpdesk.CommentVisibility(vis), helpdesk.Channel(channel)
			c.Author.Kind, c.Author.User = helpdesk.AuthorKind(kind), helpdesk.UserID(author)
			c.MergedFrom, c.CreatedAt = helpdesk.TicketNumber(merged), c.CreatedAt.UTC()
			r.comments = append(r.comments, c)
			byID[id] = c
		}
		return rows.Err()
	})
	queueNamed(b, q.files, a).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var comment, id int64
			var f helpdesk.Attachment
			if err := rows.Scan(&comment, &id, &f.Filename, &f.ContentType, &f.Size); err != nil {
				return err
			}
			f.ID = helpdesk.AttachmentID(id)
			if c := byID[comment]; c != nil { // files of hidden notes stay hidden
				c.Attachments = append(c.Attachments, f)
			}
		}
		return rows.Err()
	})
	if !staff {
		return
	}
	queueNamed(b, q.events, a).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			e := &helpdesk.Event{Ticket: *r.ticket}
			var id, actor int64
			var kind, actorKind string
			if err := rows.Scan(&id, &kind, &actorKind, &actor, &e.Actor.Name, &e.At, &e.Field, &e.From, &e.To, &e.FromID, &e.ToID); err != nil {
				return err
			}
			e.ID, e.Kind, e.At = helpdesk.EventID(id), helpdesk.EventKind(kind), e.At.UTC()
			e.Actor.Kind, e.Actor.User = helpdesk.AuthorKind(actorKind), helpdesk.UserID(actor)
			r.events = append(r.events, e)
		}
		return rows.Err()
	})
}

// entries returns the rows read by time; at the same instant a comment
// comes before the events (it is inserted first), and each kind keeps its
// insertion order.
func (r *timelineReader) entries() []helpdesk.TimelineEntry {
	out := make([]helpdesk.TimelineEntry, 0, len(r.comments)+len(r.events))
	for _, c := range r.comments {
		out = append(out, helpdesk.TimelineEntry{At: c.CreatedAt, Comment: c})
	}
	for _, e := range r.events {
		out = append(out, helpdesk.TimelineEntry{At: e.At, Event: e})
	}
	// Stable: each kind is already in (time, id) order.
	slices.SortStableFunc(out, func(x, y helpdesk.TimelineEntry) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return cmp.Compare(entryRank(x), entryRank(y))
	})
	return out
}

// Timeline returns the ticket's comments and events by time.
func (s *Store) Timeline(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, scope helpdesk.TimelineScope) ([]helpdesk.TimelineEntry, error) {
	r := timelineReader{ticket: &ticket}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		// A ticket of another tenant, or none, is ErrNotFound rather than an
		// empty history: the check goes in the batch (the other statements
		// find nothing for such a ticket), not in a round trip of its own.
		// Anything but the staff scope is the customer's view.
		a := pgx.NamedArgs{"tenant": int64(tenant), "ticket": int64(ticket), "public_only": scope != helpdesk.TimelineStaff}
		b := &pgx.Batch{}
		var exists bool
		b.Queue(`SELECT EXISTS (SELECT FROM tickets WHERE tenant_id = @tenant AND id = @ticket)`, a).QueryRow(func(row pgx.Row) error {
			return row.Scan(&exists)
		})
		r.queue(b, timelineByID, a, scope == helpdesk.TimelineStaff)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		if !exists {
			return pgx.ErrNoRows
		}
		return nil
	})
	if err != nil {
		return nil, mapErr(err, "timeline of ticket %d", ticket)
	}
	return r.entries(), nil
}

func entryRank(e helpdesk.TimelineEntry) int {
	if e.Comment != nil {
		return 0
	}
	return 1
}
