package loadgen

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStandardLibraryOnly keeps the driver free of dependencies: what it
// measures is the server, not a client library.
func TestStandardLibraryOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".", "../../cmd/benchload").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "github.com/atiende/atiende/internal/loadgen" && p != "github.com/atiende/atiende/cmd/benchload" {
			t.Errorf("the load driver imports %s; it may use the standard library only", p)
		}
	}
}
