package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"

	"github.com/atiende/atiende/migrations"
)

// templateHash is the hex SHA-256 of the names and contents of every
// migration file, of the roles that will own the tables and use them, and of
// the role layout: a new or edited migration gets a new template, and so do
// other roles sharing the server, and a template from before the owner and
// application roles were split.
func templateHash(owner, app string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", layout, owner, app)
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ensureRole makes role an ordinary login role (NOSUPERUSER NOBYPASSRLS
// NOCREATEDB NOCREATEROLE) with password. It creates the role when missing;
// an existing one is altered to match with manage (the URL's role is
// privileged), and otherwise only checked.
func ensureRole(ctx context.Context, conn *pgx.Conn, role, password string, manage bool) error {
	var exists, super, bypass bool
	err := conn.QueryRow(ctx, `SELECT true, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, role).Scan(&exists, &super, &bypass)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("look up role %s: %w", role, err)
	}
	attrs := ` LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '` + password + `'`
	switch {
	case !exists:
		if _, err := conn.Exec(ctx, `CREATE ROLE `+pgx.Identifier{role}.Sanitize()+attrs); err != nil {
			return fmt.Errorf("create role %s (with an ordinary role in %s, it needs CREATEROLE, or create the role yourself: CREATE ROLE %s LOGIN PASSWORD '%s'): %w", role, EnvDatabaseURL, role, password, err)
		}
	case manage:
		if _, err := conn.Exec(ctx, `ALTER ROLE `+pgx.Identifier{role}.Sanitize()+attrs); err != nil {
			return fmt.Errorf("alter role %s: %w", role, err)
		}
	case super || bypass:
		return fmt.Errorf("role %s is a superuser or has BYPASSRLS, so row-level security would not bind the tests: ALTER ROLE %s NOSUPERUSER NOBYPASSRLS", role, role)
	}
	return nil
}
