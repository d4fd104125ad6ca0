package sso_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/netguard"
	"github.com/atiende/atiende/internal/sso"
	"github.com/atiende/atiende/internal/sso/ssotest"
)

const redirect = "http://atiende.test/acme/sso/callback"

func provider(t *testing.T) (*ssotest.Provider, helpdesk.SSOClient) {
	op := ssotest.Start(t, []string{redirect},
		ssotest.User{ID: "u-1", Email: "Ana@Acme.test", EmailVerified: true, First: "Ana", Last: "Ruiz"})
	return op, helpdesk.SSOClient{Issuer: op.Issuer, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, RedirectURL: redirect}
}

// TestIdentifyChecksTheNonceAndTheCode signs in at a real provider: the
// right nonce and verifier give the identity (its address from userinfo,
// since this provider's ID tokens carry only the subject); a wrong nonce
// and a used code are refused.
func TestIdentifyChecksTheNonceAndTheCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op, sc := provider(t)
	c := sso.New(true)
	require.NoError(t, c.Discover(ctx, op.Issuer))

	signIn := func(state, nonce, verifier string) string {
		u, err := c.AuthURL(ctx, sc, state, nonce, verifier)
		require.NoError(t, err)
		assert.Contains(t, u, "code_challenge_method=S256")
		back := op.SignIn(u, "u-1")
		require.Equal(t, state, back.Query().Get("state"))
		return back.Query().Get("code")
	}
	verifier := "v-0123456789012345678901234567890123456789abc"
	code := signIn("st-1", "n-1", verifier)
	id, err := c.Identify(ctx, sc, code, verifier, "n-1")
	require.NoError(t, err)
	assert.Equal(t, helpdesk.SSOIdentity{Issuer: op.Issuer, Subject: "u-1", Email: "Ana@Acme.test", EmailVerified: true, Name: "Ana Ruiz"}, id)

	_, err = c.Identify(ctx, sc, code, verifier, "n-1")
	assert.Error(t, err, "a code works once")

	code = signIn("st-2", "n-2", verifier)
	_, err = c.Identify(ctx, sc, code, verifier, "n-other")
	assert.ErrorContains(t, err, "nonce")

	code = signIn("st-3", "n-3", verifier)
	_, err = c.Identify(ctx, sc, code, verifier+"x", "n-3")
	assert.Error(t, err, "the PKCE verifier must match the challenge")
}

// TestDiscoverGoesThroughTheAddressGuard: a loopback issuer is refused
// unless private addresses are allowed, and plain http is refused then.
func TestDiscoverGoesThroughTheAddressGuard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	op, _ := provider(t)
	err := sso.New(false).Discover(ctx, op.Issuer)
	assert.ErrorContains(t, err, "https")
	err = sso.New(false).Discover(ctx, "https"+op.Issuer[len("http"):])
	assert.ErrorIs(t, err, netguard.ErrForbidden)
	assert.NoError(t, sso.New(true).Discover(ctx, op.Issuer))
	assert.Error(t, sso.New(true).Discover(ctx, op.Issuer+"/nothing-here"))
}

// BenchmarkIdentify measures the callback's work against the loopback
// provider: the code exchange, the ID token's verification (keys cached)
// and the userinfo request. The sign-in at the provider is not timed.
func BenchmarkIdentify(b *testing.B) {
	ctx := context.Background()
	op := ssotest.Start(b, []string{redirect},
		ssotest.User{ID: "u-1", Email: "ana@acme.test", EmailVerified: true, First: "Ana", Last: "Ruiz"})
	sc := helpdesk.SSOClient{Issuer: op.Issuer, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, RedirectURL: redirect}
	c := sso.New(true)
	verifier := "v-0123456789012345678901234567890123456789abc"
	for b.Loop() {
		b.StopTimer()
		u, err := c.AuthURL(ctx, sc, "st", "n", verifier)
		if err != nil {
			b.Fatal(err)
		}
		code := op.SignIn(u, "u-1").Query().Get("code")
		b.StartTimer()
		if _, err := c.Identify(ctx, sc, code, verifier, "n"); err != nil {
			b.Fatal(err)
		}
	}
}
