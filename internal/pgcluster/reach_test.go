package pgcluster_test

import (
	"os"
	"os/user"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/pgcluster"
)

func TestServerCanReachFollowsEveryDirectoryOnThePath(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		ok, err := pgcluster.ServerCanReach(t.TempDir())
		require.NoError(t, err)
		assert.True(t, ok, "the server runs as this user, which reaches its own directories")
		return
	}
	if _, err := user.Lookup("postgres"); err != nil {
		t.Skip("no postgres system user")
	}
	base := t.TempDir()
	// t.TempDir makes its parent 0700 as well.
	require.NoError(t, os.Chmod(filepath.Dir(base), 0o755))
	require.NoError(t, os.Chmod(base, 0o755))
	private := filepath.Join(base, "root")
	require.NoError(t, os.Mkdir(private, 0o700)) // like /root
	open := filepath.Join(base, "srv")
	require.NoError(t, os.Mkdir(open, 0o755))

	for _, tc := range []struct {
		dir  string
		want bool
	}{
		{filepath.Join(private, "clone", ".data", "postgres"), false},
		{filepath.Join(open, "clone", ".data", "postgres"), true}, // missing parts are made 0755
		{open, true},
	} {
		ok, err := pgcluster.ServerCanReach(tc.dir)
		require.NoError(t, err)
		assert.Equal(t, tc.want, ok, tc.dir)
	}
}
