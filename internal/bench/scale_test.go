package bench

import (
	"slices"
	"testing"
)

// TestTenantSizes: every scale's tickets are all given out, the largest
// tenant holds a tenth, most tenants are small and a few large.
func TestTenantSizes(t *testing.T) {
	for _, sc := range Scales {
		sizes := tenantSizes(sc.Tickets, sc.Tenants)
		if len(sizes) != sc.Tenants {
			t.Fatalf("%s: %d tenants, want %d", sc.Name, len(sizes), sc.Tenants)
		}
		sum := 0
		for _, n := range sizes {
			sum += n
			if n < 3 {
				t.Errorf("%s: a tenant with %d tickets", sc.Name, n)
			}
		}
		if sum != sc.Tickets {
			t.Errorf("%s: %d tickets given out, want %d", sc.Name, sum, sc.Tickets)
		}
		if sizes[0] != sc.Tickets/10 || slices.Max(sizes[1:]) >= sizes[0] {
			t.Errorf("%s: largest %d, next %d: the largest must hold a tenth", sc.Name, sizes[0], slices.Max(sizes[1:]))
		}
		sorted := slices.Sorted(slices.Values(sizes))
		if median := sorted[len(sorted)/2]; median*20 > sizes[0] {
			t.Errorf("%s: median tenant %d is not small next to the largest %d", sc.Name, median, sizes[0])
		}
	}
}
