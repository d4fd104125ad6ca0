package postgres_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

func TestProfileStoreChangesOneActiveUser(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	s := postgres.New(pool)
	ctx := context.Background()
	a, adminA := newTenant(t, s, "alfa")
	b, adminB := newTenant(t, s, "beta")
	rosa, err := s.CreateUser(ctx, a.ID, helpdesk.User{Email: "rosa@example.com", Name: "Rosa", Role: helpdesk.RoleCustomer, PasswordHash: "old", Active: true})
	require.NoError(t, err)
	assert.Zero(t, rosa.SessionEpoch)
	assert.Empty(t, rosa.Phone)

	u, err := s.UpdateProfile(ctx, a.ID, rosa.ID, helpdesk.ProfileInput{Name: "Rosa Díaz", Phone: "+34 600 000 000", Language: "en"})
	require.NoError(t, err)
	assert.Equal(t, "Rosa Díaz", u.Name)
	assert.Equal(t, "+34 600 000 000", u.Phone)
	assert.Equal(t, "en", u.Language)
	assert.Equal(t, rosa.Email, u.Email)
	assert.Equal(t, helpdesk.RoleCustomer, u.Role)
	got, err := s.User(ctx, a.ID, rosa.ID)
	require.NoError(t, err)
	assert.Equal(t, u, got)

	epoch, err := s.SetPassword(ctx, a.ID, rosa.ID, "new")
	require.NoError(t, err)
	assert.Equal(t, 1, epoch)
	epoch, err = s.BumpSessionEpoch(ctx, a.ID, rosa.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, epoch)
	got, err = s.User(ctx, a.ID, rosa.ID)
	require.NoError(t, err)
	assert.Equal(t, "new", got.PasswordHash)
	assert.Equal(t, 2, got.SessionEpoch)

	// Nobody else changed: not the other user of the tenant, nor B's.
	for _, who := range []struct {
		tenant helpdesk.TenantID
		user   helpdesk.User
	}{{a.ID, adminA}, {b.ID, adminB}} {
		got, err := s.User(ctx, who.tenant, who.user.ID)
		require.NoError(t, err)
		assert.Equal(t, who.user, got)
	}

	t.Run("another tenant's user is not found", func(t *testing.T) {
		_, err := s.UpdateProfile(ctx, b.ID, rosa.ID, helpdesk.ProfileInput{Name: "X"})
		require.ErrorIs(t, err, helpdesk.ErrNotFound)
		_, err = s.SetPassword(ctx, b.ID, rosa.ID, "x")
		require.ErrorIs(t, err, helpdesk.ErrNotFound)
		_, err = s.BumpSessionEpoch(ctx, b.ID, rosa.ID)
		require.ErrorIs(t, err, helpdesk.ErrNotFound)
		got, err := s.User(ctx, a.ID, rosa.ID)
		require.NoError(t, err)
		assert.Equal(t, "Rosa Díaz", got.Name)
		assert.Equal(t, 2, got.SessionEpoch)
	})

	t.Run("a disabled user cannot change anything", func(t *testing.T) {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(int64(a.ID), 10)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE users SET active = false WHERE tenant_id = $1 AND id = $2`, int64(a.ID), int64(rosa.ID))
			return err
		})
		require.NoError(t, err)
		_, err = s.UpdateProfile(ctx, a.ID, rosa.ID, helpdesk.ProfileInput{Name: "X"})
		require.ErrorIs(t, err, helpdesk.ErrNotFound)
		_, err = s.SetPassword(ctx, a.ID, rosa.ID, "x")
		require.ErrorIs(t, err, helpdesk.ErrNotFound)
		_, err = s.BumpSessionEpoch(ctx, a.ID, rosa.ID)
		require.ErrorIs(t, err, helpdesk.ErrNotFound)
	})

	t.Run("the schema bounds the phone", func(t *testing.T) {
		_, err := s.UpdateProfile(ctx, a.ID, adminA.ID, helpdesk.ProfileInput{Name: "A", Phone: strings.Repeat("1", 33)})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "check")
	})
}
