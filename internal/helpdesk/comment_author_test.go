package helpdesk

import "testing"

// TestFromDesk: the desk speaks through agents and through itself (an
// automation's macro reply); only the requester's side is not the desk.
func TestFromDesk(t *testing.T) {
	for k, want := range map[AuthorKind]bool{AuthorAgent: true, AuthorSystem: true, AuthorCustomer: false} {
		if got := k.FromDesk(); got != want {
			t.Errorf("%s.FromDesk() = %v, want %v", k, got, want)
		}
	}
}
