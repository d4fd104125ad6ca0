package pgtest_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestNewGivesMigratedEmptyDatabase(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := t.Context()

	var tenants int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM tenants`).Scan(&tenants))
	assert.Zero(t, tenants)

	pending, err := postgres.Pending(ctx, pool)
	require.NoError(t, err)
	assert.Zero(t, pending, "every migration is applied")

	var jit string
	require.NoError(t, pool.QueryRow(ctx, `SHOW jit`).Scan(&jit))
	assert.Equal(t, "off", jit)
}

func TestNewDatabasesAreIsolated(t *testing.T) {
	t.Parallel()
	a, b := pgtest.New(t), pgtest.New(t)
	ctx := t.Context()
	assert.NotEqual(t, a.Config().ConnConfig.Database, b.Config().ConnConfig.Database)

	_, err := a.Exec(ctx, `INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme')`)
	require.NoError(t, err)

	assert.Equal(t, 1, count(t, a, `SELECT count(*) FROM tenants`))
	assert.Zero(t, count(t, b, `SELECT count(*) FROM tenants`))
	// b can take the same unique slug: nothing of a's is visible to it.
	_, err = b.Exec(ctx, `INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme')`)
	require.NoError(t, err)
}

func TestRoleIsOrdinaryAndOwnsNothing(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := t.Context()

	var super, bypass bool
	require.NoError(t, pool.QueryRow(ctx,
		`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass))
	assert.False(t, super, "superusers are never bound by row-level security")
	assert.False(t, bypass, "BYPASSRLS roles are never bound by row-level security")

	// Another role owns the tables; FORCE ROW LEVEL SECURITY binds that
	// owner too.
	rows, err := pool.Query(ctx, `
		SELECT relname, pg_get_userbyid(relowner) = current_user, relrowsecurity, relforcerowsecurity
		FROM pg_class WHERE relname IN ('tenants', 'organisations', 'users')`)
	require.NoError(t, err)
	type table struct {
		Name                  string
		Owned, RLS, ForcedRLS bool
	}
	tables, err := pgx.CollectRows(rows, pgx.RowToStructByPos[table])
	require.NoError(t, err)
	require.Len(t, tables, 3)
	for _, tb := range tables {
		assert.Equal(t, table{Name: tb.Name, Owned: false, RLS: true, ForcedRLS: true}, tb)
	}

	owns, err := postgres.New(pool).OwnsSchema(ctx)
	require.NoError(t, err)
	assert.False(t, owns, "the application role owns neither the schema nor anything in it")

	owner := ownerPool(t, pool)
	owns, err = postgres.New(owner).OwnsSchema(ctx)
	require.NoError(t, err)
	assert.True(t, owns, "the owner role does")
}

// TestAppRoleCannotUndoIsolation: what an owner could do and the
// application role cannot, so that an SQL injection stays inside one tenant
// and the history stays append-only.
func TestAppRoleCannotUndoIsolation(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := t.Context()

	refused := func(t *testing.T, sql string) {
		t.Helper()
		_, err := pool.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr, sql)
		assert.Equal(t, "42501", pgErr.Code, "%s: insufficient privilege (%s)", sql, pgErr.Message)
	}
	for _, sql := range []string{
		`ALTER TABLE tickets DISABLE ROW LEVEL SECURITY`, // must be owner
		`ALTER TABLE tickets NO FORCE ROW LEVEL SECURITY`,
		`DROP POLICY tenant_isolation ON tickets`,
		`CREATE OR REPLACE FUNCTION current_tenant() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT 1::bigint'`,
		`UPDATE events SET actor_name = 'otro'`, // permission denied
		`DELETE FROM events`,
		`TRUNCATE events`,
		`UPDATE ticket_search SET public = true`,
		`DELETE FROM ticket_search`,
		`TRUNCATE tickets`,
		`TRUNCATE tenants`,
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`,
		`DELETE FROM goose_db_version`,
		`CREATE TABLE scratch (id int)`, // no CREATE on schema public
	} {
		refused(t, sql)
	}

	// A non-owner without grant options gets a warning and nothing more.
	_, err := pool.Exec(ctx, `GRANT UPDATE, DELETE ON events TO CURRENT_USER`)
	require.NoError(t, err)
	refused(t, `UPDATE events SET actor_name = 'otro'`)

	// What the application needs still works, including reading goose's
	// table to tell whether migrations are pending.
	_, err = pool.Exec(ctx, `INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme')`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES ('k', now(), 1);
		UPDATE rate_limits SET hits = 2; DELETE FROM rate_limits`)
	require.NoError(t, err)
	pending, err := postgres.Pending(ctx, pool)
	require.NoError(t, err)
	assert.Zero(t, pending)

	// GrantApp is idempotent: running it again changes none of this.
	owner := ownerPool(t, pool)
	require.NoError(t, postgres.GrantApp(ctx, owner, pool.Config().ConnConfig.User))
	require.NoError(t, postgres.GrantApp(ctx, owner, pool.Config().ConnConfig.User))
	refused(t, `DELETE FROM events`)
	refused(t, `TRUNCATE tickets`)
	assert.Equal(t, 1, count(t, pool, `SELECT count(*) FROM tenants`))
	// In single-role mode it does nothing.
	require.NoError(t, postgres.GrantApp(ctx, owner, owner.Config().ConnConfig.User))
}

// ownerPool connects to pool's database as the role that owns it.
func ownerPool(t *testing.T, pool *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	owner, err := pgxpool.New(t.Context(), pgtest.OwnerURL(t, pool.Config().ConnConfig.Database))
	require.NoError(t, err)
	t.Cleanup(owner.Close)
	var user string
	require.NoError(t, owner.QueryRow(t.Context(), `SELECT current_user`).Scan(&user))
	require.NotEqual(t, pool.Config().ConnConfig.User, user, "the owner is another role")
	return owner
}

func TestRowLevelSecurityBindsTheRole(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := t.Context()

	// One connection throughout: it has seen app.tenant_id set and then
	// reverted, the state a pooled connection is in after any tenant
	// transaction.
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()

	var tenant int64
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO tenants (slug, name) VALUES ('acme', 'Acme') RETURNING id`).Scan(&tenant); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(tenant, 10)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO users (tenant_id, email, name, role) VALUES ($1, 'ana@example.com', 'Ana', 'agent')`, tenant)
		return err
	})
	require.NoError(t, err)

	fresh, err := pool.Acquire(ctx) // conn is held, so this is another connection
	require.NoError(t, err)
	defer fresh.Release()
	assert.Zero(t, count(t, fresh, `SELECT count(*) FROM users`), "no tenant set")

	// On the connection that ran the tenant transaction, app.tenant_id now
	// reads as '' rather than NULL; current_tenant() maps both to NULL.
	assert.Zero(t, count(t, conn, `SELECT count(*) FROM users`), "no tenant set, on the connection that set one")
	assert.Zero(t, countAs(t, conn, tenant+1, `SELECT count(*) FROM users`), "another tenant")
	assert.Equal(t, 1, countAs(t, conn, tenant, `SELECT count(*) FROM users`), "the user's tenant")

	_, err = pool.Exec(ctx, `INSERT INTO users (tenant_id, email, name, role) VALUES ($1, 'eve@example.com', 'Eve', 'agent')`, tenant)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "writing without a tenant is refused")
	assert.Equal(t, "42501", pgErr.Code, "insufficient_privilege: new row violates row-level security policy")

	t.Run("a superuser sees the row", func(t *testing.T) {
		admin, err := pgx.Connect(t.Context(), pgtest.AdminURL(t, pool.Config().ConnConfig.Database))
		require.NoError(t, err)
		defer admin.Close(context.WithoutCancel(t.Context()))
		assert.Equal(t, 1, count(t, admin, `SELECT count(*) FROM users`))
	})
}

func TestNewURLConnectsAsTheApplicationRole(t *testing.T) {
	t.Parallel()
	connString := pgtest.NewURL(t)
	conn, err := pgx.Connect(t.Context(), connString)
	require.NoError(t, err)
	defer conn.Close(context.WithoutCancel(t.Context()))
	assert.Zero(t, count(t, conn, `SELECT count(*) FROM tenants`))
	var super bool
	require.NoError(t, conn.QueryRow(t.Context(), `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super))
	assert.False(t, super)
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func count(t *testing.T, q queryRower, sql string) int {
	t.Helper()
	var n int
	require.NoError(t, q.QueryRow(t.Context(), sql).Scan(&n))
	return n
}

// countAs runs sql in a transaction bound to tenant, as the store does.
func countAs(t *testing.T, conn *pgxpool.Conn, tenant int64, sql string) int {
	t.Helper()
	var n int
	err := pgx.BeginFunc(t.Context(), conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(t.Context(), `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(tenant, 10)); err != nil {
			return err
		}
		return tx.QueryRow(t.Context(), sql).Scan(&n)
	})
	require.NoError(t, err)
	return n
}
