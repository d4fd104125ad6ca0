package config

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load("serve", nil, env(nil), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, ":8080", c.Addr)
	assert.Equal(t, "http://localhost:8080", c.BaseURL)
	assert.False(t, c.AutoMigrate)
	assert.Equal(t, slog.LevelInfo, c.LogLevel)
	assert.Equal(t, 16, c.DBMaxConns)
	assert.Equal(t, 20*time.Second, c.ShutdownTimeout)
	assert.False(t, c.Secure())
	assert.False(t, c.AllowOwnerRole)
	assert.Empty(t, c.MigrationDatabaseURL)
}

func TestMigrationURLFallsBackToDatabaseURL(t *testing.T) {
	t.Parallel()
	c, err := Load("migrate", nil, env(map[string]string{"DATABASE_URL": "postgres://app@db/atiende"}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgres://app@db/atiende", c.MigrationURL())

	c, err = Load("migrate", []string{"-migration-database-url", "postgres://owner:0wn3r@db/atiende"}, env(map[string]string{
		"DATABASE_URL": "postgres://app@db/atiende", "ATIENDE_ALLOW_OWNER_ROLE": "true",
	}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgres://owner:0wn3r@db/atiende", c.MigrationURL())
	assert.True(t, c.AllowOwnerRole)

	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "config", c)
	assert.NotContains(t, buf.String(), "0wn3r", "the migration URL's password is masked in logs")
	assert.Contains(t, buf.String(), "owner:xxxxx@db")
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	t.Parallel()
	c, err := Load("serve", []string{"-addr", ":9090"}, env(map[string]string{
		"ATIENDE_ADDR": ":7070", "ATIENDE_BASE_URL": "https://desk.example.com/", "ATIENDE_AUTO_MIGRATE": "true",
		"DATABASE_URL": "postgres://app:s3cret@db/atiende",
	}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, ":9090", c.Addr)
	assert.Equal(t, "https://desk.example.com", c.BaseURL)
	assert.True(t, c.AutoMigrate)
	assert.True(t, c.Secure())

	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "config", c)
	assert.NotContains(t, buf.String(), "s3cret", "secrets are masked in logs")
}

func TestInvalidValuesAreAllReported(t *testing.T) {
	t.Parallel()
	_, err := Load("serve", nil, env(map[string]string{
		"ATIENDE_BASE_URL": "desk.example.com", "ATIENDE_AUTO_MIGRATE": "maybe", "ATIENDE_LOG_FORMAT": "xml",
		"ATIENDE_ALLOW_OWNER_ROLE": "perhaps",
	}), io.Discard)
	require.Error(t, err)
	for _, name := range []string{"ATIENDE_BASE_URL", "ATIENDE_AUTO_MIGRATE", "ATIENDE_LOG_FORMAT", "ATIENDE_ALLOW_OWNER_ROLE"} {
		assert.Contains(t, err.Error(), name)
	}
}

func TestUnexpectedArguments(t *testing.T) {
	t.Parallel()
	_, err := Load("serve", []string{"extra"}, env(nil), io.Discard)
	assert.ErrorContains(t, err, "unexpected arguments")
}

func TestMailSigningSecret(t *testing.T) {
	load := func(env map[string]string) (Config, error) {
		return Load("serve", nil, func(k string) string { return env[k] }, io.Discard)
	}
	c, err := load(nil)
	require.NoError(t, err)
	secret, dev, err := c.MailSigningSecret()
	require.NoError(t, err)
	assert.True(t, dev, "a local installation may use the development secret")
	assert.NotEmpty(t, secret)

	c, err = load(map[string]string{"ATIENDE_BASE_URL": "https://help.example.com"})
	require.NoError(t, err)
	_, _, err = c.MailSigningSecret()
	assert.ErrorContains(t, err, "ATIENDE_MAIL_SECRET", "anywhere else the secret must be set")

	c, err = load(map[string]string{"ATIENDE_BASE_URL": "https://help.example.com", "ATIENDE_MAIL_SECRET": strings.Repeat("x", 40)})
	require.NoError(t, err)
	secret, dev, err = c.MailSigningSecret()
	require.NoError(t, err)
	assert.False(t, dev)
	assert.Equal(t, strings.Repeat("x", 40), string(secret))

	_, err = load(map[string]string{"ATIENDE_MAIL_SECRET": "short"})
	assert.ErrorContains(t, err, "ATIENDE_MAIL_SECRET")
	_, err = load(map[string]string{"ATIENDE_SMTP_TLS": "ssl"})
	assert.ErrorContains(t, err, "ATIENDE_SMTP_TLS")
	c, err = load(nil)
	require.NoError(t, err)
	assert.Equal(t, ":2525", c.SMTPAddr)
	assert.Equal(t, "localhost", c.InboundDomain)
	assert.Equal(t, int64(25<<20), c.MailMaxBytes)
}

// TestPprofIsOffAndLoopbackOnly: the profiler is opt-in and refuses any
// address another machine could reach.
func TestPprofIsOffAndLoopbackOnly(t *testing.T) {
	t.Parallel()
	c, err := Load("serve", nil, env(nil), io.Discard)
	require.NoError(t, err)
	assert.Empty(t, c.PprofAddr, "off by default")
	for _, ok := range []string{"127.0.0.1:6060", "[::1]:6060"} {
		c, err := Load("serve", []string{"-pprof-addr", ok}, env(nil), io.Discard)
		require.NoError(t, err, ok)
		assert.Equal(t, ok, c.PprofAddr)
	}
	for _, bad := range []string{":6060", "0.0.0.0:6060", "10.0.0.1:6060", "example.com:6060", "127.0.0.1"} {
		_, err := Load("serve", nil, env(map[string]string{"ATIENDE_PPROF_ADDR": bad}), io.Discard)
		assert.Error(t, err, bad)
	}
}
