package console

import (
	"slices"
	"strings"
)

// sortedKeys lists a form's error fields in a stable order.
func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// hasLine reports whether o is one of the newline-separated values of a
// multi-select as typed.
func hasLine(value, o string) bool {
	return slices.Contains(strings.Split(value, "\n"), o)
}

// msgKey joins a message key's prefix and a value (the catalogue test
// reads literal keys; prefixes are checked through their values).
func msgKey(prefix, value string) string { return prefix + value }
