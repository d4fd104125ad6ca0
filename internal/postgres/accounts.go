package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

const tenantColumns = `id, slug, name, language, time_zone, created_at, guest_tickets, accent_color, logo_updated_at`

func scanTenant(row pgx.Row) (helpdesk.Tenant, error) {
	var t helpdesk.Tenant
	var id int64
	var logo *time.Time
	err := row.Scan(&id, &t.Slug, &t.Name, &t.Language, &t.TimeZone, &t.CreatedAt, &t.GuestTickets, &t.AccentColor, &logo)
	t.ID = helpdesk.TenantID(id)
	if logo != nil {
		t.LogoUpdatedAt = logo.UTC()
	}
	return t, err
}

// CreateTenant inserts the tenant, then its first user in a transaction
// bound to the new tenant, so the user row passes the RLS check.
func (s *Store) CreateTenant(ctx context.Context, t helpdesk.Tenant, admin helpdesk.User) (helpdesk.Tenant, helpdesk.User, error) {
	if s.tx != nil {
		return t, admin, fmt.Errorf("postgres: CreateTenant inside a transaction")
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// A desk created without a zone takes the column's default: it may
		// not be empty (the reports' local days are read in it).
		zone := "$4"
		args := []any{t.Slug, t.Name, t.Language, t.TimeZone}
		if t.TimeZone == "" {
			zone, args = "DEFAULT", args[:3]
		}
		q := `INSERT INTO tenants (slug, name, language, time_zone) VALUES ($1, $2, $3, ` + zone + `) RETURNING ` + tenantColumns
		created, err := scanTenant(tx.QueryRow(ctx, q, args...))
		if err != nil {
			return mapErr(err, "create tenant %q", t.Slug)
		}
		t = created
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(t.ID), 10)); err != nil {
			return fmt.Errorf("postgres: set tenant: %w", err)
		}
		inner := &Store{pool: s.pool, tx: tx, tenant: t.ID, jobs: s.jobs, prunes: s.prunes}
		admin, err = inner.CreateUser(ctx, t.ID, admin)
		return err
	})
	return t, admin, err
}

// TenantBySlug reads the public tenant directory.
func (s *Store) TenantBySlug(ctx context.Context, slug string) (helpdesk.Tenant, error) {
	const q = `SELECT ` + tenantColumns + ` FROM tenants WHERE slug = $1`
	t, err := scanTenant(s.q().QueryRow(ctx, q, slug))
	return t, mapErr(err, "tenant %q", slug)
}

const userColumns = `id, tenant_id, email, name, role, password_hash, coalesce(organisation_id, 0), language, active, created_at, phone, session_epoch,
	availability, coalesce(max_open_tickets, 0), coalesce(merged_into_id, 0)`

func scanUser(row pgx.Row) (helpdesk.User, error) {
	var u helpdesk.User
	var id, tenant, org, merged int64
	var role, availability string
	err := row.Scan(&id, &tenant, &u.Email, &u.Name, &role, &u.PasswordHash, &org, &u.Language, &u.Active, &u.CreatedAt, &u.Phone, &u.SessionEpoch,
		&availability, &u.MaxOpenTickets, &merged)
	if err != nil {
		return u, err
	}
	u.ID, u.Tenant, u.Organisation = helpdesk.UserID(id), helpdesk.TenantID(tenant), helpdesk.OrganisationID(org)
	u.Availability, u.MergedInto = helpdesk.Availability(availability), helpdesk.UserID(merged)
	u.Role, err = helpdesk.ParseRole(role)
	return u, err
}

// CreateUser inserts u into tenant; a taken email is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, tenant helpdesk.TenantID, u helpdesk.User) (helpdesk.User, error) {
	const q = `INSERT INTO users (tenant_id, email, name, role, password_hash, organisation_id, language, active, phone)
		VALUES (@tenant, @email, @name, @role, @hash, nullif(@org, 0), @language, @active, @phone)
		RETURNING ` + userColumns
	var out helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		out, err = scanUser(tx.QueryRow(ctx, q, pgx.NamedArgs{
			"tenant": int64(tenant), "email": u.Email, "name": u.Name, "role": u.Role.String(),
			"hash": u.PasswordHash, "org": int64(u.Organisation), "language": u.Language, "active": u.Active,
			"phone": u.Phone,
		}))
		return err
	})
	return out, mapErr(err, "create user %q", u.Email)
}

// User loads one user of tenant.
func (s *Store) User(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.UserID) (helpdesk.User, error) {
	const q = `SELECT ` + userColumns + ` FROM users WHERE tenant_id = $1 AND id = $2`
	var u helpdesk.User
	err := s.readRow(ctx, tenant, q, []any{int64(tenant), int64(id)}, func(row pgx.Row) error {
		var err error
		u, err = scanUser(row)
		return err
	})
	return u, mapErr(err, "user %d", id)
}

// userByEmailSQL finds a user by email_key, not the citext column (see
// migration 00049). The address is lowered by PostgreSQL's lower(), the
// function and locale that made email_key (Go's lowering differs outside
// ASCII under some locales), in an uncorrelated subquery: under row-level
// security a condition calling lower() is no index condition even on a
// parameter, but the subquery runs once before the scan and is compared
// as a parameter (TestUserByEmailReadsTheAddressIndex).
const userByEmailSQL = `SELECT ` + userColumns + ` FROM users WHERE tenant_id = $1 AND email_key = (SELECT lower($2::text))`

// UserByEmail loads a user of tenant by (case-insensitive) email.
func (s *Store) UserByEmail(ctx context.Context, tenant helpdesk.TenantID, email string) (helpdesk.User, error) {
	const q = userByEmailSQL
	var u helpdesk.User
	err := s.inTenant(ctx, tenant, func(tx pgx.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRow(ctx, q, int64(tenant), email))
		return err
	})
	return u, mapErr(err, "user by email")
}

// hitSQL counts one event against key ($1) in a fixed window ($2) and
// returns the window's count.
const hitSQL = `INSERT INTO rate_limits AS r (key, window_start, hits) VALUES ($1, now(), 1)
	ON CONFLICT (key) DO UPDATE SET
		window_start = CASE WHEN r.window_start < now() - $2::interval THEN now() ELSE r.window_start END,
		hits = CASE WHEN r.window_start < now() - $2::interval THEN 1 ELSE r.hits + 1 END
	RETURNING hits`

// Hit counts one event against key in a fixed window and reports whether
// the count is still within limit. The counter lives in Postgres so that
// every server process shares it.
func (s *Store) Hit(ctx context.Context, key string, window time.Duration, limit int) (bool, error) {
	var hits int
	if err := s.pool.QueryRow(ctx, hitSQL, key, window).Scan(&hits); err != nil {
		return false, fmt.Errorf("postgres: rate limit: %w", err)
	}
	return hits <= limit, nil
}

// Hits reports the count of key in its current window without counting.
func (s *Store) Hits(ctx context.Context, key string, window time.Duration) (int, error) {
	var hits int
	err := s.pool.QueryRow(ctx, `SELECT coalesce((SELECT hits FROM rate_limits
		WHERE key = $1 AND window_start >= now() - $2::interval), 0)`, key, window).Scan(&hits)
	if err != nil {
		return 0, fmt.Errorf("postgres: rate limit: %w", err)
	}
	return hits, nil
}

// PruneRateLimits deletes counters whose window ended long ago.
func (s *Store) PruneRateLimits(ctx context.Context, olderThan time.Duration) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM rate_limits WHERE window_start < now() - $1::interval`, olderThan)
	return mapErr(err, "prune rate limits")
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	return mapErr(err, "delete expired sessions")
}
