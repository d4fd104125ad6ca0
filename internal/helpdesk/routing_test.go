package helpdesk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPickAgent(t *testing.T) {
	t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	agent := func(id UserID) User { return User{ID: id, Tenant: tenantA, Role: RoleAgent, Active: true} }
	c := func(id UserID, open int, last time.Duration) RoutingCandidate {
		rc := RoutingCandidate{Agent: agent(id), Open: open, Skilled: true}
		if last != 0 {
			rc.LastAssigned = t0.Add(last)
		}
		return rc
	}
	tests := []struct {
		name  string
		mode  AssignmentMode
		cands []RoutingCandidate
		want  UserID // 0: none
	}{
		{"manual never picks", AssignManual, []RoutingCandidate{c(1, 0, 0)}, 0},
		{"unknown mode never picks", "", []RoutingCandidate{c(1, 0, 0)}, 0},
		{"no members", AssignLeastLoaded, nil, 0},
		{"fewest open wins", AssignLeastLoaded, []RoutingCandidate{c(1, 3, 0), c(2, 1, time.Hour), c(3, 2, 0)}, 2},
		{"equal load: least recently assigned", AssignLeastLoaded, []RoutingCandidate{c(1, 1, 2*time.Hour), c(2, 1, time.Hour), c(3, 1, 3*time.Hour)}, 2},
		{"never assigned goes before assigned", AssignLeastLoaded, []RoutingCandidate{c(1, 1, time.Hour), c(2, 1, 0)}, 2},
		{"full tie: lowest id", AssignLeastLoaded, []RoutingCandidate{c(3, 0, 0), c(2, 0, 0)}, 2},
		{"round robin ignores load", AssignRoundRobin, []RoutingCandidate{c(1, 0, time.Hour), c(2, 9, 0)}, 2},
		{"away skipped", AssignLeastLoaded, []RoutingCandidate{func() RoutingCandidate { x := c(1, 0, 0); x.Away = true; return x }(), c(2, 5, 0)}, 2},
		{"unskilled skipped", AssignLeastLoaded, []RoutingCandidate{func() RoutingCandidate { x := c(1, 0, 0); x.Skilled = false; return x }(), c(2, 5, 0)}, 2},
		{"inactive skipped", AssignLeastLoaded, []RoutingCandidate{func() RoutingCandidate { x := c(1, 0, 0); x.Agent.Active = false; return x }(), c(2, 5, 0)}, 2},
		{"customer never picked", AssignLeastLoaded, []RoutingCandidate{func() RoutingCandidate { x := c(1, 0, 0); x.Agent.Role = RoleCustomer; return x }()}, 0},
		{"at cap skipped", AssignLeastLoaded, []RoutingCandidate{func() RoutingCandidate { x := c(1, 2, 0); x.MaxOpen = 2; return x }(), c(2, 5, 0)}, 2},
		{"under cap eligible", AssignLeastLoaded, []RoutingCandidate{func() RoutingCandidate { x := c(1, 1, 0); x.MaxOpen = 2; return x }(), c(2, 5, 0)}, 1},
		{"cap holds in round robin too", AssignRoundRobin, []RoutingCandidate{func() RoutingCandidate { x := c(1, 1, 0); x.MaxOpen = 1; return x }()}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := PickAgent(tt.mode, tt.cands)
			assert.Equal(t, tt.want != 0, ok)
			assert.Equal(t, tt.want, got.ID)
		})
	}
}
