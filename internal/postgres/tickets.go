package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

var _ helpdesk.Store = (*Store)(nil)

// ticketArgs are the columns of the ticket row that the domain decides.
// next_due_at is not among them: the SLA engine owns it.
func ticketArgs(tenant helpdesk.TenantID, t *helpdesk.Ticket) pgx.NamedArgs {
	var guestName, guestEmail *string
	if t.Requester.IsGuest() {
		guestName, guestEmail = &t.Requester.Name, &t.Requester.Email
	}
	return pgx.NamedArgs{
		"tenant":               int64(tenant),
		"subject":              t.Subject,
		"status":               string(t.Status),
		"priority":             t.Priority.Rank(),
		"priority_overridden":  t.PriorityOverridden,
		"urgency":              string(t.Urgency),
		"impact":               string(t.Impact),
		"channel":              string(t.Channel),
		"requester_id":         toID(t.Requester.User),
		"guest_name":           guestName,
		"guest_email":          guestEmail,
		"organisation_id":      toID(t.Organisation),
		"category_id":          toID(t.Category),
		"group_id":             toID(t.Group),
		"assignee_id":          toID(t.Assignee),
		"merged_into_id":       toID(t.MergedInto.ID),
		"status_changed_at":    t.StatusChangedAt,
		"created_at":           t.CreatedAt,
		"updated_at":           t.UpdatedAt,
		"first_reply_at":       toTime(t.FirstReplyAt),
		"solved_at":            toTime(t.SolvedAt),
		"closed_at":            toTime(t.ClosedAt),
		"waiting_since":        toTime(t.RequesterWaitingSince),
		"public_agent_replies": t.PublicAgentReplies,
		"reopens":              t.Reopens,
		"assignee_changes":     t.AssigneeChanges,
		"group_changes":        t.GroupChanges,
		"escalations":          t.Escalations,
		"version":              t.Version,
	}
}

// checkTicket refuses values the schema would refuse with a less helpful
// error, and a ticket of another tenant (a bug in the caller).
func checkTicket(tenant helpdesk.TenantID, t *helpdesk.Ticket) error {
	switch {
	case t.Tenant != 0 && t.Tenant != tenant:
		return fmt.Errorf("postgres: ticket of tenant %d saved in tenant %d", t.Tenant, tenant)
	case !t.Status.Valid():
		return fmt.Errorf("postgres: ticket status %q", t.Status)
	case !t.Priority.Valid():
		return fmt.Errorf("postgres: ticket priority %q", t.Priority)
	}
	return nil
}

// The ticket number comes from the tenant's sequence (next_ticket_number,
// migrations/00045), taken in the statement that inserts the ticket: no
// row stays locked until commit, so a desk's creations do not queue for
// each other. The subject becomes the ticket's first search document.
const insertTicketSQL = `WITH n AS (
	SELECT next_ticket_number(@tenant) AS last_number
), t AS (
	INSERT INTO tickets (tenant_id, number, subject, status, priority, priority_overridden, urgency, impact, channel,
		requester_id, guest_name, guest_email, organisation_id, category_id, group_id, assignee_id, merged_into_id,
		status_changed_at, created_at, updated_at, first_reply_at, solved_at, closed_at, requester_waiting_since,
		public_agent_replies, reopens, assignee_changes, group_changes, escalations, version)
	SELECT @tenant, n.last_number, @subject, @status, @priority, @priority_overridden, @urgency, @impact, @channel,
		@requester_id, @guest_name, @guest_email, @organisation_id, @category_id, @group_id, @assignee_id, @merged_into_id,
		@status_changed_at, @created_at, @updated_at, @first_reply_at, @solved_at, @closed_at, @waiting_since,
		@public_agent_replies, @reopens, @assignee_changes, @group_changes, @escalations, @version
	FROM n
	RETURNING id, number
), s AS (
	INSERT INTO ticket_search (tenant_id, ticket_id, public, words, document)
	SELECT @tenant, t.id, true, atiende_norm(@subject), setweight(atiende_tsvector(@subject), 'A') FROM t
)
SELECT id, number FROM t`

// CreateTicket inserts t with the tenant's next number, its side sets, its
// first comment with the attachments and its events, in two round trips.
func (s *Store) CreateTicket(ctx context.Context, tenant helpdesk.TenantID, t helpdesk.Ticket, first helpdesk.NewComment, events []helpdesk.Event) (helpdesk.Ticket, error) {
	if err := checkTicket(tenant, &t); err != nil {
		return helpdesk.Ticket{}, err
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if err := insertTicket(ctx, tx, tenant, &t); err != nil {
			return err
		}
		b := &pgx.Batch{}
		var commentID int64
		queueTicketRest(b, tenant, &t, &first, events, &commentID)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return helpdesk.Ticket{}, mapErr(err, "create ticket")
	}
	return createdTicket(t), nil
}

// insertTicket runs insertTicketSQL for t and sets its id and number.
func insertTicket(ctx context.Context, tx pgx.Tx, tenant helpdesk.TenantID, t *helpdesk.Ticket) error {
	if t.Version < 1 {
		t.Version = 1
	}
	var id, number int64
	if err := tx.QueryRow(ctx, insertTicketSQL, ticketArgs(tenant, t)).Scan(&id, &number); err != nil {
		return err
	}
	t.ID, t.Number, t.Tenant = helpdesk.TicketID(id), helpdesk.TicketNumber(number), tenant
	return nil
}

// queueTicketRest queues what follows a new ticket's row: its side sets,
// its first comment with the attachments, and its events.
func queueTicketRest(b *pgx.Batch, tenant helpdesk.TenantID, t *helpdesk.Ticket, first *helpdesk.NewComment, events []helpdesk.Event, commentID *int64) {
	queueSideSets(b, tenant, t)
	queueComment(b, tenant, t.ID, first, events, commentID)
}

// createdTicket is t as stored: instants at the database's precision.
func createdTicket(t helpdesk.Ticket) helpdesk.Ticket {
	t.StatusChangedAt, t.CreatedAt, t.UpdatedAt = micro(t.StatusChangedAt), micro(t.CreatedAt), micro(t.UpdatedAt)
	t.FirstReplyAt, t.SolvedAt, t.ClosedAt = micro(t.FirstReplyAt), micro(t.SolvedAt), micro(t.ClosedAt)
	t.RequesterWaitingSince = micro(t.RequesterWaitingSince)
	return t
}

// updateTicketSQL writes the ticket if it is still at the expected version.
// The stored version becomes the domain's (every mutation adds one, and an
// operation may make several), and always grows. A changed subject adds a
// search document (old holds the subject before the update: same snapshot).
const updateTicketSQL = `WITH old AS (
	SELECT subject FROM tickets WHERE tenant_id = @tenant AND id = @id
), u AS (
	UPDATE tickets SET subject = @subject, status = @status, priority = @priority,
		priority_overridden = @priority_overridden, urgency = @urgency, impact = @impact, channel = @channel,
		requester_id = @requester_id, guest_name = @guest_name, guest_email = @guest_email,
		organisation_id = @organisation_id, category_id = @category_id, group_id = @group_id,
		assignee_id = @assignee_id, merged_into_id = @merged_into_id,
		status_changed_at = @status_changed_at, updated_at = @updated_at,
		first_reply_at = @first_reply_at, solved_at = @solved_at, closed_at = @closed_at,
		requester_waiting_since = @waiting_since,
		public_agent_replies = @public_agent_replies, reopens = @reopens, assignee_changes = @assignee_changes,
		group_changes = @group_changes, escalations = @escalations,
		version = greatest(@version::integer, version + 1)
	WHERE tenant_id = @tenant AND id = @id AND version = @expected
	RETURNING subject
), s AS (
	INSERT INTO ticket_search (tenant_id, ticket_id, public, words, document)
	SELECT @tenant, @id, true, atiende_norm(u.subject), setweight(atiende_tsvector(u.subject), 'A')
	FROM u, old WHERE u.subject <> old.subject
)
SELECT count(*) FROM u`

// SaveTicket writes u.Ticket if the stored version is still u.Expected,
// then, in one more round trip, its side sets (only the differences are
// written), the comment with its attachments, and the events.
func (s *Store) SaveTicket(ctx context.Context, tenant helpdesk.TenantID, u helpdesk.TicketUpdate) (helpdesk.CommentID, error) {
	t := &u.Ticket
	if err := checkTicket(tenant, t); err != nil {
		return 0, err
	}
	var commentID int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		args := ticketArgs(tenant, t)
		args["id"], args["expected"] = int64(t.ID), u.Expected
		var n int
		if err := tx.QueryRow(ctx, updateTicketSQL, args).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			var v int
			err := tx.QueryRow(ctx, `SELECT version FROM tickets WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(t.ID)).Scan(&v)
			if err != nil {
				return err // ErrNoRows: not found
			}
			return fmt.Errorf("ticket %s is at version %d, not %d: %w", t.Number, v, u.Expected, helpdesk.ErrConflict)
		}
		b := &pgx.Batch{}
		queueSideSets(b, tenant, t)
		if u.Comment != nil {
			queueComment(b, tenant, t.ID, u.Comment, u.Events, &commentID)
		} else if len(u.Events) > 0 {
			queueEvents(b, tenant, t.ID, u.Events)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return helpdesk.CommentID(commentID), mapErr(err, "save ticket %s", t.Number)
}

// Side sets are written as differences: what is no longer wanted is
// deleted, what is new is inserted, and an unchanged set writes nothing
// (no dead rows on every save). Each statement is one entry of the batch.
const (
	saveTagsSQL = `WITH del AS (
		DELETE FROM ticket_tags WHERE tenant_id = @tenant AND ticket_id = @ticket AND tag <> ALL (@tags::text[])
	)
	INSERT INTO ticket_tags (tenant_id, ticket_id, tag)
	SELECT @tenant, @ticket, x FROM unnest(@tags::text[]) AS x
	ON CONFLICT DO NOTHING`

	saveFollowersSQL = `WITH del AS (
		DELETE FROM ticket_followers WHERE tenant_id = @tenant AND ticket_id = @ticket AND user_id <> ALL (@users::bigint[])
	)
	INSERT INTO ticket_followers (tenant_id, ticket_id, user_id)
	SELECT @tenant, @ticket, x FROM unnest(@users::bigint[]) AS x
	ON CONFLICT DO NOTHING`

	saveFieldsSQL = `WITH del AS (
		DELETE FROM ticket_field_values WHERE tenant_id = @tenant AND ticket_id = @ticket AND field_id <> ALL (@ids::bigint[])
	)
	INSERT INTO ticket_field_values AS v (tenant_id, ticket_id, field_id, type, value_text, value_number, value_date, value_bool)
	SELECT @tenant, @ticket, x.id, x.type, x.t, x.n, x.d, x.b
	FROM unnest(@ids::bigint[], @types::text[], @texts::text[], @numbers::float8[], @dates::date[], @bools::boolean[])
		AS x(id, type, t, n, d, b)
	ON CONFLICT (tenant_id, ticket_id, field_id) DO UPDATE
		SET type = excluded.type, value_text = excluded.value_text, value_number = excluded.value_number,
			value_date = excluded.value_date, value_bool = excluded.value_bool
		WHERE (v.type, v.value_text, v.value_number, v.value_date, v.value_bool)
			IS DISTINCT FROM (excluded.type, excluded.value_text, excluded.value_number, excluded.value_date, excluded.value_bool)`

	saveLinksSQL = `WITH want AS (
		SELECT k, id, n FROM unnest(@kinds::text[], @targets::bigint[]) WITH ORDINALITY AS x(k, id, n)
	), del AS (
		DELETE FROM ticket_links l WHERE l.tenant_id = @tenant AND l.ticket_id = @ticket
			AND NOT EXISTS (SELECT FROM want WHERE want.k = l.kind AND want.id = l.target_id)
	)
	INSERT INTO ticket_links AS l (tenant_id, ticket_id, kind, target_id, position)
	SELECT @tenant, @ticket, k, id, n FROM want
	ON CONFLICT (tenant_id, ticket_id, kind, target_id) DO UPDATE SET position = excluded.position
		WHERE l.position <> excluded.position`
)

func queueSideSets(b *pgx.Batch, tenant helpdesk.TenantID, t *helpdesk.Ticket) {
	queueSets(b, tenant, t, false)
}

// queueNewSideSets is queueSideSets for a ticket that has none stored
// yet: an empty set has nothing to write, and is left out of the batch.
func queueNewSideSets(b *pgx.Batch, tenant helpdesk.TenantID, t *helpdesk.Ticket) {
	queueSets(b, tenant, t, true)
}

// queueSets queues the side sets' statements, those of empty sets too
// unless skipEmpty.
func queueSets(b *pgx.Batch, tenant helpdesk.TenantID, t *helpdesk.Ticket, skipEmpty bool) {
	base := func() pgx.NamedArgs { return pgx.NamedArgs{"tenant": int64(tenant), "ticket": int64(t.ID)} }

	if !skipEmpty || len(t.Tags) > 0 {
		a := base()
		a["tags"] = nonNil(t.Tags)
		b.Queue(saveTagsSQL, a)
	}
	if !skipEmpty || len(t.Followers) > 0 {
		queueFollowers(b, base(), t)
	}
	if !skipEmpty || len(t.Fields) > 0 {
		queueFields(b, base(), t)
	}
	if !skipEmpty || len(t.Links) > 0 {
		a := base()
		kinds, targets := make([]string, 0, len(t.Links)), make([]int64, 0, len(t.Links))
		for _, l := range t.Links {
			kinds, targets = append(kinds, string(l.Kind)), append(targets, int64(l.Ticket.ID))
		}
		a["kinds"], a["targets"] = kinds, targets
		b.Queue(saveLinksSQL, a)
	}
}

func queueFollowers(b *pgx.Batch, a pgx.NamedArgs, t *helpdesk.Ticket) {
	users := make([]int64, 0, len(t.Followers))
	for _, u := range t.Followers {
		users = append(users, int64(u))
	}
	a["users"] = users
	b.Queue(saveFollowersSQL, a)
}

func queueFields(b *pgx.Batch, a pgx.NamedArgs, t *helpdesk.Ticket) {
	n := len(t.Fields)
	ids, types := make([]int64, 0, n), make([]string, 0, n)
	texts, numbers := make([]*string, 0, n), make([]*float64, 0, n)
	dates, bools := make([]*time.Time, 0, n), make([]*bool, 0, n)
	for _, f := range t.Fields {
		ids, types = append(ids, int64(f.Field)), append(types, string(f.Type))
		var text *string
		var number *float64
		var date *time.Time
		var flag *bool
		switch f.Type {
		case helpdesk.FieldNumber:
			number = &f.Number
		case helpdesk.FieldDate:
			d := time.Date(f.Date.Year(), f.Date.Month(), f.Date.Day(), 0, 0, 0, 0, time.UTC)
			date = &d
		case helpdesk.FieldCheckbox:
			flag = &f.Bool
		default: // text, dropdown
			text = &f.Text
		}
		texts, numbers, dates, bools = append(texts, text), append(numbers, number), append(dates, date), append(bools, flag)
	}
	a["ids"], a["types"], a["texts"], a["numbers"], a["dates"], a["bools"] = ids, types, texts, numbers, dates, bools
	b.Queue(saveFieldsSQL, a)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// StaleTickets lists tickets in status whose status has not changed since
// before, oldest first. Pending and solved use the small tickets_waiting
// index; the status is a literal from a fixed list so the planner can
// match that partial index.
func (s *Store) StaleTickets(ctx context.Context, tenant helpdesk.TenantID, status helpdesk.Status, before time.Time, limit int) ([]helpdesk.TicketNumber, error) {
	lit, ok := statusLiterals[status]
	if !ok {
		return nil, fmt.Errorf("postgres: stale tickets: %w", invalidField("status"))
	}
	if limit <= 0 {
		return nil, nil
	}
	q := `SELECT number FROM tickets WHERE tenant_id = $1 AND status = ` + lit + `
		AND status_changed_at < $2 ORDER BY status_changed_at, id LIMIT $3`
	var out []helpdesk.TicketNumber
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, int64(tenant), before, limit)
		if err != nil {
			return err
		}
		nums, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		for _, n := range nums {
			out = append(out, helpdesk.TicketNumber(n))
		}
		return err
	})
	return out, mapErr(err, "stale %s tickets", status)
}

// invalidField is the validation error the store returns for a query value
// the domain should have refused.
func invalidField(field string) error {
	return &helpdesk.ValidationError{Fields: map[string]string{field: "error.invalid"}}
}
