package mail

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestSecretBox(t *testing.T) {
	t.Parallel()
	b := NewSecretBox(testSecret)
	sealed, err := b.Seal([]byte("contraseña del buzón"))
	require.NoError(t, err)
	assert.NotContains(t, string(sealed), "contraseña")
	again, err := b.Seal([]byte("contraseña del buzón"))
	require.NoError(t, err)
	assert.NotEqual(t, sealed, again, "a fresh nonce every time")
	plain, err := b.Open(sealed)
	require.NoError(t, err)
	assert.Equal(t, "contraseña del buzón", string(plain))
	sealed[len(sealed)-1] ^= 1
	_, err = b.Open(sealed)
	assert.Error(t, err, "tampering is detected")
	_, err = NewSecretBox([]byte("another secret, another key......")).Open(again)
	assert.Error(t, err)
}

// TestIMAPSettings: admins only; the password is sealed at rest and kept
// when the form leaves it empty; a server on an internal address is
// refused; turning polling off takes the desk off the poller's list.
func TestIMAPSettings(t *testing.T) {
	t.Parallel()
	r := newRigWith(t, []helpdesk.Option{helpdesk.WithIMAP(NewSecretBox(testSecret), CheckHost)}, "demo")
	ctx := context.Background()
	tn := r.desks["demo"]
	u, err := r.store.UserByEmail(ctx, tn.ID, "admin@demo.example")
	require.NoError(t, err)
	admin := u.Actor()

	_, err = r.svc.SetIMAPSettings(ctx, r.agents["demo"].Actor(), helpdesk.IMAPInput{Host: "8.8.8.8", Port: "993", TLS: "tls", Username: "u", Password: "p"})
	assert.ErrorIs(t, err, helpdesk.ErrNotFound, "agents do not see the setting")

	fields := func(err error) map[string]string {
		var ve *helpdesk.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		return ve.Fields
	}
	_, err = r.svc.SetIMAPSettings(ctx, admin, helpdesk.IMAPInput{Host: "8.8.8.8", Port: "993", TLS: "tls", Username: "buzon@demo.example"})
	assert.Equal(t, map[string]string{"password": "error.required"}, fields(err))
	for _, host := range []string{"127.0.0.1", "localhost", "10.0.0.8", "169.254.169.254", "::1"} {
		_, err = r.svc.SetIMAPSettings(ctx, admin, helpdesk.IMAPInput{Host: host, Port: "993", TLS: "tls", Username: "u", Password: "p"})
		assert.Equal(t, "error.host_forbidden", fields(err)["host"], host)
	}
	_, err = r.svc.SetIMAPSettings(ctx, admin, helpdesk.IMAPInput{Host: "8.8.8.8", Port: "99999", TLS: "ssl", Username: ""})
	assert.Equal(t, map[string]string{"port": "error.invalid", "tls": "error.invalid", "username": "error.required", "password": "error.required"}, fields(err))

	a, err := r.svc.SetIMAPSettings(ctx, admin, helpdesk.IMAPInput{Host: "8.8.8.8", Port: "993", TLS: "tls",
		Username: "buzon@demo.example", Password: "secreto-del-buzón", Enabled: true})
	require.NoError(t, err)
	assert.Nil(t, a.Password)
	assert.Equal(t, "INBOX", a.Mailbox)
	var stored []byte
	tenants, err := r.store.IMAPTenants(ctx)
	require.NoError(t, err)
	assert.Equal(t, []helpdesk.TenantID{tn.ID}, tenants)
	acct, err := r.store.IMAPAccount(ctx, tn.ID)
	require.NoError(t, err)
	stored = acct.Password
	assert.False(t, bytes.Contains(stored, []byte("secreto")), "sealed at rest")

	_, pw, err := r.svc.IMAPForPolling(ctx, tn.ID)
	require.NoError(t, err)
	assert.Equal(t, "secreto-del-buzón", pw)

	_, err = r.svc.SetIMAPSettings(ctx, admin, helpdesk.IMAPInput{Host: "8.8.8.8", Port: "993", TLS: "tls", Username: "buzon@demo.example"})
	require.NoError(t, err, "an empty password keeps the stored one")
	_, pw, err = r.svc.IMAPForPolling(ctx, tn.ID)
	require.NoError(t, err)
	assert.Equal(t, "secreto-del-buzón", pw)
	tenants, err = r.store.IMAPTenants(ctx)
	require.NoError(t, err)
	assert.Empty(t, tenants, "saved without Enabled: off the poller's list")

	// Each save is in the admin audit log, the password never.
	q := `SELECT count(*) FROM audit_log WHERE action = 'imap.update'`
	assert.Equal(t, 2, r.count(t, "demo", q))
	assert.Equal(t, 2, r.count(t, "demo", q+` AND after->>'username' = 'buzon@demo.example'`))
	assert.Equal(t, 1, r.count(t, "demo", q+` AND before IS NULL`), "the first save creates the account")
	assert.Zero(t, r.count(t, "demo", q+` AND (coalesce(before::text, '') || after::text) LIKE '%secreto%'`), "never the password")

	shown, err := r.svc.IMAPSettings(ctx, admin)
	require.NoError(t, err)
	assert.Nil(t, shown.Password)
	assert.Equal(t, "buzon@demo.example", shown.Username)
}
