package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// eventsInsert is the INSERT that turns the event arrays into rows, in the
// order given, so their ids (and the timeline) keep that order. comment is
// the SQL for the id of the comment saved in the same statement, if any.
func eventsInsert(comment string) string {
	return `INSERT INTO events (tenant_id, ticket_id, kind, actor_kind, actor_id, actor_name, at,
		field, from_text, to_text, from_id, to_id, comment_id)
	SELECT @tenant, @ticket, e.kind, e.actor_kind, nullif(e.actor_id, 0), e.actor_name, e.at,
		e.field, e.from_text, e.to_text, e.from_id, e.to_id,
		CASE WHEN e.needs THEN ` + comment + ` ELSE nullif(e.comment_id, 0) END
	FROM unnest(@ev_kinds::text[], @ev_actor_kinds::text[], @ev_actor_ids::bigint[], @ev_actor_names::text[],
		@ev_ats::timestamptz[], @ev_fields::text[], @ev_froms::text[], @ev_tos::text[],
		@ev_from_ids::bigint[], @ev_to_ids::bigint[], @ev_comments::bigint[], @ev_needs::boolean[])
		WITH ORDINALITY AS e(kind, actor_kind, actor_id, actor_name, at, field, from_text, to_text,
			from_id, to_id, comment_id, needs, n)
	ORDER BY e.n`
}

var insertEventsSQL = eventsInsert("NULL")

// eventArgs adds the event arrays to a.
func eventArgs(a pgx.NamedArgs, events []helpdesk.Event) {
	n := len(events)
	kinds, actorKinds, actorNames := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	fields, froms, tos := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	actorIDs, fromIDs, toIDs, comments := make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n)
	ats, needs := make([]time.Time, 0, n), make([]bool, 0, n)
	for _, e := range events {
		kinds, actorKinds, actorNames = append(kinds, string(e.Kind)), append(actorKinds, string(e.Actor.Kind)), append(actorNames, e.Actor.Name)
		fields, froms, tos = append(fields, e.Field), append(froms, e.From), append(tos, e.To)
		actorIDs, fromIDs, toIDs = append(actorIDs, int64(e.Actor.User)), append(fromIDs, e.FromID), append(toIDs, e.ToID)
		comments, ats, needs = append(comments, int64(e.Comment)), append(ats, e.At), append(needs, e.NeedsComment())
	}
	a["ev_kinds"], a["ev_actor_kinds"], a["ev_actor_ids"], a["ev_actor_names"] = kinds, actorKinds, actorIDs, actorNames
	a["ev_ats"], a["ev_fields"], a["ev_froms"], a["ev_tos"] = ats, fields, froms, tos
	a["ev_from_ids"], a["ev_to_ids"], a["ev_comments"], a["ev_needs"] = fromIDs, toIDs, comments, needs
}

func queueEvents(b *pgx.Batch, tenant helpdesk.TenantID, ticket helpdesk.TicketID, events []helpdesk.Event) {
	a := pgx.NamedArgs{"tenant": int64(tenant), "ticket": int64(ticket)}
	eventArgs(a, events)
	b.Queue(insertEventsSQL, a)
}

// insertCommentSQL stores a comment, its search document, its files (blob
// and description, under one random id) and the events of the same change,
// in one statement. f is materialised once (it is read twice and calls a
// volatile function), so blob and attachment share the id.
var insertCommentSQL = `WITH c AS (
	INSERT INTO comments (tenant_id, ticket_id, visibility, author_kind, author_id, author_name, channel, body, html, created_at)
	VALUES (@tenant, @ticket, @visibility, @author_kind, @author_id, @author_name, @channel, @body, @html, @created_at)
	RETURNING id
), s AS (
	INSERT INTO ticket_search (tenant_id, ticket_id, comment_id, public, document)
	SELECT @tenant, @ticket, c.id, @visibility = 'public', setweight(atiende_tsvector(@body), 'C') FROM c
), f AS (
	SELECT atiende_random_id() AS id, x.name, x.type, x.data, x.n
	FROM unnest(@att_names::text[], @att_types::text[], @att_data::bytea[]) WITH ORDINALITY AS x(name, type, data, n)
), b AS (
	INSERT INTO attachment_blobs (tenant_id, id, data) SELECT @tenant, f.id, f.data FROM f
), a AS (
	INSERT INTO attachments (tenant_id, id, ticket_id, comment_id, blob_id, position, filename, content_type, size)
	SELECT @tenant, f.id, @ticket, c.id, f.id, f.n, f.name, f.type, octet_length(f.data) FROM f, c
), e AS (
	` + eventsInsert("(SELECT id FROM c)") + `
)
SELECT id FROM c`

// queueComment queues the insertion of c with its files and events; id
// receives the new comment's id when the batch is read.
func queueComment(b *pgx.Batch, tenant helpdesk.TenantID, ticket helpdesk.TicketID, c *helpdesk.NewComment, events []helpdesk.Event, id *int64) {
	a := pgx.NamedArgs{
		"tenant": int64(tenant), "ticket": int64(ticket),
		"visibility": string(c.Visibility), "author_kind": string(c.Author.Kind), "author_id": toID(c.Author.User),
		"author_name": c.Author.Name, "channel": string(c.Channel), "body": c.Body, "html": c.HTML,
		"created_at": c.CreatedAt,
	}
	names, types, data := make([]string, 0, len(c.Attachments)), make([]string, 0, len(c.Attachments)), make([][]byte, 0, len(c.Attachments))
	for _, f := range c.Attachments {
		names, types, data = append(names, f.Filename), append(types, f.ContentType), append(data, f.Data)
	}
	a["att_names"], a["att_types"], a["att_data"] = names, types, data
	eventArgs(a, events)
	b.Queue(insertCommentSQL, a).QueryRow(func(row pgx.Row) error { return row.Scan(id) })
}

// copyCommentsSQL copies the comments of ticket @from into @to in their
// order, keeping authors and times, with their search documents and their
// files (new random ids on the same blobs). copied_from_id ties each copy to
// its source so the files follow.
const copyCommentsSQL = `WITH src AS (
	SELECT c.* FROM comments c WHERE c.tenant_id = @tenant AND c.ticket_id = @from
), num AS (
	SELECT number FROM tickets WHERE tenant_id = @tenant AND id = @from
), ins AS (
	INSERT INTO comments (tenant_id, ticket_id, visibility, author_kind, author_id, author_name, channel,
		body, html, merged_from, copied_from_id, created_at)
	SELECT @tenant, @to, CASE WHEN @keep THEN src.visibility ELSE 'internal' END, src.author_kind, src.author_id,
		src.author_name, src.channel, src.body, src.html, (SELECT number FROM num), src.id, src.created_at
	FROM src ORDER BY src.created_at, src.id
	RETURNING id, copied_from_id, visibility
), s AS (
	INSERT INTO ticket_search (tenant_id, ticket_id, comment_id, public, document)
	SELECT @tenant, @to, ins.id, ins.visibility = 'public', setweight(atiende_tsvector(src.body), 'C')
	FROM ins JOIN src ON src.id = ins.copied_from_id
)
INSERT INTO attachments (tenant_id, id, ticket_id, comment_id, blob_id, position, filename, content_type, size)
SELECT @tenant, atiende_random_id(), @to, ins.id, a.blob_id, a.position, a.filename, a.content_type, a.size
FROM ins JOIN attachments a ON a.tenant_id = @tenant AND a.comment_id = ins.copied_from_id`

// CopyComments copies every comment of ticket from into ticket to (a
// merge). With keepVisibility false every copy is an internal note.
func (s *Store) CopyComments(ctx context.Context, tenant helpdesk.TenantID, from, to helpdesk.TicketID, keepVisibility bool) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		// Both tickets must exist in this tenant: a missing one would
		// otherwise copy nothing, or fail on a foreign key.
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM tickets WHERE tenant_id = $1 AND id IN ($2, $3)`,
			int64(tenant), int64(from), int64(to)).Scan(&n); err != nil {
			return err
		}
		if n != 2 || from == to {
			return pgx.ErrNoRows
		}
		_, err := tx.Exec(ctx, copyCommentsSQL, pgx.NamedArgs{
			"tenant": int64(tenant), "from": int64(from), "to": int64(to), "keep": keepVisibility,
		})
		return err
	})
	return mapErr(err, "copy comments of ticket %d to %d", from, to)
}
