package postgres

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Nothing submitted ever reaches these queries as SQL text: statuses and
// sorts map to fixed fragments through the tables below, and every other
// value is a parameter.

// statusLiterals are the SQL literals of the statuses. Statuses are inlined
// (not parameters) so that the planner can prove a query's status list
// implies the predicate of the partial queue indexes, which it cannot do for
// a parameter under a generic plan.
var statusLiterals = map[helpdesk.Status]string{
	helpdesk.StatusNew:     "'new'",
	helpdesk.StatusOpen:    "'open'",
	helpdesk.StatusPending: "'pending'",
	helpdesk.StatusOnHold:  "'on_hold'",
	helpdesk.StatusSolved:  "'solved'",
	helpdesk.StatusClosed:  "'closed'",
}

// keyset is a sort's ORDER BY and the condition for "after the cursor",
// over @c_time, @c_rank and @c_id. Each matches one index of 00002 (the
// direction the index was built in, or its backward scan).
type keyset struct{ order, after string }

var keysets = map[helpdesk.Sort]keyset{
	{Key: helpdesk.SortUpdated, Desc: true}: {"t.updated_at DESC, t.id DESC", "(t.updated_at, t.id) < (@c_time::timestamptz, @c_id::bigint)"},
	{Key: helpdesk.SortUpdated}:             {"t.updated_at, t.id", "(t.updated_at, t.id) > (@c_time::timestamptz, @c_id::bigint)"},
	{Key: helpdesk.SortCreated, Desc: true}: {"t.created_at DESC, t.id DESC", "(t.created_at, t.id) < (@c_time::timestamptz, @c_id::bigint)"},
	{Key: helpdesk.SortCreated}:             {"t.created_at, t.id", "(t.created_at, t.id) > (@c_time::timestamptz, @c_id::bigint)"},
	{Key: helpdesk.SortPriority, Desc: true}: {"t.priority DESC, t.updated_at DESC, t.id DESC",
		"(t.priority, t.updated_at, t.id) < (@c_rank::smallint, @c_time::timestamptz, @c_id::bigint)"},
	{Key: helpdesk.SortPriority}: {"t.priority, t.updated_at, t.id",
		"(t.priority, t.updated_at, t.id) > (@c_rank::smallint, @c_time::timestamptz, @c_id::bigint)"},
	// No due instant sorts as +infinity; a cursor without a time is there.
	{Key: helpdesk.SortDue, Desc: true}: {"coalesce(t.next_due_at, 'infinity') DESC, t.id DESC",
		"(coalesce(t.next_due_at, 'infinity'), t.id) < (coalesce(@c_time::timestamptz, 'infinity'), @c_id::bigint)"},
	{Key: helpdesk.SortDue}: {"coalesce(t.next_due_at, 'infinity'), t.id",
		"(coalesce(t.next_due_at, 'infinity'), t.id) > (coalesce(@c_time::timestamptz, 'infinity'), @c_id::bigint)"},
}

// summaryColumns are what lists show: the narrow row and display names,
// looked up per returned row (subqueries, not joins, so the scan of the
// queue index feeds LIMIT directly).
const summaryColumns = `t.id, t.number, t.subject, t.status, t.priority, t.channel, coalesce(t.requester_id, 0),
	coalesce((SELECT u.name FROM users u WHERE u.tenant_id = t.tenant_id AND u.id = t.requester_id), t.guest_name, ''),
	coalesce((SELECT u.email::text FROM users u WHERE u.tenant_id = t.tenant_id AND u.id = t.requester_id), t.guest_email, ''),
	coalesce(t.organisation_id, 0), coalesce(t.category_id, 0), coalesce(t.group_id, 0),
	coalesce((SELECT g.name FROM groups g WHERE g.tenant_id = t.tenant_id AND g.id = t.group_id), ''),
	coalesce(t.assignee_id, 0),
	coalesce((SELECT u.name FROM users u WHERE u.tenant_id = t.tenant_id AND u.id = t.assignee_id), ''),
	t.created_at, t.updated_at, t.next_due_at, t.version`

// scanSummary reads summaryColumns, then extra destinations.
func scanSummary(row pgx.Row, extra ...any) (helpdesk.TicketSummary, error) {
	var s helpdesk.TicketSummary
	var id, number, req, org, cat, grp, asg int64
	var status, channel string
	var rank int
	var due *time.Time
	dest := append([]any{&id, &number, &s.Subject, &status, &rank, &channel, &req, &s.Requester.Name, &s.Requester.Email,
		&org, &cat, &grp, &s.GroupName, &asg, &s.AssigneeName, &s.CreatedAt, &s.UpdatedAt, &due, &s.Version}, extra...)
	if err := row.Scan(dest...); err != nil {
		return s, err
	}
	var err error
	if s.Priority, err = helpdesk.PriorityFromRank(rank); err != nil {
		return s, fmt.Errorf("priority rank %d: %w", rank, err)
	}
	s.ID, s.Number, s.Status, s.Channel = helpdesk.TicketID(id), helpdesk.TicketNumber(number), helpdesk.Status(status), helpdesk.Channel(channel)
	s.Requester.User, s.Organisation, s.Category = helpdesk.UserID(req), helpdesk.OrganisationID(org), helpdesk.CategoryID(cat)
	s.Group, s.Assignee = helpdesk.GroupID(grp), helpdesk.UserID(asg)
	s.CreatedAt, s.UpdatedAt, s.NextDueAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC(), fromTime(due)
	return s, nil
}

// where builds a WHERE clause over tickets t with numbered parameters.
type where struct {
	conds []string
	args  pgx.NamedArgs
	n     int
	// words is the normalised text a trigram condition needs in
	// app.search_words before the statement runs ("" for none).
	words string
}

func newWhere(tenant helpdesk.TenantID) *where {
	return &where{conds: []string{"t.tenant_id = @tenant"}, args: pgx.NamedArgs{"tenant": int64(tenant)}}
}

func (w *where) arg(v any) string {
	w.n++
	name := "f" + strconv.Itoa(w.n)
	w.args[name] = v
	return "@" + name
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) sql() string { return strings.Join(w.conds, "\n\tAND ") }

// filter adds the conditions of f. It checks what it inlines and what the
// domain's Validate should already have refused.
func (w *where) filter(f *helpdesk.TicketFilter) error {
	// The parts add their conditions, and number their arguments, in this
	// order.
	for _, part := range []func(*helpdesk.TicketFilter) error{
		w.statusFilter, w.assigneeFilter, w.groupFilter, w.rangeFilter, w.fieldFilter,
	} {
		if err := part(f); err != nil {
			return err
		}
	}
	w.textFilter(f)
	return w.customerFilter(f)
}

// statusFilter keeps the tickets in any of f's statuses.
func (w *where) statusFilter(f *helpdesk.TicketFilter) error {
	if len(f.Statuses) > 0 {
		lits := make([]string, 0, len(f.Statuses))
		seen := map[helpdesk.Status]bool{}
		for _, st := range f.Statuses {
			lit, ok := statusLiterals[st]
			if !ok {
				return invalidField("status")
			}
			if !seen[st] {
				seen[st] = true
				lits = append(lits, lit)
			}
		}
		w.add("t.status IN (" + strings.Join(lits, ", ") + ")")
	}
	return nil
}

// assigneeFilter keeps the tickets of f's assignee condition.
func (w *where) assigneeFilter(f *helpdesk.TicketFilter) error {
	switch f.Assignee.Mode {
	case helpdesk.AssigneeAny:
	case helpdesk.AssigneeNobody:
		w.add("t.assignee_id IS NULL")
	case helpdesk.AssigneeAnyone:
		w.add("t.assignee_id IS NOT NULL")
	case helpdesk.AssigneeUser:
		if f.Assignee.User <= 0 {
			return invalidField("assignee")
		}
		w.add("t.assignee_id = " + w.arg(int64(f.Assignee.User)))
	default: // "me" must have been resolved by the Service
		return invalidField("assignee")
	}
	return nil
}

// groupFilter keeps the tickets of f's groups, or of the groups of one
// agent.
func (w *where) groupFilter(f *helpdesk.TicketFilter) error {
	if len(f.Groups) > 0 {
		ids := make([]int64, len(f.Groups))
		for i, g := range f.Groups {
			ids[i] = int64(g)
		}
		w.add("t.group_id = ANY (" + w.arg(ids) + "::bigint[])")
	}
	if f.GroupsOf > 0 {
		w.add("t.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.tenant_id = @tenant AND gm.user_id = " + w.arg(int64(f.GroupsOf)) + ")")
	} else if f.MyGroups || f.GroupsOf < 0 {
		return invalidField("group") // the Service resolves MyGroups
	}
	return nil
}

// rangeFilter keeps the tickets created and updated in f's ranges.
func (w *where) rangeFilter(f *helpdesk.TicketFilter) error {
	for _, r := range []struct {
		col string
		rng helpdesk.TimeRange
	}{{"t.created_at", f.Created}, {"t.updated_at", f.Updated}} {
		if !r.rng.From.IsZero() {
			w.add(r.col + " >= " + w.arg(r.rng.From))
		}
		if !r.rng.To.IsZero() {
			w.add(r.col + " < " + w.arg(r.rng.To))
		}
	}
	return nil
}

// fieldFilter keeps the tickets of f's priorities, category, SLA state,
// tag, channel, requester and organisation.
func (w *where) fieldFilter(f *helpdesk.TicketFilter) error {
	if len(f.Priorities) > 0 {
		ranks := make([]int32, len(f.Priorities))
		for i, p := range f.Priorities {
			if !p.Valid() {
				return invalidField("priority")
			}
			ranks[i] = int32(p.Rank())
		}
		w.add("t.priority = ANY (" + w.arg(ranks) + "::smallint[])")
	}
	if f.Category != 0 {
		w.add("t.category_id = " + w.arg(int64(f.Category)))
	}
	if err := w.slaFilter(f); err != nil {
		return err
	}
	if f.Tag != "" {
		w.add("EXISTS (SELECT FROM ticket_tags x WHERE x.tenant_id = t.tenant_id AND x.ticket_id = t.id AND x.tag = " + w.arg(f.Tag) + ")")
	}
	if f.Channel != "" {
		w.add("t.channel = " + w.arg(string(f.Channel)))
	}
	if f.Requester != 0 {
		w.add("t.requester_id = " + w.arg(int64(f.Requester)))
	}
	if f.Organisation != 0 {
		w.add("t.organisation_id = " + w.arg(int64(f.Organisation)))
	}
	return nil
}

// textFilter keeps the tickets whose subject matches f's text, or whose
// number it is.
func (w *where) textFilter(f *helpdesk.TicketFilter) {
	if text := truncateRunes(f.Text, helpdesk.MaxQueryLen); text != "" {
		// The subject by trigram (through ticket_search, whose policy does
		// the indexed match; the current subject only), or the number.
		cond := `EXISTS (SELECT FROM ticket_search s WHERE s.tenant_id = t.tenant_id AND s.ticket_id = t.id
			AND s.comment_id IS NULL AND s.words = atiende_norm(t.subject))`
		if n, err := helpdesk.ParseTicketNumber(text); err == nil {
			cond = "(t.number = " + w.arg(int64(n)) + " OR " + cond + ")"
		}
		w.add(cond)
		w.words = text
	}
}

// customerFilter keeps what a customer may see: their own tickets, those
// they follow and, when it shares them, their organisation's.
func (w *where) customerFilter(f *helpdesk.TicketFilter) error {
	if c := f.Customer; c != nil {
		if c.User <= 0 {
			return invalidField("filter")
		}
		// Requester = the customer already implies the scope.
		if f.Requester != c.User {
			u := w.arg(int64(c.User))
			scope := "t.requester_id = " + u +
				" OR t.id = ANY (ARRAY(SELECT x.ticket_id FROM ticket_followers x WHERE x.tenant_id = @tenant AND x.user_id = " + u + "))"
			if c.Organisation != 0 {
				scope += " OR t.organisation_id = " + w.arg(int64(c.Organisation))
			}
			w.add("(" + scope + ")")
		}
	}
	return nil
}

// setSearchSQL sets what ticket_search's policy matches for the rest of the
// transaction: a tsquery built from @q (empty: none) and trigram words.
const setSearchSQL = `SELECT set_config('app.search_query', CASE WHEN @fts THEN atiende_tsquery(@q::text)::text ELSE '' END, true),
	set_config('app.search_words', atiende_norm(@q::text), true)`

// The planner prices @@ and the trigram operators like any cheap operator,
// while each costs microseconds (a tsvector or trigram set per row); and it
// cannot see the search values behind the policy's current_setting. The two
// plans for ticket_search (GIN bitmaps, or every tenant row filtered) then
// come out close in cost and flip, and the wrong one is 10–100 times slower
// (see docs/tickets-storage.md). Raising cpu_operator_cost for the search
// statement alone prices the filtering honestly; it is saved and restored
// around that statement, in the same batch.
const (
	saveCostSQL    = `SELECT set_config('app.search_saved_cost', current_setting('cpu_operator_cost'), true)`
	raiseCostSQL   = `SELECT set_config('cpu_operator_cost', '0.25', true)`
	restoreCostSQL = `SELECT set_config('cpu_operator_cost', current_setting('app.search_saved_cost'), true)`
)

// queueSearch queues stmt (already built by the caller through queue) with
// the search settings it needs before it and the cost restored after it.
func queueSearch(b *pgx.Batch, text string, fts bool, queue func()) {
	b.Queue(setSearchSQL, pgx.NamedArgs{"q": text, "fts": fts})
	b.Queue(saveCostSQL)
	b.Queue(raiseCostSQL)
	queue()
	b.Queue(restoreCostSQL)
}

func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
