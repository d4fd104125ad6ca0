package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/atiende/atiende/internal/helpdesk"
)

// allViewsSQL lists every saved view of a tenant, whoever owns it, in the
// order SavedViews lists one agent's: the caller keeps the directory for
// every agent of the desk and picks each one's own.
const allViewsSQL = `SELECT ` + viewColumns + ` FROM saved_views WHERE tenant_id = $1
	ORDER BY owner_id NULLS FIRST, position, name, id`

// queueListFrom is the queue's list: summaryColumns without the group's
// and the assignee's names, which the Service takes from the desk's
// directory (helpdesk's nameRows: under a generic plan a join for each
// read the name's index again for every row), and with the requester by a
// lateral join rather than scalar subqueries. A subquery runs as a subplan
// once per row, each run paying the executor's setup and the row-level
// security check again (TestExplainQueuePage); the join feeds the same
// index scan and LIMIT, and OFFSET 0 keeps it a lookup per row (see
// listFrom).
const queueListFrom = `SELECT t.id, t.number, t.subject, t.status, t.priority, t.channel, coalesce(t.requester_id, 0),
	coalesce(r.name, t.guest_name, ''), coalesce(r.email::text, t.guest_email, ''),
	coalesce(t.organisation_id, 0), coalesce(t.category_id, 0), coalesce(t.group_id, 0), '',
	coalesce(t.assignee_id, 0), '',
	t.created_at, t.updated_at, t.next_due_at, t.version
FROM tickets t
` + requesterJoin

// ReadQueue sends a queue page's reads as one batch whose first statement
// binds it to tenant. PostgreSQL runs a batch (one Sync) as one implicit
// transaction, to which set_config(…, true) is local, so every statement
// after it runs under the tenant's row-level security exactly as in InTx,
// without the BEGIN and COMMIT round trips; a failing statement aborts the
// rest. Inside an open transaction the reads join it instead.
func (s *Store) ReadQueue(ctx context.Context, tenant helpdesk.TenantID, r helpdesk.QueueReads) (helpdesk.QueueResult, error) {
	var out helpdesk.QueueResult
	if tenant <= 0 {
		return out, fmt.Errorf("postgres: no tenant given: %w", helpdesk.ErrNotFound)
	}
	b := &pgx.Batch{}
	if s.tx == nil {
		b.Queue(`SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(tenant), 10))
	}
	var list *listStmt
	if r.List != nil {
		var err error
		list, err = prepareListFrom(tenant, *r.List, queueListFrom)
		var v *helpdesk.ValidationError
		switch {
		case errors.As(err, &v):
			out.ListErr = fmt.Errorf("postgres: list tickets: %w", err)
		case err != nil:
			return out, fmt.Errorf("postgres: list tickets: %w", err)
		default:
			list.queue(b, &out.Tickets)
		}
	}
	if r.Directory {
		queueDirectory(b, tenant, &out.Directory)
	}
	out.Counts, out.Capped = make([]int, len(r.Counts)), make([]bool, len(r.Counts))
	if err := queueCounts(b, tenant, r.Counts, r.CountLimit, out.Counts, out.Capped); err != nil {
		return out, fmt.Errorf("postgres: count tickets: %w", err)
	}
	var err error
	switch {
	case s.tx != nil && b.Len() > 0:
		err = s.inTenant(ctx, tenant, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
	case s.tx == nil && b.Len() > 1: // more than the tenant's setting
		err = s.pool.SendBatch(ctx, b).Close()
	}
	if err != nil {
		return helpdesk.QueueResult{}, mapErr(err, "queue page")
	}
	if list != nil && out.ListErr == nil {
		list.finish(&out.Tickets)
	}
	return out, nil
}

// queueDirectory adds the reads of a QueueDirectory to b: the filters'
// choices as FilterChoices reads them, and every saved view.
func queueDirectory(b *pgx.Batch, tenant helpdesk.TenantID, d *helpdesk.QueueDirectory) {
	b.Queue(groupsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
		var err error
		d.Groups, err = collectGroups(rows)
		return err
	})
	b.Queue(agentsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
		var err error
		d.Agents, err = collectUsers(rows)
		return err
	})
	b.Queue(categoriesSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
		var err error
		d.Categories, err = collectCategories(rows)
		return err
	})
	b.Queue(allViewsSQL, int64(tenant)).Query(func(rows pgx.Rows) error {
		var err error
		d.Views, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.SavedView, error) { return scanView(r) })
		return err
	})
}

// summaryScanner reads the rows of a list (summaryColumns) into one set of
// destinations, kept from row to row, where scanSummary's escape to the
// heap with every row (a dozen allocations); and a name that recurs on the
// page (a status, a channel, a group, an agent, a frequent requester) is
// one string for every row that shows it.
type summaryScanner struct {
	id, number, req, org, cat, grp, asg int64
	rank                                int
	due                                 pgtype.Timestamptz
	s                                   helpdesk.TicketSummary
	status, channel                     string
	dest                                []any
	names                               map[string]string
}

func newSummaryScanner() *summaryScanner {
	x := &summaryScanner{names: make(map[string]string)}
	in := func(p *string) *internedText { return &internedText{p: p, names: x.names} }
	x.dest = []any{&x.id, &x.number, &x.s.Subject, in(&x.status), &x.rank, in(&x.channel), &x.req,
		in(&x.s.Requester.Name), in(&x.s.Requester.Email), &x.org, &x.cat, &x.grp, in(&x.s.GroupName), &x.asg,
		in(&x.s.AssigneeName), &x.s.CreatedAt, &x.s.UpdatedAt, &x.due, &x.s.Version}
	return x
}

// scan reads the current row as scanSummary does.
func (x *summaryScanner) scan(rows pgx.Rows) (helpdesk.TicketSummary, error) {
	if err := rows.Scan(x.dest...); err != nil {
		return helpdesk.TicketSummary{}, err
	}
	s := x.s
	var err error
	if s.Priority, err = helpdesk.PriorityFromRank(x.rank); err != nil {
		return s, fmt.Errorf("priority rank %d: %w", x.rank, err)
	}
	s.ID, s.Number, s.Status, s.Channel = helpdesk.TicketID(x.id), helpdesk.TicketNumber(x.number), helpdesk.Status(x.status), helpdesk.Channel(x.channel)
	s.Requester.User, s.Organisation, s.Category = helpdesk.UserID(x.req), helpdesk.OrganisationID(x.org), helpdesk.CategoryID(x.cat)
	s.Group, s.Assignee = helpdesk.GroupID(x.grp), helpdesk.UserID(x.asg)
	s.CreatedAt, s.UpdatedAt, s.NextDueAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC(), time.Time{}
	if x.due.Valid {
		s.NextDueAt = x.due.Time.UTC()
	}
	return s, nil
}

// internedText scans a text column into *p through names, so that equal
// values share one string. The bytes are the driver's, valid only during
// the call: a new value is copied once.
type internedText struct {
	p     *string
	names map[string]string
}

func (t *internedText) ScanBytes(b []byte) error {
	s, ok := t.names[string(b)]
	if !ok {
		s = string(b)
		t.names[s] = s
	}
	*t.p = s
	return nil
}

// queueRewritten queues sql with args on b as b.Queue(sql, args) does,
// with the named arguments rewritten into $n once per text rather than by
// pgx on every send (about 50 allocations and two lexings of the list's
// and the counts' text per queue page). Unlike queueNamed's constants,
// these texts are built from a request's filters, which a client can vary
// (the order of statuses, say): at most maxRewritten are kept, and the
// rest are rewritten by pgx as before.
func queueRewritten(b *pgx.Batch, sql string, args pgx.NamedArgs) *pgx.QueuedQuery {
	rewritten.RLock()
	p, ok := rewritten.m[sql]
	rewritten.RUnlock()
	if !ok {
		if p = rewriteNamed(sql, args); p == nil {
			return b.Queue(sql, args)
		}
		rewritten.Lock()
		if len(rewritten.m) < maxRewritten {
			rewritten.m[sql] = p
		}
		rewritten.Unlock()
	}
	return p.queue(b, args)
}

const maxRewritten = 512

var rewritten = struct {
	sync.RWMutex
	m map[string]*positional
}{m: make(map[string]*positional)}

const displayNamesSQL = `SELECT 'g', id, name FROM groups WHERE tenant_id = $1 AND id = ANY($2::bigint[])
UNION ALL
SELECT 'u', id, name FROM users WHERE tenant_id = $1 AND id = ANY($3::bigint[])
UNION ALL
SELECT 'c', id, name FROM categories WHERE tenant_id = $1 AND id = ANY($4::bigint[])`

// DisplayNames reads the names of groups, users and categories of tenant
// by id.
func (s *Store) DisplayNames(ctx context.Context, tenant helpdesk.TenantID, ids helpdesk.DisplayIDs) (helpdesk.DisplayNames, error) {
	out := helpdesk.DisplayNames{Groups: map[helpdesk.GroupID]string{}, Users: map[helpdesk.UserID]string{},
		Categories: map[helpdesk.CategoryID]string{}}
	var (
		kind string
		id   int64
		name string
	)
	b := &pgx.Batch{}
	b.Queue(displayNamesSQL, int64(tenant), int64s(ids.Groups), int64s(ids.Users), int64s(ids.Categories)).Query(func(rows pgx.Rows) error {
		_, err := pgx.ForEachRow(rows, []any{&kind, &id, &name}, func() error {
			switch kind {
			case "g":
				out.Groups[helpdesk.GroupID(id)] = name
			case "u":
				out.Users[helpdesk.UserID(id)] = name
			case "c":
				out.Categories[helpdesk.CategoryID(id)] = name
			}
			return nil
		})
		return err
	})
	err := s.sendBatch(ctx, tenant, b)
	return out, mapErr(err, "display names")
}
