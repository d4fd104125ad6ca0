package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

const ticketStampSQL = `SELECT id, number, version, updated_at FROM tickets WHERE tenant_id = $1 AND number = $2`

// TicketStamp loads the identity and version of ticket n.
func (s *Store) TicketStamp(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber) (helpdesk.TicketStamp, error) {
	var st helpdesk.TicketStamp
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var id, number int64
		if err := tx.QueryRow(ctx, ticketStampSQL, int64(tenant), int64(n)).Scan(&id, &number, &st.Version, &st.UpdatedAt); err != nil {
			return err
		}
		st.ID, st.Number, st.UpdatedAt = helpdesk.TicketID(id), helpdesk.TicketNumber(number), st.UpdatedAt.UTC()
		return nil
	})
	return st, mapErr(err, "ticket %d", n)
}

// The statements of VisitTicket, sent as one batch. The ticket is named by
// its number throughout, so nothing waits for its id.
const (
	visitStampSQL = `SELECT id, number, version, updated_at FROM tickets WHERE tenant_id = @tenant AND number = @number`
	// visitPruneSQL keeps the table to the agents present now: a report
	// removes the tenant's expired ones, at most once per pruneEvery (see
	// prunes). It runs after the report's own row is
	// written and skips rows another report holds, so it never waits: two agents pruning each
	// other's expired rows while touching their own would otherwise
	// deadlock (seen under load by make bench: a ticket page answered 409).
	// The expired rows are found once (through the primary key, which
	// tenant_id leads: migration 00043 dropped the index on seen_at so
	// that a refreshed report is a HOT update) and each is deleted through
	// the primary key. Deleting "WHERE ctid = ANY (…)"
	// instead read every presence row of the desk on every report under
	// row-level security (1,362 rows filtered per view of a 40-agent desk
	// under load, make bench large); joined back on the key through IN,
	// the planner may rescan the desk's rows once per present row, and so
	// may a join to a subquery (seen under load: the table's statistics
	// are usually those of a quiet moment), hence the materialized rows.
	// It is sent only when due. Sent with every report, a parameter
	// gating both scans, it did nothing nine times in ten, yet PostgreSQL
	// planned it afresh in a third of the views (0.38 ms each, make bench
	// medium): with the gate false its custom plan is a one-time filter,
	// so the generic plan kept losing the comparison.
	visitPruneSQL = `WITH x AS MATERIALIZED (
	SELECT ticket_id, user_id FROM ticket_presence
	WHERE tenant_id = @tenant AND seen_at < @expired
	FOR UPDATE SKIP LOCKED)
DELETE FROM ticket_presence p USING x
WHERE p.tenant_id = @tenant AND p.ticket_id = x.ticket_id AND p.user_id = x.user_id`
	// visitTouchSQL leaves a report of the same state younger than
	// presenceFresh as it is: a reload or a second tab writes nothing new
	// (the existing row is only locked), and the report stays at most that
	// much older than the last look. Workspaces report every 10 s and
	// reports last 30 s (helpdesk.PresenceTTL), so nobody expires early; a
	// change of state (typing or not) is always written.
	visitTouchSQL = `INSERT INTO ticket_presence AS p (tenant_id, ticket_id, user_id, state, seen_at)
SELECT t.tenant_id, t.id, @user, @state, @at FROM tickets t WHERE t.tenant_id = @tenant AND t.number = @number
ON CONFLICT (tenant_id, ticket_id, user_id) DO UPDATE SET state = excluded.state, seen_at = excluded.seen_at
WHERE p.state <> excluded.state OR p.seen_at <= excluded.seen_at - interval '` + presenceFresh + `'
	OR p.seen_at > excluded.seen_at`
	// visitPresentSQL names the ticket by a scalar subquery so that the
	// primary key (tenant, ticket, user) finds its few rows. As a join,
	// the planner — whose statistics of this churning table are usually
	// those of a quiet moment — ranged over ticket_presence_seen instead
	// and filtered every report of the desk's last half minute: 1,300
	// rows on each view of a 40-agent desk under load (make bench, large).
	// The names are looked up per row for the same reason: joined, a
	// merge join may walk the desk's users up to the present agents' ids.
	visitPresentSQL = `SELECT p.user_id,
	(SELECT u.name FROM users u WHERE u.tenant_id = p.tenant_id AND u.id = p.user_id) AS name,
	p.state = 'typing', p.seen_at
FROM ticket_presence p
WHERE p.tenant_id = @tenant
AND p.ticket_id = (SELECT t.id FROM tickets t WHERE t.tenant_id = @tenant AND t.number = @number)
AND p.seen_at >= @since
ORDER BY name, p.user_id`
	// visitPresentIDsSQL is visitPresentSQL without the names (see
	// helpdesk.Visit.Unnamed).
	visitPresentIDsSQL = `SELECT p.user_id, '', p.state = 'typing', p.seen_at
FROM ticket_presence p
WHERE p.tenant_id = @tenant
AND p.ticket_id = (SELECT t.id FROM tickets t WHERE t.tenant_id = @tenant AND t.number = @number)
AND p.seen_at >= @since
ORDER BY p.user_id`
	// visitDraftSQL reads the visitor's own draft: the user is part of the
	// key, so it never returns another agent's text.
	visitDraftSQL = `SELECT d.ticket_id, d.body, d.public, d.updated_at
FROM tickets t
JOIN reply_drafts d ON d.tenant_id = t.tenant_id AND d.ticket_id = t.id AND d.user_id = @user
WHERE t.tenant_id = @tenant AND t.number = @number`
)

// VisitTicket records and reads a workspace's presence on ticket n in one
// round trip (see helpdesk.Visit).
func (s *Store) VisitTicket(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber, v helpdesk.Visit) (helpdesk.Visited, error) {
	var out helpdesk.Visited
	args := visitArgs(tenant, n, v)
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		queueNamed(b, visitStampSQL, args).QueryRow(func(row pgx.Row) error {
			var id, number int64
			if err := row.Scan(&id, &number, &out.Ticket.Version, &out.Ticket.UpdatedAt); err != nil {
				return err
			}
			out.Ticket.ID, out.Ticket.Number, out.Ticket.UpdatedAt = helpdesk.TicketID(id), helpdesk.TicketNumber(number), out.Ticket.UpdatedAt.UTC()
			return nil
		})
		queueVisit(b, args, v, v.Touch && s.prunes.due(tenant, v.At), &out)
		return tx.SendBatch(ctx, b).Close()
	})
	return out, mapErr(err, "visit ticket %d", n)
}

// visitArgs are the named arguments of the visit statements.
func visitArgs(tenant helpdesk.TenantID, n helpdesk.TicketNumber, v helpdesk.Visit) pgx.NamedArgs {
	state := "viewing"
	if v.Typing {
		state = "typing"
	}
	return pgx.NamedArgs{
		"tenant": int64(tenant), "number": int64(n), "user": int64(v.User), "state": state,
		"at": v.At, "expired": v.Expired, "since": v.Since,
	}
}

// queueVisit queues v's statements on b, all naming the ticket by number
// (args are visitArgs'), and collects what they read into out: the
// presence reports and, with v.WithDraft, the draft. With prune, a touch
// also prunes the tenant's expired reports. The ticket's stamp is the
// caller's to read.
func queueVisit(b *pgx.Batch, args pgx.NamedArgs, v helpdesk.Visit, prune bool, out *helpdesk.Visited) {
	if v.Touch && v.PresenceOnly {
		// Local to this transaction: see helpdesk.Visit.PresenceOnly.
		b.Queue(`SELECT set_config('synchronous_commit', 'off', true)`)
	}
	if v.Touch {
		queueNamed(b, visitTouchSQL, args)
		if prune {
			queueNamed(b, visitPruneSQL, args)
		}
	}
	present := visitPresentSQL
	if v.Unnamed {
		present = visitPresentIDsSQL
	}
	queueNamed(b, present, args).Query(func(rows pgx.Rows) error {
		var err error
		out.Present, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (helpdesk.Presence, error) {
			var p helpdesk.Presence
			var uid int64
			err := row.Scan(&uid, &p.Name, &p.Typing, &p.SeenAt)
			p.User, p.SeenAt = helpdesk.UserID(uid), p.SeenAt.UTC()
			return p, err
		})
		return err
	})
	if !v.WithDraft {
		return
	}
	queueNamed(b, visitDraftSQL, args).QueryRow(func(row pgx.Row) error {
		d := helpdesk.Draft{User: v.User}
		var tid int64
		err := row.Scan(&tid, &d.Body, &d.Public, &d.UpdatedAt)
		switch {
		case err == nil:
			d.Ticket, d.UpdatedAt = helpdesk.TicketID(tid), d.UpdatedAt.UTC()
			out.Draft = &d
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		return nil
	})
}

// presenceFresh is how recent a report may be and still not be refreshed
// by another look in the same state (see visitTouchSQL).
const presenceFresh = "5 seconds"

// pruneEvery is how often a process prunes a tenant's expired presence
// reports. Pruning on every report made it the ticket page's costliest
// statement under load: each prune walked from the oldest end of
// ticket_presence_seen over the entries of the rows the previous prunes
// had deleted and vacuum had not yet removed (a 10,000-ticket desk viewed
// by 16 goroutines as its 10 agents, TestTicketPageUnderLoad: 2,932
// buffers per view at 10k, 1,010 at 1k). Readers ignore expired reports
// (Visit.Since), so pruning later changes nothing that is shown; the
// table holds at most PresenceTTL + pruneEvery of reports.
const pruneEvery = 10 * time.Second

// prunes remembers, per tenant, when this process last pruned its
// presence reports. Each server keeps its own: two servers prune twice as
// often, which is harmless.
type prunes struct {
	mu   sync.Mutex
	last map[helpdesk.TenantID]time.Time
}

// due reports whether a report at at should prune tenant's expired
// reports, and if so counts it as done. A nil p always prunes; a clock
// that went back (a test's) prunes too.
func (p *prunes) due(tenant helpdesk.TenantID, at time.Time) bool {
	if p == nil {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	last, ok := p.last[tenant]
	if ok && at.Sub(last) < pruneEvery && !at.Before(last) {
		return false
	}
	if p.last == nil {
		p.last = map[helpdesk.TenantID]time.Time{}
	}
	p.last[tenant] = at
	return true
}

// replyDraftSQL reads one agent's draft: the user is part of the key, so
// no query here can return another agent's text.
const replyDraftSQL = `SELECT body, public, updated_at FROM reply_drafts
WHERE tenant_id = $1 AND ticket_id = $2 AND user_id = $3`

// ReplyDraft loads user's draft on ticket.
func (s *Store) ReplyDraft(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, user helpdesk.UserID) (helpdesk.Draft, error) {
	d := helpdesk.Draft{Ticket: ticket, User: user}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, replyDraftSQL, int64(tenant), int64(ticket), int64(user)).Scan(&d.Body, &d.Public, &d.UpdatedAt)
	})
	d.UpdatedAt = d.UpdatedAt.UTC()
	return d, mapErr(err, "draft on ticket %d", ticket)
}

// LockTicketShared takes a share lock on the ticket's row: it waits for a
// transaction that updates the ticket, and blocks updates until commit.
func (s *Store) LockTicketShared(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var one int
		return tx.QueryRow(ctx, `SELECT 1 FROM tickets WHERE tenant_id = $1 AND id = $2 FOR SHARE`, int64(tenant), int64(ticket)).Scan(&one)
	})
	return mapErr(err, "lock ticket %d", ticket)
}

// lastCommentBySQL uses comments_ticket (tenant_id, ticket_id, created_at,
// id) and filters a ticket's comments by author.
const lastCommentBySQL = `SELECT max(created_at) FROM comments
WHERE tenant_id = $1 AND ticket_id = $2 AND author_id = $3`

// LastCommentBy is when user last commented on ticket.
func (s *Store) LastCommentBy(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, user helpdesk.UserID) (time.Time, error) {
	var at *time.Time
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, lastCommentBySQL, int64(tenant), int64(ticket), int64(user)).Scan(&at)
	})
	if err != nil || at == nil {
		return time.Time{}, mapErr(err, "comments on ticket %d", ticket)
	}
	return at.UTC(), nil
}

const saveDraftSQL = `INSERT INTO reply_drafts (tenant_id, ticket_id, user_id, body, public, updated_at)
VALUES (@tenant, @ticket, @user, @body, @public, @at)
ON CONFLICT (tenant_id, ticket_id, user_id) DO UPDATE
	SET body = excluded.body, public = excluded.public, updated_at = excluded.updated_at`

// SaveReplyDraft inserts or replaces d.
func (s *Store) SaveReplyDraft(ctx context.Context, tenant helpdesk.TenantID, d helpdesk.Draft) error {
	if d.Ticket <= 0 || d.User <= 0 || d.Body == "" {
		return invalidField("draft")
	}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, saveDraftSQL, pgx.NamedArgs{
			"tenant": int64(tenant), "ticket": int64(d.Ticket), "user": int64(d.User),
			"body": d.Body, "public": d.Public, "at": d.UpdatedAt,
		})
		return err
	})
	return mapErr(err, "save draft on ticket %d", d.Ticket)
}

// DeleteReplyDraft deletes user's draft on ticket.
func (s *Store) DeleteReplyDraft(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, user helpdesk.UserID) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM reply_drafts WHERE tenant_id = $1 AND ticket_id = $2 AND user_id = $3`,
			int64(tenant), int64(ticket), int64(user))
		return err
	})
	return mapErr(err, "delete draft on ticket %d", ticket)
}
