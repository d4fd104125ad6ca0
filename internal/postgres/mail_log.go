package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The mail log (helpdesk/email_log_query.go): received messages, ticket
// notices and account messages in one list, newest first by (at, source,
// id). Each box is read by its own branch, which walks its (tenant_id, at
// DESC, id DESC) index of 00030 and stops after limit rows; the union of
// at most three such branches is then sorted and cut again.
//
// A text search runs two ways per box, since the planner cannot tell a
// narrow search from a broad one (the pattern hides behind a policy's
// current_setting, and it guesses a handful of matches):
//
//   - the window: the box's newest @window rows after the cursor, along
//     its keyset index, tested with ILIKE. When they hold a full page of
//     matches, that page is the answer (a broad search, such as the desk's
//     own domain, ends here).
//   - otherwise the index: the box's messages that mail_search (00036)
//     matches, sorted. Its policy carries the ILIKE, so its trigram index
//     does the matching: ILIKE in this query's own WHERE would have to run
//     after each box's tenant policy, row by row, as it is not LEAKPROOF.
//
// Each box's window is a materialised CTE; a one-time filter on its count
// picks which of the two parts runs. The pattern goes in app.mail_pattern,
// transaction-local, in the same round trip as the query.

// mailBox is what one branch of the union needs to know about its table.
type mailBox struct {
	src helpdesk.MailSource
	// sel lists the entry's columns in scan order; from names the table
	// (and the join that gives a notice its ticket number).
	sel, from string
	// at, id, addr, subject, number and state name the columns the
	// filters and the keyset compare; number is "" when the box has none.
	at, id, addr, subject, number, state string
	outcome                              string
	// waiting and done are the box's own states for the two filter words.
	waiting, done string
}

var mailBoxes = []mailBox{
	{src: helpdesk.MailFromInbound,
		sel: `1, i.id, i.received_at, i.from_addr, i.subject, coalesce(i.ticket_number, 0), i.state, i.outcome, '',
			i.detail, i.last_error, i.attempts, false`,
		from: `mail_inbound i`, at: "i.received_at", id: "i.id", addr: "i.from_addr", subject: "i.subject",
		number: "i.ticket_number", state: "i.state", outcome: "i.outcome", waiting: "('pending')", done: "('done')"},
	{src: helpdesk.MailFromTicket,
		sel: `2, o.id, o.created_at, o.to_addr, o.subject, t.number, o.state, '', o.kind,
			o.detail, o.last_error, o.attempts, o.message_id <> ''`,
		from: `mail_outbox o JOIN tickets t ON t.tenant_id = o.tenant_id AND t.id = o.ticket_id`,
		at:   "o.created_at", id: "o.id", addr: "o.to_addr", subject: "o.subject", number: "t.number", state: "o.state",
		waiting: "('queued')", done: "('sent', 'local')"},
	{src: helpdesk.MailFromAccount,
		sel: `3, a.id, a.created_at, a.to_addr, a.subject, 0, a.state, '', a.kind,
			a.detail, a.last_error, a.attempts, false`,
		from: `account_mail a`, at: "a.created_at", id: "a.id", addr: "a.to_addr", subject: "a.subject",
		state: "a.state", waiting: "('queued')", done: "('sent', 'local')"},
}

// mailWindow is how many of a box's newest rows a search tests before
// turning to mail_search's index: with fewer than a page of matches among
// them, the walk could go on through the whole box.
const mailWindow = 2000

// mailColumns names the columns of sel, for the union and the windows.
const mailColumns = "(src, id, at, addr, subject, number, state, outcome, kind, detail, last_error, attempts, rendered)"

// where lists box b's conditions for query q other than the text.
func (b mailBox) where(q helpdesk.MailLogQuery) []string {
	f := q.Filter
	var w []string
	w = append(w, strings.SplitN(b.id, ".", 2)[0]+".tenant_id = @tenant")
	if f.Ticket != 0 {
		w = append(w, b.number+" = @number")
	}
	switch f.State {
	case helpdesk.MailStateWaiting:
		w = append(w, b.state+" IN "+b.waiting)
	case helpdesk.MailStateDone:
		w = append(w, b.state+" IN "+b.done)
	case helpdesk.MailStateFailed:
		w = append(w, b.state+" = 'failed'")
	}
	if f.Outcome != "" {
		w = append(w, b.outcome+" = @outcome")
	}
	// (at, src, id) < (@at, @src, @id), descending, with src a constant
	// here: each case is a plain range on the box's own index.
	if c := q.After; !c.IsZero() {
		switch {
		case b.src < c.Source:
			w = append(w, b.at+" <= @at")
		case b.src == c.Source:
			w = append(w, "("+b.at+", "+b.id+") < (@at, @id)")
		default:
			w = append(w, b.at+" < @at")
		}
	}
	return w
}

// scan is box b's newest rows under conditions w, at most limit of them.
func (b mailBox) scan(w []string, limit string) string {
	return "SELECT " + b.sel + " FROM " + b.from + " WHERE " + strings.Join(w, " AND ") +
		" ORDER BY " + b.at + " DESC, " + b.id + " DESC LIMIT " + limit
}

// branch is box b's part of the union for query q, or "" when the filter
// leaves the box out; with a text search, also the box's window CTE. Only
// fixed fragments go into the text; every value is a named argument.
func (b mailBox) branch(q helpdesk.MailLogQuery) (part, cte string) {
	if !q.Filter.Wants(b.src) {
		return "", ""
	}
	w := b.where(q)
	if q.Filter.Text == "" {
		return "(" + b.scan(w, "@limit") + ")", ""
	}
	win := "w" + strconv.Itoa(int(b.src))
	cte = win + " AS MATERIALIZED (SELECT * FROM (" + b.scan(w, "@window") + ") AS x " + mailColumns +
		" WHERE x.addr ILIKE @pattern OR x.subject ILIKE @pattern ORDER BY x.at DESC, x.id DESC LIMIT @limit)"
	full := "(SELECT count(*) FROM " + win + ") >= @limit"
	hits := b.id + " IN (SELECT s.id FROM mail_search s WHERE s.tenant_id = @tenant AND s.box = " +
		strconv.Itoa(int(b.src)) + "::smallint)"
	part = "(SELECT * FROM " + win + " WHERE " + full + ") UNION ALL (" +
		b.scan(append(w, "NOT "+full, hits), "@limit") + ")"
	return part, cte
}

// setMailPatternSQL sets what mail_search's policy matches for the rest of
// the transaction, and two planner settings for the search statement alone
// (restoreMailPlanSQL puts them back after it, in the same round trip):
//   - plan_cache_mode: a plan made for this search's values. After a few
//     runs of a prepared statement PostgreSQL may switch to a generic plan,
//     which measured slower by an order of magnitude here.
//   - cpu_operator_cost: as for ticket_search (tickets_query.go), ILIKE
//     costs far more than the planner assumes, and at the default cost the
//     probe flips to reading every mail_search row of the desk.
const (
	setMailPatternSQL = `SELECT set_config('app.mail_pattern', $1, true),
		set_config('app.mail_saved_plan', current_setting('plan_cache_mode') || ' ' || current_setting('cpu_operator_cost'), true),
		set_config('plan_cache_mode', 'force_custom_plan', true), set_config('cpu_operator_cost', '0.25', true)`
	restoreMailPlanSQL = `SELECT set_config('plan_cache_mode', split_part(current_setting('app.mail_saved_plan'), ' ', 1), true),
		set_config('cpu_operator_cost', split_part(current_setting('app.mail_saved_plan'), ' ', 2), true)`
)

// MailLogEntries implements helpdesk.MailStore.
func (s *Store) MailLogEntries(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.MailLogQuery) ([]helpdesk.MailLogEntry, error) {
	var parts, ctes []string
	for _, b := range mailBoxes {
		part, cte := b.branch(q)
		if part != "" {
			parts = append(parts, part)
		}
		if cte != "" {
			ctes = append(ctes, cte)
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	with, pattern := "", ""
	if q.Filter.Text != "" {
		with = "WITH " + strings.Join(ctes, ", ") + " "
		pattern = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q.Filter.Text) + "%"
	}
	sql := with + "SELECT * FROM (" + strings.Join(parts, " UNION ALL ") + ") AS m " + mailColumns + " ORDER BY at DESC, src DESC, id DESC LIMIT @limit"
	args := pgx.NamedArgs{"tenant": int64(tenant), "pattern": pattern, "window": mailWindow, "number": int64(q.Filter.Ticket),
		"outcome": string(q.Filter.Outcome), "at": q.After.At, "src": int(q.After.Source), "id": q.After.ID, "limit": q.Limit}
	var out []helpdesk.MailLogEntry
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) (err error) {
		var rows pgx.Rows
		if pattern == "" {
			rows, err = tx.Query(ctx, sql, args)
		} else {
			b := &pgx.Batch{}
			b.Queue(setMailPatternSQL, pattern)
			b.Queue(sql, args)
			b.Queue(restoreMailPlanSQL)
			br := tx.SendBatch(ctx, b)
			defer func() { err = errors.Join(err, br.Close()) }()
			if _, err := br.Exec(); err != nil {
				return err
			}
			rows, err = br.Query()
		}
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.MailLogEntry, error) {
			var e helpdesk.MailLogEntry
			var src int
			var number int64
			var outcome string
			err := r.Scan(&src, &e.ID, &e.At, &e.Address, &e.Subject, &number, &e.State, &outcome, &e.Kind,
				&e.Detail, &e.LastError, &e.Attempts, &e.Rendered)
			e.Source, e.Number, e.Outcome = helpdesk.MailSource(src), helpdesk.TicketNumber(number), helpdesk.InboundOutcome(outcome)
			return e, err
		})
		return err
	})
	return out, mapErr(err, "mail log")
}
