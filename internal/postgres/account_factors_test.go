package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/mail"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
	"github.com/atiende/atiende/internal/totp"
)

// TestTOTPWithFixedClock: enrolment needs a current code; at sign-in the
// previous and next steps are accepted, a code already used (or any
// earlier step) is refused, recovery codes work once, the secret is
// sealed at rest, and another tenant sees nothing.
func TestTOTPWithFixedClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(pgtest.New(t))
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 10, 0, 5, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	gen := totp.Generator{}
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2), clock,
		helpdesk.WithTwoFactor(gen, mail.NewSecretBoxFor([]byte("0123456789abcdef0123456789abcdef"), "atiende-totp-secret-v1")))
	tn, admin := newTenant(t, store, "acme")
	other, _ := newTenant(t, store, "otra")
	by := admin.Actor()

	en, err := svc.StartTOTP(ctx, by)
	require.NoError(t, err)
	assert.Contains(t, en.URI, "otpauth://totp/Desk%20acme:admin@acme.example?")
	code := func(d int64) string {
		c, err := gen.Code(en.Secret, gen.Step(clock())+d)
		require.NoError(t, err)
		return c
	}
	_, _, err = svc.ConfirmTOTP(ctx, by, "000000")
	var v *helpdesk.ValidationError
	require.ErrorAs(t, err, &v)
	codes, epoch, err := svc.ConfirmTOTP(ctx, by, code(0))
	require.NoError(t, err)
	assert.Len(t, codes, helpdesk.RecoveryCodes)
	assert.Equal(t, admin.SessionEpoch+1, epoch, "other sessions end")
	on, err := svc.HasTwoFactor(ctx, admin)
	require.NoError(t, err)
	assert.True(t, on)

	// The enrolment code's step is used: the same code is refused.
	assert.ErrorIs(t, svc.VerifySecondFactor(ctx, admin, code(0)), helpdesk.ErrUnauthenticated, "replay")
	advance(30 * time.Second)
	require.NoError(t, svc.VerifySecondFactor(ctx, admin, code(1)), "the next step")
	assert.ErrorIs(t, svc.VerifySecondFactor(ctx, admin, code(1)), helpdesk.ErrUnauthenticated, "replay of the next step")
	assert.ErrorIs(t, svc.VerifySecondFactor(ctx, admin, code(0)), helpdesk.ErrUnauthenticated, "an earlier step than one used")
	advance(90 * time.Second)
	require.NoError(t, svc.VerifySecondFactor(ctx, admin, code(-1)), "the previous step")
	assert.ErrorIs(t, svc.VerifySecondFactor(ctx, admin, code(-2)), helpdesk.ErrUnauthenticated, "two steps back")
	advance(5 * time.Minute)
	assert.ErrorIs(t, svc.VerifySecondFactor(ctx, admin, code(2)), helpdesk.ErrUnauthenticated, "two steps ahead")
	assert.ErrorIs(t, svc.VerifySecondFactor(ctx, admin, "12345"), helpdesk.ErrUnauthenticated)

	// Recovery codes: once each, however typed.
	require.NoError(t, svc.VerifySecondFactor(ctx, admin, " "+codes[3][:5]+codes[3][6:]+" "))
	assert.ErrorIs(t, svc.VerifySecondFactor(ctx, admin, codes[3]), helpdesk.ErrUnauthenticated)
	require.NoError(t, svc.VerifySecondFactor(ctx, admin, codes[4]))
	st, err := svc.TwoFactor(ctx, by)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.RecoveryCodes-2, st.Recovery)

	// Sealed at rest; another tenant sees no factor.
	f, err := store.TOTPFactor(ctx, tn.ID, admin.ID)
	require.NoError(t, err)
	assert.NotContains(t, string(f.Sealed), en.Secret)
	_, err = store.TOTPFactor(ctx, other.ID, admin.ID)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)

	// Turning it off needs the password (the admin has none here).
	_, err = svc.DisableTOTP(ctx, by, "no es la contraseña")
	require.ErrorAs(t, err, &v)
}
