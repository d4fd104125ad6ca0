package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// TestPasskeyStore: a ceremony is taken once and not after it expires; a
// credential is found only in its own desk, and a user removes only their
// own passkeys.
func TestPasskeyStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(pgtest.New(t))
	tn, admin := newTenant(t, store, "acme")
	other, otherAdmin := newTenant(t, store, "otra")
	now := time.Now()
	hash := func(b byte) []byte { h := make([]byte, 32); h[0] = b; return h }

	live := helpdesk.PasskeyChallenge{Tenant: tn.ID, TokenHash: hash(1), Purpose: helpdesk.PasskeySignIn,
		Session: []byte(`{"challenge":"x"}`), ExpiresAt: now.Add(time.Minute)}
	require.NoError(t, store.SaveChallenge(ctx, live))
	_, err := store.TakeChallenge(ctx, other.ID, hash(1), helpdesk.PasskeySignIn, now)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "another desk's")
	_, err = store.TakeChallenge(ctx, tn.ID, hash(1), helpdesk.PasskeyRegister, now)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "another purpose")
	got, err := store.TakeChallenge(ctx, tn.ID, hash(1), helpdesk.PasskeySignIn, now)
	require.NoError(t, err)
	assert.JSONEq(t, `{"challenge":"x"}`, string(got.Session))
	_, err = store.TakeChallenge(ctx, tn.ID, hash(1), helpdesk.PasskeySignIn, now)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "taken once")

	stale := live
	stale.TokenHash, stale.ExpiresAt = hash(2), now.Add(-time.Second)
	require.NoError(t, store.SaveChallenge(ctx, stale))
	_, err = store.TakeChallenge(ctx, tn.ID, hash(2), helpdesk.PasskeySignIn, now)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "expired")

	p := helpdesk.Passkey{User: admin.ID, Handle: hash(3), CredentialID: hash(4), Name: "Llave", Record: []byte(`{}`), CreatedAt: now}
	id, err := store.InsertPasskey(ctx, tn.ID, p)
	require.NoError(t, err)
	_, err = store.InsertPasskey(ctx, tn.ID, p)
	assert.ErrorIs(t, err, helpdesk.ErrConflict, "the same credential twice")
	_, err = store.PasskeyByCredential(ctx, other.ID, hash(4))
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = store.DeletePasskey(ctx, other.ID, otherAdmin.ID, id)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	require.NoError(t, store.TouchPasskey(ctx, tn.ID, id, []byte(`{"a":1}`), 7, now))
	found, err := store.PasskeyByCredential(ctx, tn.ID, hash(4))
	require.NoError(t, err)
	assert.Equal(t, uint32(7), found.SignCount)
	assert.False(t, found.LastUsedAt.IsZero())
	gone, err := store.DeletePasskey(ctx, tn.ID, admin.ID, id)
	require.NoError(t, err)
	assert.Equal(t, "Llave", gone.Name)
}
