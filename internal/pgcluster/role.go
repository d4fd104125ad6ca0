package pgcluster

import (
	"context"
	"errors"
	"fmt"

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
		return fmt.Errorf("pgcluster: the application role cannot create the citext extension (needs PostgreSQL 13+ and its contrib modules): %w", err)
	}
	return nil
}
