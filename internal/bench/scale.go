// Package bench generates synthetic help desks at scale and orchestrates
// the performance harness behind `make bench`: it starts a PostgreSQL of its
// own, loads the data, runs `atiende serve` and the load driver
// (cmd/benchload, a separate process) and writes docs/benchmarks.md.
package bench

import (
	"fmt"
	"math"
	"strconv"
)

// Scale is how much data a run generates.
type Scale struct {
	Name    string
	Tickets int
	Tenants int
}

// Scales are the sizes the harness knows. The largest tenant always holds
// a tenth of the tickets.
var Scales = map[string]Scale{
	"small":  {"small", 10_000, 100},
	"medium": {"medium", 100_000, 100},
	"large":  {"large", 1_000_000, 1000},
}

// ParseScale returns the named scale.
func ParseScale(name string) (Scale, error) {
	s, ok := Scales[name]
	if !ok {
		return Scale{}, fmt.Errorf("bench: unknown scale %q (small, medium, large)", name)
	}
	return s, nil
}

// Password is every generated user's password. Each hash costs tens of
// milliseconds, so one hash is made and shared by every user.
const Password = "bench-password"

// tenantSizes splits total tickets over n tenants: the first holds 10 %,
// the others follow a Zipf-like curve (most small, a few large), none
// above 6 % and none under 3 tickets.
func tenantSizes(total, n int) []int {
	sizes := make([]int, n)
	sizes[0] = total / 10
	if n == 1 {
		sizes[0] = total
		return sizes
	}
	rest := total - sizes[0]
	w := make([]float64, n)
	capped := make([]bool, n)
	maxShare := 0.06 * float64(total)
	for i := 1; i < n; i++ {
		w[i] = math.Pow(float64(i+1), -1.2)
	}
	// Cap the heaviest and spread what they lose over the others, until
	// no tenant is above the cap.
	share := make([]float64, n)
	for range 20 {
		free, fixed := 0.0, 0.0
		for i := 1; i < n; i++ {
			if capped[i] {
				fixed += maxShare
			} else {
				free += w[i]
			}
		}
		changed := false
		for i := 1; i < n; i++ {
			if capped[i] {
				share[i] = maxShare
				continue
			}
			share[i] = w[i] / free * (float64(rest) - fixed)
			if share[i] > maxShare {
				capped[i], changed = true, true
			}
		}
		if !changed {
			break
		}
	}
	sum := sizes[0]
	for i := 1; i < n; i++ {
		sizes[i] = max(3, int(share[i]))
		sum += sizes[i]
	}
	// Rounding: the last tenants absorb the difference.
	for i := n - 1; sum != total && i > 0; i-- {
		d := total - sum
		if sizes[i]+d >= 3 {
			sizes[i] += d
			sum = total
		} else {
			sum -= sizes[i] - 3
			sizes[i] = 3
		}
	}
	return sizes
}

// Slug is the URL name of generated tenant i (0 is the largest).
func Slug(i int) string { return fmt.Sprintf("bench-%04d", i+1) }

// AgentEmail and CustomerEmail are the generated users' sign-in names.
func AgentEmail(slug string, i int) string {
	return "agente" + strconv.Itoa(i+1) + "@" + slug + ".example"
}
func CustomerEmail(slug string, i int) string {
	return "cliente" + strconv.Itoa(i+1) + "@" + slug + ".example"
}

// AdminEmail is the tenant's administrator.
func AdminEmail(slug string) string { return "admin@" + slug + ".example" }

// agentsFor and customersFor size a tenant's staff and customers by its
// ticket count.
func agentsFor(tickets int) int { return min(40, max(2, tickets/1000)) }

func customersFor(tickets int, largest bool) int {
	n := max(5, tickets/8)
	if largest {
		n = max(n, 600) // the load driver signs in hundreds of them
	}
	return n
}

func itoa(i int) string { return strconv.Itoa(i) }
