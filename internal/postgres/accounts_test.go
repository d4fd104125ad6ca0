package postgres_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func newTenant(t *testing.T, s *postgres.Store, slug string) (helpdesk.Tenant, helpdesk.User) {
	t.Helper()
	tn, admin, err := s.CreateTenant(context.Background(),
		helpdesk.Tenant{Slug: slug, Name: "Desk " + slug, Language: "es", TimeZone: "Europe/Madrid"},
		helpdesk.User{Email: "admin@" + slug + ".example", Name: "Admin " + slug, Role: helpdesk.RoleAdmin, Active: true})
	require.NoError(t, err)
	return tn, admin
}

func TestCreateTenantAndUsers(t *testing.T) {
	t.Parallel()
	s := postgres.New(pgtest.New(t))
	ctx := context.Background()
	tn, admin := newTenant(t, s, "acme")
	assert.Positive(t, int64(tn.ID))
	assert.Equal(t, tn.ID, admin.Tenant)

	got, err := s.TenantBySlug(ctx, "acme")
	require.NoError(t, err)
	assert.Equal(t, tn, got)

	_, _, err = s.CreateTenant(ctx, helpdesk.Tenant{Slug: "acme", Name: "Otra", Language: "es", TimeZone: "UTC"},
		helpdesk.User{Email: "x@y.example", Name: "X", Role: helpdesk.RoleAdmin, Active: true})
	require.ErrorIs(t, err, helpdesk.ErrConflict)

	u, err := s.UserByEmail(ctx, tn.ID, "ADMIN@acme.example")
	require.NoError(t, err, "emails match case-insensitively")
	assert.Equal(t, admin.ID, u.ID)

	_, err = s.CreateUser(ctx, tn.ID, helpdesk.User{Email: "Admin@ACME.example", Name: "Dup", Role: helpdesk.RoleAgent, Active: true})
	require.ErrorIs(t, err, helpdesk.ErrConflict, "email is unique per tenant")

	_, err = s.TenantBySlug(ctx, "nope")
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
}

func TestSameEmailInTwoTenantsIsTwoUsers(t *testing.T) {
	t.Parallel()
	s := postgres.New(pgtest.New(t))
	ctx := context.Background()
	a, _ := newTenant(t, s, "alfa")
	b, _ := newTenant(t, s, "beta")
	ua, err := s.CreateUser(ctx, a.ID, helpdesk.User{Email: "ana@example.com", Name: "Ana A", Role: helpdesk.RoleCustomer, Active: true})
	require.NoError(t, err)
	ub, err := s.CreateUser(ctx, b.ID, helpdesk.User{Email: "ana@example.com", Name: "Ana B", Role: helpdesk.RoleCustomer, Active: true})
	require.NoError(t, err)
	assert.NotEqual(t, ua.ID, ub.ID)
}

func TestTenantCannotReadAnotherTenantsUsers(t *testing.T) {
	t.Parallel()
	s := postgres.New(pgtest.New(t))
	ctx := context.Background()
	a, adminA := newTenant(t, s, "alfa")
	b, _ := newTenant(t, s, "beta")
	_, err := s.User(ctx, b.ID, adminA.ID)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = s.UserByEmail(ctx, b.ID, adminA.Email)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = s.User(ctx, a.ID, adminA.ID)
	require.NoError(t, err)
}

// TestRowLevelSecurity proves isolation holds in the database itself, even
// for hand-written SQL that forgets the tenant predicate.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	s := postgres.New(pool)
	ctx := context.Background()
	a, _ := newTenant(t, s, "alfa")
	b, _ := newTenant(t, s, "beta")

	t.Run("no tenant set sees nothing", func(t *testing.T) {
		for _, table := range []string{"users", "organisations"} {
			var n int
			require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n))
			assert.Zero(t, n, table)
		}
	})
	t.Run("a tenant sees only its rows, without any WHERE", func(t *testing.T) {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(a.ID), 10))
			require.NoError(t, err)
			var ids []int64
			rows, err := tx.Query(ctx, `SELECT DISTINCT tenant_id FROM users`)
			require.NoError(t, err)
			ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			require.NoError(t, err)
			assert.Equal(t, []int64{int64(a.ID)}, ids)
			return nil
		})
		require.NoError(t, err)
	})
	t.Run("writing another tenant's row is refused", func(t *testing.T) {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(a.ID), 10))
			require.NoError(t, err)
			_, err = tx.Exec(ctx, `INSERT INTO users (tenant_id, email, name, role) VALUES ($1, 'x@x.example', 'X', 'agent')`, int64(b.ID))
			return err
		})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "row-level security")

		var tag int64
		err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(a.ID), 10))
			require.NoError(t, err)
			ct, err := tx.Exec(ctx, `UPDATE users SET name = 'hacked' WHERE tenant_id = $1`, int64(b.ID))
			tag = ct.RowsAffected()
			return err
		})
		require.NoError(t, err)
		assert.Zero(t, tag, "B's rows are invisible to A's updates")
	})
	t.Run("the setting does not outlive its transaction", func(t *testing.T) {
		conn, err := pool.Acquire(ctx)
		require.NoError(t, err)
		defer conn.Release()
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(a.ID), 10))
			return err
		})
		require.NoError(t, err)
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n))
		assert.Zero(t, n, "same connection, next statement: no tenant")
	})
	t.Run("the role cannot bypass RLS", func(t *testing.T) {
		require.NoError(t, s.CheckRole(ctx))
	})
}

func TestTransactionIsBoundToOneTenant(t *testing.T) {
	t.Parallel()
	s := postgres.New(pgtest.New(t))
	ctx := context.Background()
	a, adminA := newTenant(t, s, "alfa")
	b, _ := newTenant(t, s, "beta")
	err := s.InTx(ctx, a.ID, func(tx helpdesk.Store) error {
		_, err := tx.User(ctx, b.ID, adminA.ID)
		return err
	})
	require.Error(t, err, "a transaction of A cannot serve B")
	err = s.InTx(ctx, a.ID, func(tx helpdesk.Store) error {
		return tx.InTx(ctx, a.ID, func(helpdesk.Store) error { return nil })
	})
	require.Error(t, err, "nested transactions are refused")
}

func TestRateLimitIsSharedAndWindowed(t *testing.T) {
	t.Parallel()
	s := postgres.New(pgtest.New(t))
	ctx := context.Background()
	var wg sync.WaitGroup
	allowed := make(chan bool, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.Hit(ctx, "login:k", time.Hour, 5)
			assert.NoError(t, err)
			allowed <- ok
		}()
	}
	wg.Wait()
	close(allowed)
	n := 0
	for ok := range allowed {
		if ok {
			n++
		}
	}
	assert.Equal(t, 5, n, "exactly the limit passes under concurrency")

	ok, err := s.Hit(ctx, "login:short", time.Millisecond, 1)
	require.NoError(t, err)
	assert.True(t, ok)
	time.Sleep(5 * time.Millisecond)
	ok, err = s.Hit(ctx, "login:short", time.Millisecond, 1)
	require.NoError(t, err)
	assert.True(t, ok, "a new window starts over")
}

func TestDeleteExpiredSessions(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	s := postgres.New(pool)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('old', '', now() - interval '1 minute'), ('live', '', now() + interval '1 hour')`)
	require.NoError(t, err)
	require.NoError(t, s.DeleteExpiredSessions(ctx))
	var tokens []string
	rows, err := pool.Query(ctx, `SELECT token FROM sessions`)
	require.NoError(t, err)
	tokens, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	assert.Equal(t, []string{"live"}, tokens)
}
