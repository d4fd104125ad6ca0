package passkey_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/passkey"
	"github.com/atiende/atiende/internal/passkey/passkeytest"
)

// TestCeremonies registers a software authenticator's key and signs in
// with it, by the user's list and discoverably; a response for another
// origin and a counter that goes back are caught.
func TestCeremonies(t *testing.T) {
	t.Parallel()
	rp, err := passkey.New("https://help.example.com", "Atiende")
	require.NoError(t, err)
	auth := passkeytest.New("https://help.example.com")
	acc := helpdesk.PasskeyAccount{Handle: []byte("0123456789abcdef0123456789abcdef"), Name: "ana@example.com", DisplayName: "Ana"}

	opts, session, err := rp.BeginRegistration(acc)
	require.NoError(t, err)
	resp, cred, err := auth.Create(opts)
	require.NoError(t, err)
	res, err := rp.FinishRegistration(acc, session, resp)
	require.NoError(t, err)
	assert.Equal(t, cred.ID, res.CredentialID)
	acc.Passkeys = []helpdesk.Passkey{{ID: 1, Handle: acc.Handle, CredentialID: res.CredentialID, Record: res.Record}}

	opts, session, err = rp.BeginLogin(&acc)
	require.NoError(t, err)
	resp, err = auth.Get(opts, nil)
	require.NoError(t, err)
	res, err = rp.FinishLogin(&acc, session, resp, nil)
	require.NoError(t, err)
	assert.Equal(t, uint32(1), res.SignCount)
	assert.False(t, res.Cloned)
	acc.Passkeys[0].Record, acc.Passkeys[0].SignCount = res.Record, res.SignCount

	opts, session, err = rp.BeginLogin(nil)
	require.NoError(t, err)
	resp, err = auth.Get(opts, nil)
	require.NoError(t, err)
	res, err = rp.FinishLogin(nil, session, resp, func(id, handle []byte) (helpdesk.PasskeyAccount, error) {
		assert.Equal(t, acc.Handle, handle)
		return acc, nil
	})
	require.NoError(t, err)
	assert.Equal(t, uint32(2), res.SignCount)

	// The stored counter is ahead of the key's: a copy was used.
	acc.Passkeys[0].SignCount = 10
	opts, session, err = rp.BeginLogin(&acc)
	require.NoError(t, err)
	resp, err = auth.Get(opts, nil)
	require.NoError(t, err)
	res, err = rp.FinishLogin(&acc, session, resp, nil)
	require.NoError(t, err)
	assert.True(t, res.Cloned)

	other := passkeytest.New("https://evil.example.net")
	opts, session, err = rp.BeginRegistration(acc)
	require.NoError(t, err)
	resp, _, err = other.Create(opts)
	require.NoError(t, err)
	_, err = rp.FinishRegistration(acc, session, resp)
	assert.True(t, errors.Is(err, helpdesk.ErrPasskeyRejected), err)
}

// TestNewRefusesAnIPAddress: WebAuthn binds a credential to a domain name,
// so an installation served by IP address gets a typed error that serve
// turns into "passkeys off" rather than a failed start.
func TestNewRefusesAnIPAddress(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:8080", "https://[::1]", "http://10.0.0.5"} {
		_, err := passkey.New(base, "Atiende")
		require.ErrorIs(t, err, passkey.ErrNoDomain, base)
	}
	_, err := passkey.New("http://localhost:8080", "Atiende")
	require.NoError(t, err)
}
