package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// roleLockKey serializes EnsureRole callers (pg_advisory_lock key).
const roleLockKey = 0x61746965_6e646501 // "atiende" + 1

// EnsureRole makes role an ordinary login role (NOSUPERUSER NOBYPASSRLS,
// with CREATEDB) and db a database owned by it, creating either when missing,
// and checks that role can create the citext extension in db (a trusted
// extension since PostgreSQL 13, so the database owner may). It connects as
// the superuser postgres over the socket, so the server must be running.
//
// An ordinary role matters: row-level security never binds superusers or
// BYPASSRLS roles.
func (c *Cluster) EnsureRole(ctx context.Context, role, db string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres", "postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: connect as postgres: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// A session lock, released when the connection closes.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(roleLockKey)); err != nil {
		return fmt.Errorf("pgcluster: lock: %w", err)
	}

	r := pgx.Identifier{role}.Sanitize()
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
		return fmt.Errorf("pgcluster: look up role %s: %w", role, err)
	}
	verb := "CREATE"
	if exists {
		verb = "ALTER" // also demotes a role someone made superuser
	}
	if _, err := conn.Exec(ctx, verb+` ROLE `+r+` LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB`); err != nil {
		return fmt.Errorf("pgcluster: %s role %s: %w", verb, role, err)
	}

	var owner string
	err = conn.QueryRow(ctx, `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1`, db).Scan(&owner)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{db}.Sanitize()+` OWNER `+r); err != nil {
			return fmt.Errorf("pgcluster: create database %s: %w", db, err)
		}
	case err != nil:
		return fmt.Errorf("pgcluster: look up database %s: %w", db, err)
	case owner != role:
		return fmt.Errorf("pgcluster: database %s is owned by %s, not %s", db, owner, role)
	}
	return checkCitext(ctx, c.URL(role, db))
}

// EnsureRoles sets up the two-role layout the application expects: owner,
// an ordinary login role (NOSUPERUSER NOBYPASSRLS) owning database db, as
// which migrations run; and app, an ordinary login role with no other right
// than to connect to db, as which the application runs. Each is created when
// missing; the grants inside db are left to the migrations (atiende migrate
// up grants app what it needs). It connects as the superuser postgres over
// the socket, so the server must be running.
//
// A cluster made before the split, where app owned db and everything in it,
// is converted with REASSIGN OWNED BY app TO owner run inside db, which
// moves db itself too (and any other database app owns); reassigned then
// reports true.
func (c *Cluster) EnsureRoles(ctx context.Context, owner, app, db string) (reassigned bool, err error) {
	if owner == app {
		return false, fmt.Errorf("pgcluster: the owner and application roles must differ (both %s)", owner)
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres", "postgres"))
	if err != nil {
		return false, fmt.Errorf("pgcluster: connect as postgres: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(roleLockKey)); err != nil {
		return false, fmt.Errorf("pgcluster: lock: %w", err)
	}
	if err := ensureLoginRole(ctx, conn, owner, "NOCREATEROLE"); err != nil {
		return false, err
	}
	if err := ensureLoginRole(ctx, conn, app, "NOCREATEDB NOCREATEROLE"); err != nil {
		return false, err
	}

	var dbOwner string
	var appOwnsSomething bool
	err = conn.QueryRow(ctx, `
		SELECT pg_get_userbyid(d.datdba),
		       EXISTS (SELECT FROM pg_shdepend s
		               WHERE s.deptype = 'o' AND s.refclassid = 'pg_authid'::regclass
		                 AND s.refobjid = (SELECT oid FROM pg_roles WHERE rolname = $2)
		                 AND s.dbid = d.oid)
		FROM pg_database d WHERE d.datname = $1`, db, app).Scan(&dbOwner, &appOwnsSomething)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{db}.Sanitize()+` OWNER `+pgx.Identifier{owner}.Sanitize()); err != nil {
			return false, fmt.Errorf("pgcluster: create database %s: %w", db, err)
		}
	case err != nil:
		return false, fmt.Errorf("pgcluster: look up database %s: %w", db, err)
	case dbOwner == app || (dbOwner == owner && appOwnsSomething):
		if err := reassign(ctx, c.URL("postgres", db), app, owner); err != nil {
			return false, err
		}
		reassigned = true
	case dbOwner != owner:
		return false, fmt.Errorf("pgcluster: database %s is owned by %s, not %s", db, dbOwner, owner)
	}
	// PUBLIC may connect by default; say it explicitly, in case it may not.
	if _, err := conn.Exec(ctx, `GRANT CONNECT ON DATABASE `+pgx.Identifier{db}.Sanitize()+` TO `+pgx.Identifier{app}.Sanitize()); err != nil {
		return reassigned, fmt.Errorf("pgcluster: grant connect on %s to %s: %w", db, app, err)
	}
	return reassigned, checkCitext(ctx, c.URL(owner, db))
}

// ensureLoginRole creates role, or alters it when it exists (which also
// demotes a role someone made superuser), as an ordinary login role with
// the extra attributes given.
func ensureLoginRole(ctx context.Context, conn *pgx.Conn, role, extra string) error {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
		return fmt.Errorf("pgcluster: look up role %s: %w", role, err)
	}
	verb := "CREATE"
	if exists {
		verb = "ALTER"
	}
	if _, err := conn.Exec(ctx, verb+` ROLE `+pgx.Identifier{role}.Sanitize()+` LOGIN NOSUPERUSER NOBYPASSRLS `+extra); err != nil {
		return fmt.Errorf("pgcluster: %s role %s: %w", strings.ToLower(verb), role, err)
	}
	return nil
}

// reassign gives everything role from owns in the database of connString
// (a superuser's), and the shared objects it owns such as databases, to to.
func reassign(ctx context.Context, connString, from, to string) error {
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `REASSIGN OWNED BY `+pgx.Identifier{from}.Sanitize()+` TO `+pgx.Identifier{to}.Sanitize()); err != nil {
		return fmt.Errorf("pgcluster: reassign what %s owns to %s: %w", from, to, err)
	}
	return nil
}

// checkCitext creates the citext extension as the connection's role inside a
// transaction it rolls back, proving the migrations will be able to.
func checkCitext(ctx context.Context, connString string) error {
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgcluster: begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // rolling back is the point
	if _, err := tx.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS citext`); err != nil {
		return fmt.Errorf("pgcluster: the role cannot create the citext extension (needs PostgreSQL 13+ and its contrib modules): %w", err)
	}
	return nil
}
