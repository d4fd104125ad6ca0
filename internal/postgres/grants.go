package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// appendOnly are the tables the application may read and insert into but
// never change: the ticket history and the search documents (see
// migrations/00002_tickets.sql) and the admin audit log (00009_admin.sql). goose's version table is read-only for it:
// only migrations write there.
var appendOnly = []string{"events", "ticket_search", "audit_log", "sla_clock_events", "kb_search", "mail_search"}

// versionTable is goose's table of applied migrations.
const versionTable = "goose_db_version"

// CurrentUser returns the role a pool's connections run as.
func CurrentUser(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	var name string
	if err := pool.QueryRow(ctx, `SELECT current_user`).Scan(&name); err != nil {
		return "", fmt.Errorf("postgres: read current user: %w", err)
	}
	return name, nil
}

// GrantApp gives appRole, the role the application connects as, exactly
// the privileges it needs on the schema that owner's role owns, in one
// transaction: USAGE on schema public; SELECT, INSERT, UPDATE and DELETE on
// every table and USAGE, SELECT on every sequence in it; then it takes back
// UPDATE, DELETE and TRUNCATE on the append-only tables (events,
// ticket_search) and every write on goose's version table, and TRUNCATE,
// REFERENCES and TRIGGER everywhere. The application role owns nothing, so
// it can neither turn row-level security off, nor grant itself more, nor
// redefine current_tenant().
//
// Run it as the owner after every migration: tables created since the last
// run get their grants. It is idempotent.
//
// When appRole is the owner's own role (single-role mode, such as a quick
// developer setup with one URL) it does nothing and returns nil: an owner
// holds every privilege anyway, and `atiende serve` refuses such a role
// unless ATIENDE_ALLOW_OWNER_ROLE=true. Callers that want to say so compare
// appRole with CurrentUser(owner) first.
func GrantApp(ctx context.Context, owner *pgxpool.Pool, appRole string) error {
	if appRole == "" {
		return fmt.Errorf("postgres: grant: no application role given")
	}
	return pgx.BeginFunc(ctx, owner, func(tx pgx.Tx) error {
		var me string
		if err := tx.QueryRow(ctx, `SELECT current_user`).Scan(&me); err != nil {
			return fmt.Errorf("postgres: grant: read current user: %w", err)
		}
		if me == appRole {
			return nil // single-role mode: see the doc comment
		}
		app := pgx.Identifier{appRole}.Sanitize()
		stmts := []string{
			`GRANT USAGE ON SCHEMA public TO ` + app,
			`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + app,
			`REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ` + app,
			`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ` + app,
		}
		// Only tables that exist: GrantApp may run on a schema a
		// `migrate down` has taken back below them.
		rows, err := tx.Query(ctx, `
			SELECT c.relname,
			       CASE WHEN c.relname = $2 THEN pg_get_serial_sequence(c.oid::regclass::text, 'id') END
			FROM pg_class c
			WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname = ANY ($1)
			ORDER BY c.relname`, append([]string{versionTable}, appendOnly...), versionTable)
		if err != nil {
			return fmt.Errorf("postgres: grant: list tables: %w", err)
		}
		type table struct {
			Name string
			Seq  *string // goose's id sequence
		}
		tables, err := pgx.CollectRows(rows, pgx.RowToStructByPos[table])
		if err != nil {
			return fmt.Errorf("postgres: grant: list tables: %w", err)
		}
		for _, tb := range tables {
			name := pgx.Identifier{"public", tb.Name}.Sanitize()
			if tb.Name != versionTable {
				stmts = append(stmts, `REVOKE UPDATE, DELETE, TRUNCATE ON `+name+` FROM `+app)
				continue
			}
			stmts = append(stmts, `REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON `+name+` FROM `+app)
			if tb.Seq != nil {
				// Already schema-qualified and quoted as needed.
				stmts = append(stmts, `REVOKE USAGE, UPDATE ON SEQUENCE `+*tb.Seq+` FROM `+app)
			}
		}
		// Which tenant a BI role reads is the owner's decision alone
		// (migrations/00017_reports.sql): the application may not rebind one.
		stmts = append(stmts, `DO $$BEGIN IF to_regclass('public.bi_readers') IS NOT NULL THEN
			EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON public.bi_readers FROM `+app+`'; END IF; END$$`)
		for _, sql := range stmts {
			if _, err := tx.Exec(ctx, sql); err != nil {
				return fmt.Errorf("postgres: grant %s: %s: %w", appRole, sql, err)
			}
		}
		return nil
	})
}

// OwnsSchema reports whether the store's role owns, directly or through a
// role it is a member of, the schema public or any table, sequence, view
// or function in it. Such a role can ALTER TABLE … DISABLE ROW LEVEL
// SECURITY, grant itself UPDATE on the history or redefine
// current_tenant(), so `atiende serve` refuses it. On PostgreSQL 15+ the
// owner of the database owns schema public (through pg_database_owner), so
// a role that owns the database counts too.
func (s *Store) OwnsSchema(ctx context.Context) (bool, error) {
	var owns bool
	err := s.pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT FROM pg_namespace n
		               WHERE n.nspname = 'public' AND pg_has_role(n.nspowner, 'MEMBER'))
		    OR EXISTS (SELECT FROM pg_class c
		               WHERE c.relnamespace = 'public'::regnamespace
		                 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
		                 AND pg_has_role(c.relowner, 'MEMBER'))
		    OR EXISTS (SELECT FROM pg_proc p
		               WHERE p.pronamespace = 'public'::regnamespace
		                 AND pg_has_role(p.proowner, 'MEMBER'))`).Scan(&owns)
	if err != nil {
		return false, fmt.Errorf("postgres: read schema ownership: %w", err)
	}
	return owns, nil
}
