package helpdesk_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDomainImportsOnlyTheStandardLibrary keeps HTTP, SQL and views out of
// the domain: every surface depends on it, never the other way round.
func TestDomainImportsOnlyTheStandardLibrary(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	require.NoError(t, err, string(out))
	var deps []string
	for _, p := range strings.Fields(string(out)) {
		if p != "github.com/atiende/atiende/internal/helpdesk" {
			deps = append(deps, p)
		}
	}
	assert.Empty(t, deps, "internal/helpdesk must import only the standard library")

	std, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, string(std))
	for _, banned := range []string{"net/http", "database/sql"} {
		assert.NotContains(t, strings.Fields(string(std)), banned)
	}
}
