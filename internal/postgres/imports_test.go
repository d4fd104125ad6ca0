package postgres_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOnlyTheWiringImportsTheStore keeps the floors of docs/architecture.md:
// the HTTP layer and the mail channel call the domain (or small interfaces
// they declare), never the store. Only the commands that wire the process,
// the test cluster helper, the benchmark and the fault-injection harness
// (make chaos) may import internal/postgres;
// test files may too (they are not in .Imports).
func TestOnlyTheWiringImportsTheStore(t *testing.T) {
	t.Parallel()
	const mod = "github.com/atiende/atiende/"
	const store = mod + "internal/postgres"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Deps \" \"}} | {{join .Imports \" \"}}", mod+"...").CombinedOutput()
	require.NoError(t, err, string(out))
	allowed := func(pkg string) bool {
		return pkg == store || strings.HasPrefix(pkg, mod+"cmd/") ||
			pkg == mod+"internal/pgtest" || pkg == mod+"internal/bench" || pkg == mod+"internal/chaos"
	}
	// These must not reach the store even through another package.
	floors := []string{mod + "internal/helpdesk", mod + "internal/server", mod + "internal/mail", mod + "internal/jobs", mod + "web"}
	var checked int
	for line := range strings.Lines(string(out)) {
		before, imports, ok := strings.Cut(strings.TrimSpace(line), " | ")
		if !ok {
			imports, before = "", strings.TrimSuffix(strings.TrimSpace(line), " |")
		}
		fields := strings.Fields(before)
		pkg, deps := fields[0], fields[1:]
		checked++
		if !allowed(pkg) && slices.Contains(strings.Fields(imports), store) {
			t.Errorf("%s imports internal/postgres; call the domain or declare the interface it needs (see docs/architecture.md)", pkg)
		}
		for _, f := range floors {
			if (pkg == f || strings.HasPrefix(pkg, f+"/")) && slices.Contains(deps, store) {
				t.Errorf("%s depends on internal/postgres through another package", pkg)
			}
		}
	}
	require.Greater(t, checked, 10, "go list found the module's packages")
}
