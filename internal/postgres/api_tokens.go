package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/atiende/atiende/internal/helpdesk"
)

const apiTokenColumns = `t.id, t.name, t.hint, t.scopes, t.acting_user_id, u.name, t.integration, t.language,
	t.rate_per_min, t.expires_at, t.created_at, t.revoked_at, t.last_used_at, t.last_used_ip`

const apiTokenFrom = ` FROM api_tokens t JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.acting_user_id`

func scanAPIToken(row pgx.Row) (helpdesk.APIToken, error) {
	var t helpdesk.APIToken
	var id, user int64
	var scopes []string
	var expires, revoked, used *time.Time
	err := row.Scan(&id, &t.Name, &t.Hint, &scopes, &user, &t.ActingName, &t.Integration, &t.Language,
		&t.RatePerMin, &expires, &t.CreatedAt, &revoked, &used, &t.LastUsedIP)
	if err != nil {
		return helpdesk.APIToken{}, err
	}
	t.ID, t.ActingUser = helpdesk.APITokenID(id), helpdesk.UserID(user)
	for _, s := range scopes {
		t.Scopes = append(t.Scopes, helpdesk.APIScope(s))
	}
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = deref(expires), deref(revoked), deref(used)
	t.CreatedAt = t.CreatedAt.UTC()
	return t, nil
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// InsertAPIToken stores t; an integration token first gets its own
// identity: an inactive staff row named after the token, with an address
// under the reserved .invalid domain that no one can receive mail at.
func (s *Store) InsertAPIToken(ctx context.Context, tenant helpdesk.TenantID, t helpdesk.APIToken, hash []byte) (helpdesk.APIToken, error) {
	const user = `INSERT INTO users (tenant_id, email, name, role, active) VALUES ($1, $2, $3, $4, false) RETURNING id`
	const q = `WITH t AS (INSERT INTO api_tokens (tenant_id, name, secret_hash, hint, scopes, acting_user_id, integration,
			language, rate_per_min, expires_at, created_at)
		VALUES (@tenant, @name, @hash, @hint, @scopes, @user, @integration, @language, @rate, @expires, @created)
		RETURNING *) SELECT ` + apiTokenColumns + ` FROM t JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.acting_user_id`
	var out helpdesk.APIToken
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		if t.Integration {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			email := "integration-" + hex.EncodeToString(b) + "@api.invalid"
			role := helpdesk.RoleAgent
			if t.NeedsAdmin() {
				role = helpdesk.RoleAdmin
			}
			var id int64
			if err := tx.QueryRow(ctx, user, int64(tenant), email, t.Name, role.String()).Scan(&id); err != nil {
				return err
			}
			t.ActingUser = helpdesk.UserID(id)
		}
		scopes := make([]string, len(t.Scopes))
		for i, sc := range t.Scopes {
			scopes[i] = string(sc)
		}
		var err error
		out, err = scanAPIToken(tx.QueryRow(ctx, q, pgx.NamedArgs{
			"tenant": int64(tenant), "name": t.Name, "hash": hash, "hint": t.Hint, "scopes": scopes,
			"user": int64(t.ActingUser), "integration": t.Integration, "language": t.Language, "rate": t.RatePerMin,
			"expires": nullTime(t.ExpiresAt), "created": t.CreatedAt,
		}))
		return err
	})
	return out, mapErr(err, "insert API token")
}

// APITokens lists the tenant's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, tenant helpdesk.TenantID) ([]helpdesk.APIToken, error) {
	const q = `SELECT ` + apiTokenColumns + apiTokenFrom + ` WHERE t.tenant_id = $1 ORDER BY t.created_at DESC, t.id DESC`
	var out []helpdesk.APIToken
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, int64(tenant))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (helpdesk.APIToken, error) { return scanAPIToken(r) })
		return err
	})
	return out, mapErr(err, "API tokens")
}

// APIToken loads one token.
func (s *Store) APIToken(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.APITokenID) (helpdesk.APIToken, error) {
	const q = `SELECT ` + apiTokenColumns + apiTokenFrom + ` WHERE t.tenant_id = $1 AND t.id = $2`
	var out helpdesk.APIToken
	err := s.readRow(ctx, tenant, q, []any{int64(tenant), int64(id)}, func(row pgx.Row) error {
		var err error
		out, err = scanAPIToken(row)
		return err
	})
	return out, mapErr(err, "API token %d", id)
}

// APITokenByHash finds a token by its secret's hash.
func (s *Store) APITokenByHash(ctx context.Context, tenant helpdesk.TenantID, hash []byte) (helpdesk.APIToken, error) {
	const q = `SELECT ` + apiTokenColumns + apiTokenFrom + ` WHERE t.tenant_id = $1 AND t.secret_hash = $2`
	var out helpdesk.APIToken
	err := s.readRow(ctx, tenant, q, []any{int64(tenant), hash}, func(row pgx.Row) error {
		var err error
		out, err = scanAPIToken(row)
		return err
	})
	return out, mapErr(err, "API token by hash")
}

// RevokeAPIToken marks a token revoked at at.
func (s *Store) RevokeAPIToken(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.APITokenID, at time.Time) (helpdesk.APIToken, error) {
	const q = `UPDATE api_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q, int64(tenant), int64(id), at)
		return err
	})
	if err != nil {
		return helpdesk.APIToken{}, mapErr(err, "revoke API token %d", id)
	}
	return s.APIToken(ctx, tenant, id)
}

// TouchAPIToken records a use at most once a minute per address, so a
// busy integration does not rewrite its token row on every request.
func (s *Store) TouchAPIToken(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.APITokenID, at time.Time, ip string) error {
	const q = `UPDATE api_tokens SET last_used_at = $3, last_used_ip = left($4, 64)
		WHERE tenant_id = $1 AND id = $2
		AND (last_used_at IS NULL OR last_used_at < $3::timestamptz - interval '1 minute' OR last_used_ip <> left($4, 64))`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q, int64(tenant), int64(id), at, ip)
		return err
	})
	return mapErr(err, "touch API token %d", id)
}

// claimWait bounds how long a claim made inside a creating transaction
// waits for a concurrent request with the same key to commit (the domain's
// polling claim waits as long): past it the request is ErrInFlight, and the
// client retries later.
const claimWait = "10s"

const claimSQL = `INSERT INTO api_idempotency AS a (tenant_id, token_id, key, fingerprint, created_at)
	VALUES (@tenant, @token, @key, @fp, @now)
	ON CONFLICT (tenant_id, token_id, key) DO UPDATE
		SET fingerprint = EXCLUDED.fingerprint, created_at = EXCLUDED.created_at,
			status = NULL, content_type = '', location = '', body = NULL
		WHERE (a.status IS NULL AND a.created_at < @stale) OR a.created_at < @expired
	RETURNING true`

// ClaimIdempotency inserts a pending record, or returns the one there. A
// stale pending claim or an expired record is taken over in the same
// statement. Inside an open transaction (a claim made with the work it
// guards) the insert waits at most claimWait for a concurrent claim of the
// same key to commit or roll back, and then reads what it left.
func (s *Store) ClaimIdempotency(ctx context.Context, tenant helpdesk.TenantID, token helpdesk.APITokenID, key string, fp []byte, now, stale, expired time.Time) (helpdesk.IdempotencyRecord, bool, error) {
	const read = `SELECT fingerprint, status, content_type, location, body FROM api_idempotency
		WHERE tenant_id = $1 AND token_id = $2 AND key = $3`
	args := pgx.NamedArgs{"tenant": int64(tenant), "token": int64(token), "key": key,
		"fp": fp, "now": now, "stale": stale, "expired": expired}
	var rec helpdesk.IdempotencyRecord
	claimed := false
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		err := s.claimRow(ctx, tx, args, &claimed)
		if err == nil || err != pgx.ErrNoRows {
			return err
		}
		// A new statement, so a new snapshot: it sees the row a concurrent
		// claim committed while the insert waited.
		var status *int32
		err = tx.QueryRow(ctx, read, int64(tenant), int64(token), key).Scan(&rec.Fingerprint, &status,
			&rec.Response.ContentType, &rec.Response.Location, &rec.Response.Body)
		if status != nil {
			rec.Done, rec.Response.Status = true, int(*status)
		}
		return err
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
		return rec, false, fmt.Errorf("postgres: claim idempotency key: %w", helpdesk.ErrInFlight)
	}
	return rec, claimed, mapErr(err, "claim idempotency key")
}

// claimRow runs claimSQL; in the store's open transaction it runs under
// claimWait, set and reset around it in the same round trip.
func (s *Store) claimRow(ctx context.Context, tx pgx.Tx, args pgx.NamedArgs, claimed *bool) error {
	if s.tx == nil {
		return tx.QueryRow(ctx, claimSQL, args).Scan(claimed)
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT set_config('lock_timeout', '` + claimWait + `', true)`)
	b.Queue(claimSQL, args)
	b.Queue(`RESET lock_timeout`)
	br := tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		_ = br.Close()
		return err
	}
	// Close runs the reset even when the claim found a row it may not take
	// (pgx.ErrNoRows, which the caller reads as "claimed before").
	err := br.QueryRow().Scan(claimed)
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// FinishIdempotency stores the answer of a claimed key.
func (s *Store) FinishIdempotency(ctx context.Context, tenant helpdesk.TenantID, token helpdesk.APITokenID, key string, r helpdesk.StoredResponse) error {
	const q = `UPDATE api_idempotency SET status = $4, content_type = $5, location = $6, body = $7
		WHERE tenant_id = $1 AND token_id = $2 AND key = $3`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q, int64(tenant), int64(token), key, r.Status, r.ContentType, r.Location, r.Body)
		return err
	})
	return mapErr(err, "finish idempotency key")
}

// ReleaseIdempotency deletes a pending claim.
func (s *Store) ReleaseIdempotency(ctx context.Context, tenant helpdesk.TenantID, token helpdesk.APITokenID, key string) error {
	const q = `DELETE FROM api_idempotency WHERE tenant_id = $1 AND token_id = $2 AND key = $3 AND status IS NULL`
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, q, int64(tenant), int64(token), key)
		return err
	})
	return mapErr(err, "release idempotency key")
}

// SaveCall records the phone call behind a ticket.
func (s *Store) SaveCall(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID, c helpdesk.PhoneCall) error {
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		queueSaveCall(b, tenant, ticket, c)
		return tx.SendBatch(ctx, b).Close()
	})
	return mapErr(err, "save call")
}

// queueSaveCall queues SaveCall's statement.
func queueSaveCall(b *pgx.Batch, tenant helpdesk.TenantID, ticket helpdesk.TicketID, c helpdesk.PhoneCall) {
	const q = `INSERT INTO ticket_calls (tenant_id, ticket_id, caller_number, started_at, duration_seconds, agent_id)
		VALUES ($1, $2, $3, $4, $5, nullif($6, 0))
		ON CONFLICT (tenant_id, ticket_id) DO UPDATE SET caller_number = EXCLUDED.caller_number,
			started_at = EXCLUDED.started_at, duration_seconds = EXCLUDED.duration_seconds, agent_id = EXCLUDED.agent_id`
	var dur *int
	if c.Duration >= 0 {
		d := int(c.Duration / time.Second)
		dur = &d
	}
	b.Queue(q, int64(tenant), int64(ticket), c.CallerNumber, nullTime(c.StartedAt), dur, int64(c.Agent))
}

// TicketCall loads the call behind a ticket.
func (s *Store) TicketCall(ctx context.Context, tenant helpdesk.TenantID, ticket helpdesk.TicketID) (helpdesk.PhoneCall, error) {
	const q = `SELECT c.caller_number, c.started_at, c.duration_seconds, coalesce(c.agent_id, 0), coalesce(u.name, '')
		FROM ticket_calls c LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.agent_id
		WHERE c.tenant_id = $1 AND c.ticket_id = $2`
	var c helpdesk.PhoneCall
	err := s.readRow(ctx, tenant, q, []any{int64(tenant), int64(ticket)}, func(row pgx.Row) error {
		var err error
		c, err = scanCall(row)
		return err
	})
	return c, mapErr(err, "call of ticket %d", ticket)
}

// scanCall reads TicketCall's columns.
func scanCall(row pgx.Row) (helpdesk.PhoneCall, error) {
	var c helpdesk.PhoneCall
	var started *time.Time
	var dur *int32
	var agent int64
	if err := row.Scan(&c.CallerNumber, &started, &dur, &agent, &c.AgentName); err != nil {
		return c, err
	}
	callTimes(&c, started, dur, agent)
	return c, nil
}

// callTimes fills in c's start, duration (-1: unknown) and agent from
// their columns.
func callTimes(c *helpdesk.PhoneCall, started *time.Time, dur *int32, agent int64) {
	c.StartedAt, c.Agent, c.Duration = deref(started), helpdesk.UserID(agent), -1
	if dur != nil {
		c.Duration = time.Duration(*dur) * time.Second
	}
}

// CreatedTicketView implements helpdesk.CallStore: ticket n, the desk's
// field definitions and n's call, in one batch (one round trip, where
// Ticket, CustomFieldDefs and TicketCall take three).
func (s *Store) CreatedTicketView(ctx context.Context, tenant helpdesk.TenantID, created helpdesk.TicketRef, save *helpdesk.PhoneCall) (helpdesk.Ticket, []helpdesk.CustomFieldDef, *helpdesk.PhoneCall, error) {
	n := created.Number
	const fields = `SELECT ` + fieldColumns + ` FROM custom_field_defs WHERE tenant_id = $1 ORDER BY position, id`
	const call = `SELECT c.caller_number, c.started_at, c.duration_seconds, coalesce(c.agent_id, 0), coalesce(u.name, '')
		FROM ticket_calls c JOIN tickets t ON t.tenant_id = c.tenant_id AND t.id = c.ticket_id
		LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.agent_id
		WHERE c.tenant_id = $1 AND t.number = $2`
	var t helpdesk.Ticket
	var defs []helpdesk.CustomFieldDef
	var pc *helpdesk.PhoneCall
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		if save != nil {
			queueSaveCall(b, tenant, created.ID, *save)
		}
		b.Queue(ticketSelect, pgx.NamedArgs{"tenant": int64(tenant), "number": int64(n)}).QueryRow(func(row pgx.Row) error {
			var err error
			t, err = scanTicket(row, tenant)
			return err
		})
		b.Queue(fields, int64(tenant)).Query(func(rows pgx.Rows) error {
			var err error
			defs, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (helpdesk.CustomFieldDef, error) { return scanField(row) })
			return err
		})
		b.Queue(call, int64(tenant), int64(n)).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				c, err := scanCall(rows)
				if err != nil {
					return err
				}
				pc = &c
			}
			return rows.Err()
		})
		return tx.SendBatch(ctx, b).Close()
	})
	return t, defs, pc, mapErr(err, "created ticket %s", n)
}
