package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The account outbox, the public forms' requests and the set-password
// tokens (migrations/00020_accounts_security.sql).

const accountMailColumns = `id, kind, coalesce(recipient_id, 0), coalesce(invitation_id, 0), to_addr, to_name, language, detail,
	message_id, subject, raw, state, attempts, last_error, created_at, coalesce(sent_at, 'epoch')`

func scanAccountMail(row pgx.Row) (helpdesk.AccountMail, error) {
	var m helpdesk.AccountMail
	var id, recipient, inv int64
	var kind, state string
	err := row.Scan(&id, &kind, &recipient, &inv, &m.To, &m.ToName, &m.Language, &m.Detail,
		&m.MessageID, &m.Subject, &m.Raw, &state, &m.Attempts, &m.LastError, &m.CreatedAt, &m.SentAt)
	if err != nil {
		return m, err
	}
	m.ID, m.Recipient, m.Invitation = helpdesk.AccountMailID(id), helpdesk.UserID(recipient), helpdesk.InvitationID(inv)
	m.Kind, m.State = helpdesk.AccountMailKind(kind), helpdesk.OutboundState(state)
	if m.SentAt.Equal(time.Unix(0, 0)) {
		m.SentAt = time.Time{}
	}
	return m, nil
}

// QueueAccountMail implements helpdesk.AccountMailStore.
func (s *Store) QueueAccountMail(ctx context.Context, tenant helpdesk.TenantID, m helpdesk.AccountMail) (helpdesk.AccountMailID, error) {
	var id int64
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO account_mail (tenant_id, kind, recipient_id, invitation_id, to_addr, to_name,
				language, detail, state, created_at)
			VALUES (@tenant, @kind, nullif(@recipient, 0), nullif(@invitation, 0), @to, @name, @language, @detail, 'queued', @at)
			RETURNING id`, pgx.NamedArgs{
			"tenant": int64(tenant), "kind": string(m.Kind), "recipient": int64(m.Recipient), "invitation": int64(m.Invitation),
			"to": m.To, "name": clip(m.ToName, 200), "language": m.Language, "detail": clip(m.Detail, 300), "at": m.CreatedAt,
		}).Scan(&id)
		if err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, tenant, "account", id)
	})
	return helpdesk.AccountMailID(id), mapErr(err, "queue account mail")
}

// AccountMailForUpdate implements helpdesk.AccountMailStore.
func (s *Store) AccountMailForUpdate(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.AccountMailID) (helpdesk.AccountMail, error) {
	var m helpdesk.AccountMail
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		m, err = scanAccountMail(tx.QueryRow(ctx, `SELECT `+accountMailColumns+` FROM account_mail
			WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, int64(tenant), int64(id)))
		return err
	})
	return m, mapErr(err, "account mail %d", id)
}

// SaveRenderedAccountMail implements helpdesk.AccountMailStore.
func (s *Store) SaveRenderedAccountMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.AccountMailID, messageID, subject string, raw []byte) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `UPDATE account_mail SET message_id = $3, subject = $4, raw = $5
			WHERE tenant_id = $1 AND id = $2 AND raw IS NULL`, int64(tenant), int64(id), messageID, clip(subject, 998), raw))
	})
	return mapErr(err, "save rendered account mail %d", id)
}

// FinishAccountMail implements helpdesk.AccountMailStore. Bytes that carry
// a link are dropped once sent: the recipient has them, nobody else needs
// them.
func (s *Store) FinishAccountMail(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.AccountMailID, state helpdesk.OutboundState, lastError string, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `UPDATE account_mail SET state = $3, last_error = $4,
				attempts = attempts + CASE WHEN $3 IN ('queued', 'failed') THEN 1 ELSE 0 END,
				sent_at = CASE WHEN $3 = 'sent' THEN $5 ELSE sent_at END,
				raw = CASE WHEN $3 = 'sent' AND kind IN ('reset', 'claim', 'invitation') THEN NULL ELSE raw END
			WHERE tenant_id = $1 AND id = $2 AND state = 'queued'`, int64(tenant), int64(id), string(state), clip(lastError, 1000), at))
	})
	return mapErr(err, "finish account mail %d", id)
}

// AccountMails implements helpdesk.AccountMailStore.
func (s *Store) AccountMails(ctx context.Context, tenant helpdesk.TenantID, limit int) ([]helpdesk.AccountMail, error) {
	var out []helpdesk.AccountMail
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, kind, coalesce(recipient_id, 0), coalesce(invitation_id, 0), to_addr, to_name, language,
				detail, message_id, subject, NULL::bytea, state, attempts, last_error, created_at, coalesce(sent_at, 'epoch')
			FROM account_mail WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2`, int64(tenant), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.AccountMail, error) { return scanAccountMail(r) })
		return err
	})
	return out, mapErr(err, "account mails")
}

// RecordAccountRequest implements helpdesk.AccountMailStore: the row and
// its job, one transaction.
func (s *Store) RecordAccountRequest(ctx context.Context, tenant helpdesk.TenantID, r helpdesk.AccountRequest) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO account_requests (tenant_id, email, language, requested_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, int64(tenant), r.Email, r.Language, r.RequestedAt).Scan(&id); err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, tenant, "account_request", id)
	})
	return mapErr(err, "record account request")
}

// AccountRequestForUpdate implements helpdesk.AccountMailStore.
func (s *Store) AccountRequestForUpdate(ctx context.Context, tenant helpdesk.TenantID, id int64) (helpdesk.AccountRequest, bool, error) {
	r := helpdesk.AccountRequest{ID: id}
	var done bool
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT email, language, requested_at, resolved_at IS NOT NULL FROM account_requests
			WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, int64(tenant), id).Scan(&r.Email, &r.Language, &r.RequestedAt, &done)
	})
	return r, done, mapErr(err, "account request %d", id)
}

// ResolveAccountRequest implements helpdesk.AccountMailStore.
func (s *Store) ResolveAccountRequest(ctx context.Context, tenant helpdesk.TenantID, id int64, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `UPDATE account_requests SET resolved_at = $3 WHERE tenant_id = $1 AND id = $2`, int64(tenant), id, at))
	})
	return mapErr(err, "resolve account request %d", id)
}

// CreatePasswordToken implements helpdesk.AccountMailStore: the user's
// older tokens stop working in the same transaction.
func (s *Store) CreatePasswordToken(ctx context.Context, tenant helpdesk.TenantID, t helpdesk.PasswordToken) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE password_tokens SET voided_at = $3
			WHERE tenant_id = $1 AND user_id = $2 AND used_at IS NULL AND voided_at IS NULL`, int64(tenant), int64(t.User), t.CreatedAt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO password_tokens (tenant_id, user_id, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, int64(tenant), int64(t.User), t.Hash, t.CreatedAt, t.ExpiresAt)
		return err
	})
	return mapErr(err, "create password token")
}

// PasswordTokenByHash implements helpdesk.AccountMailStore. The hash is a
// secret's: it stays out of error messages.
func (s *Store) PasswordTokenByHash(ctx context.Context, tenant helpdesk.TenantID, hash []byte) (helpdesk.PasswordToken, error) {
	t := helpdesk.PasswordToken{Hash: hash}
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var user int64
		var used, voided *time.Time
		err := tx.QueryRow(ctx, `SELECT id, user_id, created_at, expires_at, used_at, voided_at FROM password_tokens
			WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE`, int64(tenant), hash).
			Scan(&t.ID, &user, &t.CreatedAt, &t.ExpiresAt, &used, &voided)
		t.User = helpdesk.UserID(user)
		if used != nil {
			t.UsedAt = *used
		}
		if voided != nil {
			t.VoidedAt = *voided
		}
		return err
	})
	return t, mapErr(err, "password token")
}

// UsePasswordToken implements helpdesk.AccountMailStore.
func (s *Store) UsePasswordToken(ctx context.Context, tenant helpdesk.TenantID, id int64, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `UPDATE password_tokens SET used_at = $3
			WHERE tenant_id = $1 AND id = $2 AND used_at IS NULL AND voided_at IS NULL`, int64(tenant), id, at))
	})
	return mapErr(err, "use password token %d", id)
}

// VoidPasswordTokens implements helpdesk.AccountMailStore.
func (s *Store) VoidPasswordTokens(ctx context.Context, tenant helpdesk.TenantID, user helpdesk.UserID, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE password_tokens SET voided_at = $3
			WHERE tenant_id = $1 AND user_id = $2 AND used_at IS NULL AND voided_at IS NULL`, int64(tenant), int64(user), at)
		return err
	})
	return mapErr(err, "void password tokens of %d", user)
}

// InvitationByID implements helpdesk.AccountMailStore.
func (s *Store) InvitationByID(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InvitationID) (helpdesk.Invitation, error) {
	var out helpdesk.Invitation
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanInvitation(tx.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations
			WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id)))
		return err
	})
	return out, mapErr(err, "invitation %d", id)
}

// SetInvitationMailToken implements helpdesk.AccountMailStore.
func (s *Store) SetInvitationMailToken(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InvitationID, hash []byte, at time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `UPDATE invitations SET mail_token_hash = $3, mailed_at = $4
			WHERE tenant_id = $1 AND id = $2`, int64(tenant), int64(id), hash, at))
	})
	return mapErr(err, "invitation %d mail token", id)
}

// RenewInvitation implements helpdesk.AccountMailStore.
func (s *Store) RenewInvitation(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.InvitationID, expires time.Time) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		return accountOneRow(tx.Exec(ctx, `UPDATE invitations SET expires_at = $3
			WHERE tenant_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL`, int64(tenant), int64(id), expires))
	})
	return mapErr(err, "renew invitation %d", id)
}

// GuestTicketNumbers implements helpdesk.AccountMailStore.
func (s *Store) GuestTicketNumbers(ctx context.Context, tenant helpdesk.TenantID, email string) ([]helpdesk.TicketNumber, error) {
	var out []helpdesk.TicketNumber
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT number FROM tickets
			WHERE tenant_id = $1 AND requester_id IS NULL AND lower(guest_email) = lower($2) ORDER BY number LIMIT 1000`, int64(tenant), email)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[helpdesk.TicketNumber])
		return err
	})
	return out, mapErr(err, "guest tickets")
}

// accountOneRow turns an update that changed no row into ErrNoRows.
func accountOneRow(tag pgconn.CommandTag, err error) error {
	if err == nil && tag.RowsAffected() == 0 {
		return pgx.ErrNoRows
	}
	return err
}
