package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/jobs"
)

// The email channel's tables (migrations/00012_email.sql): mail_inbound
// and mail_outbox; each row's processing or delivery is a River job.

const inboundColumns = `id, message_id, coalesce(duplicate_of, 0), envelope_from, from_addr, subject, raw, size,
	state, outcome, detail, coalesce(ticket_number, 0), attempts, last_error, received_at, coalesce(processed_at, 'epoch')`

func scanInbound(row pgx.Row) (helpdesk.InboundMail, error) {
	var m helpdesk.InboundMail
	var id, dup, number int64
	var state, outcome string
	err := row.Scan(&id, &m.MessageID, &dup, &m.EnvelopeFrom, &m.From, &m.Subject, &m.Raw, &m.Size,
		&state, &outcome, &m.Detail, &number, &m.Attempts, &m.LastError, &m.ReceivedAt, &m.ProcessedAt)
	if err != nil {
		return m, err
	}
	m.ID, m.DuplicateOf, m.Ticket = helpdesk.InboundMailID(id), helpdesk.InboundMailID(dup), helpdesk.TicketNumber(number)
	m.State, m.Outcome = helpdesk.InboundState(state), helpdesk.InboundOutcome(outcome)
	if m.ProcessedAt.Equal(time.Unix(0, 0)) {
		m.ProcessedAt = time.Time{}
	}
	return m, nil
}

// RecordInboundMail implements helpdesk.MailStore.
func (s *Store) RecordInboundMail(ctx context.Context, tenant helpdesk.TenantID, m helpdesk.InboundMail) (helpdesk.InboundMailID, bool, error) {
	var id int64
	dup := false
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO mail_inbound (tenant_id, message_id, envelope_from, from_addr, subject, raw, size, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (tenant_id, message_id) WHERE duplicate_of IS NULL DO NOTHING RETURNING id`,
			int64(tenant), clip(m.MessageID, 998), clip(m.EnvelopeFrom, 998), clip(m.From, 998), clip(m.Subject, 998),
			m.Raw, m.Size, m.ReceivedAt).Scan(&id)
		if err == nil {
			return s.enqueueMail(ctx, tx, tenant, "inbound", id)
		}
		if err != pgx.ErrNoRows {
			return err
		}
		// A second delivery: logged against the first, nothing queued.
		dup = true
		return tx.QueryRow(ctx, `INSERT INTO mail_inbound (tenant_id, message_id, duplicate_of, envelope_from, from_addr, subject,
				size, state, outcome, ticket_number, received_at, processed_at)
			SELECT tenant_id, message_id, id, $3, $4, $5, $6, 'done', 'duplicate', ticket_number, $7, $7
			FROM mail_inbound WHERE tenant_id = $1 AND message_id = $2 AND duplicate_of IS NULL
			RETURNING id`,
			int64(tenant), clip(m.MessageID, 998), clip(m.EnvelopeFrom, 998), clip(m.From, 998), clip(m.Subject, 998),
			m.Size, m.ReceivedAt).Scan(&id)
	})
	return helpdesk.InboundMailID(id), dup, mapErr(err, "record inbound mail")
}

// clip bounds a header-derived string to n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// mailJobAttempts is River's limit; the mail worker gives up earlier on
// its own terms (and records why), so this only bounds a runaway.
const mailJobAttempts = 50

// enqueueMail inserts the job of a mail in tx, so it exists exactly when
// the row it names commits.
func (s *Store) enqueueMail(ctx context.Context, tx pgx.Tx, tenant helpdesk.TenantID, kind string, id int64) error {
	_, err := s.jobs.InsertTx(ctx, tx, jobs.MailJob{Tenant: tenant, Mail: kind, ID: id}, &river.InsertOpts{MaxAttempts: mailJobAttempts})
	return err
}

// InboundMailForUpdate implements helpdesk.MailStore.
func (s *Store) InboundMailForUpdate(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InboundMailID) (helpdesk.InboundMail, error) {
	var m helpdesk.InboundMail
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		m, err = scanInbound(tx.QueryRow(ctx, `SELECT `+inboundColumns+` FROM mail_inbound
			WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, int64(tenant), int64(id)))
		return err
	})
	return m, mapErr(err, "inbound mail %d", id)
}

// FinishInboundMail implements helpdesk.MailStore.
func (s *Store) FinishInboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InboundMailID, res helpdesk.InboundResult, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var number *int64
		if res.Ticket != 0 {
			n := int64(res.Ticket)
			number = &n
		}
		tag, err := tx.Exec(ctx, `UPDATE mail_inbound SET state = 'done', outcome = $3, detail = $4, ticket_number = $5,
				processed_at = $6, last_error = '' WHERE tenant_id = $1 AND id = $2`,
			int64(tenant), int64(id), string(res.Outcome), clip(res.Detail, 500), number, at)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return pgx.ErrNoRows
		}
		return nil
	})
	return mapErr(err, "finish inbound mail %d", id)
}

// FailInboundMail records a failed processing attempt; final marks the
// message failed (an admin may retry it).
func (s *Store) FailInboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InboundMailID, cause string, final bool) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		state := "pending"
		if final {
			state = "failed"
		}
		_, err := tx.Exec(ctx, `UPDATE mail_inbound SET state = $3, attempts = attempts + 1, last_error = $4
			WHERE tenant_id = $1 AND id = $2 AND state <> 'done'`, int64(tenant), int64(id), state, clip(cause, 1000))
		return err
	})
	return mapErr(err, "fail inbound mail %d", id)
}

const outboundColumns = `o.id, o.kind, o.ticket_id, t.number, coalesce(o.comment_id, 0), coalesce(o.recipient_id, 0), o.to_addr,
	o.to_name, o.language, o.auto, o.detail, o.body, o.message_id, o.subject, o.raw, o.state, o.attempts, o.last_error, o.created_at,
	coalesce(o.sent_at, 'epoch')`

func scanOutbound(row pgx.Row) (helpdesk.OutboundMail, error) {
	var m helpdesk.OutboundMail
	var id, ticket, number, comment, recipient int64
	var kind, state string
	err := row.Scan(&id, &kind, &ticket, &number, &comment, &recipient, &m.To, &m.ToName, &m.Language, &m.Auto, &m.Detail, &m.Body,
		&m.MessageID, &m.Subject, &m.Raw, &state, &m.Attempts, &m.LastError, &m.CreatedAt, &m.SentAt)
	if err != nil {
		return m, err
	}
	m.ID, m.Ticket, m.Number = helpdesk.OutboundMailID(id), helpdesk.TicketID(ticket), helpdesk.TicketNumber(number)
	m.Comment, m.Recipient = helpdesk.CommentID(comment), helpdesk.UserID(recipient)
	m.Kind, m.State = helpdesk.MailKind(kind), helpdesk.OutboundState(state)
	if m.SentAt.Equal(time.Unix(0, 0)) {
		m.SentAt = time.Time{}
	}
	return m, nil
}

// QueueMail implements helpdesk.MailStore.
func (s *Store) QueueMail(ctx context.Context, tenant helpdesk.TenantID, m helpdesk.OutboundMail) (helpdesk.OutboundMailID, error) {
	var id int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var comment, recipient *int64
		if m.Comment != 0 {
			c := int64(m.Comment)
			comment = &c
		}
		if m.Recipient != 0 {
			r := int64(m.Recipient)
			recipient = &r
		}
		err := tx.QueryRow(ctx, `INSERT INTO mail_outbox (tenant_id, kind, ticket_id, comment_id, recipient_id, to_addr, to_name,
				language, auto, detail, body, state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12) RETURNING id`,
			int64(tenant), string(m.Kind), int64(m.Ticket), comment, recipient, m.To, clip(m.ToName, 200),
			m.Language, m.Auto, clip(m.Detail, 100), m.Body, m.CreatedAt).Scan(&id)
		if err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, tenant, "outbound", id)
	})
	return helpdesk.OutboundMailID(id), mapErr(err, "queue mail")
}

// InboundMails implements helpdesk.MailStore; the raw bytes are left out.
func (s *Store) InboundMails(ctx context.Context, tenant helpdesk.TenantID, limit int) ([]helpdesk.InboundMail, error) {
	var out []helpdesk.InboundMail
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+replaceRaw(inboundColumns)+` FROM mail_inbound
			WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2`, int64(tenant), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.InboundMail, error) { return scanInbound(r) })
		return err
	})
	return out, mapErr(err, "inbound mails")
}

// replaceRaw selects NULL instead of the raw message, for lists.
func replaceRaw(cols string) string {
	cols = strings.Replace(cols, " raw,", " NULL::bytea,", 1)
	return strings.Replace(cols, " o.raw,", " NULL::bytea,", 1)
}

// OutboundMails implements helpdesk.MailStore; the raw bytes are left out.
func (s *Store) OutboundMails(ctx context.Context, tenant helpdesk.TenantID, limit int) ([]helpdesk.OutboundMail, error) {
	var out []helpdesk.OutboundMail
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+replaceRaw(outboundColumns)+`
			FROM mail_outbox o JOIN tickets t ON t.tenant_id = o.tenant_id AND t.id = o.ticket_id
			WHERE o.tenant_id = $1 ORDER BY o.id DESC LIMIT $2`, int64(tenant), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.OutboundMail, error) { return scanOutbound(r) })
		return err
	})
	return out, mapErr(err, "outbound mails")
}

// RetryInboundMail implements helpdesk.MailStore.
func (s *Store) RetryInboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InboundMailID, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE mail_inbound SET state = 'pending' WHERE tenant_id = $1 AND id = $2 AND state = 'failed'`,
			int64(tenant), int64(id))
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return pgx.ErrNoRows
		}
		return s.enqueueMail(ctx, tx, tenant, "inbound", int64(id))
	})
	return mapErr(err, "retry inbound mail %d", id)
}

// RetryOutboundMail implements helpdesk.MailStore.
func (s *Store) RetryOutboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE mail_outbox SET state = 'queued', last_error = '' WHERE tenant_id = $1 AND id = $2 AND state = 'failed'`,
			int64(tenant), int64(id))
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return pgx.ErrNoRows
		}
		return s.enqueueMail(ctx, tx, tenant, "outbound", int64(id))
	})
	return mapErr(err, "retry outbound mail %d", id)
}

// InboundMail loads a received message with its bytes.
func (s *Store) InboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InboundMailID) (helpdesk.InboundMail, error) {
	var m helpdesk.InboundMail
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		m, err = scanInbound(tx.QueryRow(ctx, `SELECT `+inboundColumns+` FROM mail_inbound WHERE tenant_id = $1 AND id = $2`,
			int64(tenant), int64(id)))
		return err
	})
	return m, mapErr(err, "inbound mail %d", id)
}

// OutboundMail loads an outbox message with its rendered bytes.
func (s *Store) OutboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID) (helpdesk.OutboundMail, error) {
	var m helpdesk.OutboundMail
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		m, err = scanOutbound(tx.QueryRow(ctx, `SELECT `+outboundColumns+`
			FROM mail_outbox o JOIN tickets t ON t.tenant_id = o.tenant_id AND t.id = o.ticket_id
			WHERE o.tenant_id = $1 AND o.id = $2`, int64(tenant), int64(id)))
		return err
	})
	return m, mapErr(err, "outbound mail %d", id)
}

// SaveRenderedMail fixes the rendered form of an outbox message; a message
// already rendered keeps its first rendering (returned).
func (s *Store) SaveRenderedMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID, messageID, subject string, raw []byte) (helpdesk.OutboundMail, error) {
	var m helpdesk.OutboundMail
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE mail_outbox SET message_id = $3, subject = $4, raw = $5
			WHERE tenant_id = $1 AND id = $2 AND raw IS NULL`, int64(tenant), int64(id), messageID, clip(subject, 998), raw); err != nil {
			return err
		}
		var err error
		m, err = scanOutbound(tx.QueryRow(ctx, `SELECT `+outboundColumns+`
			FROM mail_outbox o JOIN tickets t ON t.tenant_id = o.tenant_id AND t.id = o.ticket_id
			WHERE o.tenant_id = $1 AND o.id = $2`, int64(tenant), int64(id)))
		return err
	})
	return m, mapErr(err, "save rendered mail %d", id)
}

// FinishOutboundMail records a delivery attempt: state is sent or local
// when it went out (or stays local), queued after a failure that will be
// retried, failed when the worker gives up.
func (s *Store) FinishOutboundMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.OutboundMailID, state helpdesk.OutboundState, cause string, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var sent *time.Time
		if state == helpdesk.OutboundSent || state == helpdesk.OutboundLocal {
			sent = &at
		}
		_, err := tx.Exec(ctx, `UPDATE mail_outbox SET state = $3, last_error = $4, attempts = attempts + 1,
				sent_at = coalesce($5, sent_at) WHERE tenant_id = $1 AND id = $2`,
			int64(tenant), int64(id), string(state), clip(cause, 1000), sent)
		return err
	})
	return mapErr(err, "finish outbound mail %d", id)
}

// ThreadMessageIDs returns the Message-IDs of mail received on ticket n,
// oldest first, at most limit: the References of mail about it.
func (s *Store) ThreadMessageIDs(ctx context.Context, tenant helpdesk.TenantID, n helpdesk.TicketNumber, limit int) ([]string, error) {
	var out []string
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT message_id FROM mail_inbound
			WHERE tenant_id = $1 AND ticket_number = $2 AND duplicate_of IS NULL AND message_id NOT LIKE '%@atiende.invalid'
			ORDER BY id LIMIT $3`, int64(tenant), int64(n), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	return out, mapErr(err, "thread of %s", n)
}

// TenantByID loads a tenant from the public directory.
func (s *Store) TenantByID(ctx context.Context, id helpdesk.TenantID) (helpdesk.Tenant, error) {
	t, err := scanTenant(s.q().QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, int64(id)))
	return t, mapErr(err, "tenant %d", id)
}
