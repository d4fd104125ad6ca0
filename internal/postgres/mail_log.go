package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The mail log (helpdesk/email_log_query.go): received messages, ticket
// notices and account messages in one list, newest first by (at, source,
// id). Each box is read by its own branch, which walks its (tenant_id, at
// DESC, id DESC) index of 00030 and stops after limit rows; the union of
// at most three such branches is then sorted and cut again.

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

// branch is box b's SELECT for query q, or "" when the filter leaves the
// box out. Only fixed fragments go into the text; every value is a named
// argument.
func (b mailBox) branch(q helpdesk.MailLogQuery) string {
	f := q.Filter
	if !f.Wants(b.src) {
		return ""
	}
	var w []string
	w = append(w, strings.SplitN(b.id, ".", 2)[0]+".tenant_id = @tenant")
	if f.Text != "" {
		w = append(w, "("+b.addr+" ILIKE @pattern OR "+b.subject+" ILIKE @pattern)")
	}
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
	return "(SELECT " + b.sel + " FROM " + b.from + " WHERE " + strings.Join(w, " AND ") +
		" ORDER BY " + b.at + " DESC, " + b.id + " DESC LIMIT @limit)"
}

// MailLogEntries implements helpdesk.MailStore.
func (s *Store) MailLogEntries(ctx context.Context, tenant helpdesk.TenantID, q helpdesk.MailLogQuery) ([]helpdesk.MailLogEntry, error) {
	var parts []string
	for _, b := range mailBoxes {
		if sql := b.branch(q); sql != "" {
			parts = append(parts, sql)
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	pattern := ""
	if q.Filter.Text != "" {
		pattern = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q.Filter.Text) + "%"
	}
	sql := "SELECT * FROM (" + strings.Join(parts, " UNION ALL ") + ") AS m (src, id, at, addr, subject, number, state, outcome, kind," +
		" detail, last_error, attempts, rendered) ORDER BY at DESC, src DESC, id DESC LIMIT @limit"
	args := pgx.NamedArgs{"tenant": int64(tenant), "pattern": pattern, "number": int64(q.Filter.Ticket),
		"outcome": string(q.Filter.Outcome), "at": q.After.At, "src": int(q.After.Source), "id": q.After.ID, "limit": q.Limit}
	var out []helpdesk.MailLogEntry
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args)
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
