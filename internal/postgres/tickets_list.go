package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// ListTickets returns one page of q with keyset pagination (never OFFSET).
func (s *Store) ListTickets(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.TicketQuery) (helpdesk.TicketPage, error) {
	l, err := prepareList(tenant, q)
	if err != nil {
		return helpdesk.TicketPage{}, fmt.Errorf("postgres: list tickets: %w", err)
	}
	var page helpdesk.TicketPage
	b := &pgx.Batch{}
	l.queue(b, &page)
	// One round trip, and the generic plan kept: the plan of a list is an
	// index walk in the sort's order for any desk, but PostgreSQL costs
	// the generic one with a desk's average size and the custom one with
	// the desk's own, so for a desk larger than the average the generic
	// plan never won and every list was planned again (the API's list of
	// every status: 1 ms of planning a call, make bench medium).
	// TestQueuePlansOnRealisticData checks both plans of every list. A
	// search by words keeps PostgreSQL's choice.
	bind := bindTenantGenericSQL
	if l.w.words != "" {
		bind = bindTenantSQL
	}
	if err := s.sendBound(ctx, tenant, bind, b); err != nil {
		return helpdesk.TicketPage{}, mapErr(err, "list tickets")
	}
	l.finish(&page)
	return page, nil
}

// listStmt is one page's keyset query, built before it is queued so that
// a refused query (a *helpdesk.ValidationError) costs no round trip and
// can share a batch with other reads (ReadQueue).
type listStmt struct {
	q   helpdesk.TicketQuery
	w   *where
	sql string
}

// listFrom is a list's statement: summaryColumns with the requester's
// name and address from one lookup, where two subqueries read the
// requester's row twice for every row (about 150 of a 51-row page's 630
// buffers, make bench medium, the API's list). OFFSET 0 keeps the lookup
// a lookup per row: PostgreSQL would otherwise flatten the lateral into a
// join, and for a busy agent's list it chose to hash the desk's every
// user and sort (TestQueuePlansOnRealisticData).
const listFrom = `SELECT t.id, t.number, t.subject, t.status, t.priority, t.channel, coalesce(t.requester_id, 0),
	coalesce(r.name, t.guest_name, ''), coalesce(r.email::text, t.guest_email, ''),
	coalesce(t.organisation_id, 0), coalesce(t.category_id, 0), coalesce(t.group_id, 0),
	coalesce((SELECT g.name FROM groups g WHERE g.tenant_id = t.tenant_id AND g.id = t.group_id), ''),
	coalesce(t.assignee_id, 0),
	coalesce((SELECT u.name FROM users u WHERE u.tenant_id = t.tenant_id AND u.id = t.assignee_id), ''),
	t.created_at, t.updated_at, t.next_due_at, t.version
FROM tickets t
` + requesterJoin

// requesterJoin reads a list row's requester (r.name, r.email) once.
const requesterJoin = `LEFT JOIN LATERAL (SELECT u.name, u.email FROM users u WHERE u.tenant_id = t.tenant_id AND u.id = t.requester_id OFFSET 0) r ON true`

func prepareList(tenant helpdesk.TenantID, q helpdesk.TicketQuery) (*listStmt, error) {
	return prepareListFrom(tenant, q, listFrom)
}

// prepareListFrom is prepareList with the statement's SELECT and FROM
// (summaryColumns' columns over tickets t).
func prepareListFrom(tenant helpdesk.TenantID, q helpdesk.TicketQuery, from string) (*listStmt, error) {
	if q.Sort == (helpdesk.Sort{}) {
		q.Sort = helpdesk.DefaultSort
	}
	ks, ok := keysets[q.Sort]
	if !ok {
		return nil, invalidField("sort")
	}
	if !q.Cursor.IsZero() && q.Cursor.Sort != q.Sort {
		return nil, invalidField("cursor")
	}
	switch {
	case q.Limit <= 0:
		q.Limit = helpdesk.DefaultPageSize
	case q.Limit > helpdesk.MaxPageSize:
		q.Limit = helpdesk.MaxPageSize
	}
	w := newWhere(tenant)
	if err := w.filter(&q.Filter); err != nil {
		return nil, err
	}
	if !q.Cursor.IsZero() {
		w.add(ks.after)
		w.args["c_time"], w.args["c_rank"], w.args["c_id"] = toTime(q.Cursor.Time), q.Cursor.Rank, int64(q.Cursor.ID)
	}
	// The limit is written into the text, not passed: PostgreSQL costs a
	// generic plan's LIMIT $n as a tenth of the rows it estimates. A page
	// size is one of at most MaxPageSize+1 texts.
	sql := from + "\nWHERE " + w.sql() + "\nORDER BY " + ks.order + "\nLIMIT " + strconv.Itoa(q.Limit+1)
	return &listStmt{q: q, w: w, sql: sql}, nil
}

// queue adds the page's statements to b; they fill page when b is sent.
func (l *listStmt) queue(b *pgx.Batch, page *helpdesk.TicketPage) {
	queue := func() {
		queueRewritten(b, l.sql, l.w.args).Query(func(rows pgx.Rows) error {
			x := newSummaryScanner()
			for rows.Next() {
				t, err := x.scan(rows)
				if err != nil {
					return err
				}
				if page.Tickets == nil {
					page.Tickets = make([]helpdesk.TicketSummary, 0, l.q.Limit+1)
				}
				page.Tickets = append(page.Tickets, t)
			}
			return rows.Err()
		})
	}
	if l.w.words != "" {
		queueSearch(b, l.w.words, false, queue)
	} else {
		queue()
	}
}

// finish trims the extra row read to know whether a next page exists.
func (l *listStmt) finish(page *helpdesk.TicketPage) {
	if len(page.Tickets) > l.q.Limit {
		page.Tickets = page.Tickets[:l.q.Limit]
		page.Next = helpdesk.CursorAfter(l.q.Sort, page.Tickets[l.q.Limit-1])
	}
}
