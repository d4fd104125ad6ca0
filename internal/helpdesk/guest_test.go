package helpdesk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guestIn is ticketIn(st) requested by a guest, with guest an actor holding
// its link.
func guestIn(st Status) (Ticket, Actor) {
	t := ticketIn(st)
	t.Requester = Requester{Name: "Gema Invitada", Email: "gema@example.com"}
	return t, Actor{Kind: ActorGuest, Tenant: tenantA, GuestTicket: t.ID, GuestEmail: "Gema@Example.com", Name: "Gema Invitada"}
}

func TestGuestTokens(t *testing.T) {
	t.Parallel()
	token, hash := newGuestToken()
	require.Len(t, token, 43)
	require.Len(t, hash, 32)
	assert.Equal(t, hash, guestTokenHash(token))
	other, _ := newGuestToken()
	assert.NotEqual(t, token, other, "tokens are random")

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	upper := strings.ToUpper(token)
	if upper == token {
		upper = strings.ToLower(token)
	}
	// The last character of 43 carries 2 padding bits: Strict decoding
	// refuses a variant with them set, so each token has one spelling.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := token[:42] + string(alphabet[strings.IndexByte(alphabet, token[42])|1])
	tests := []struct {
		name  string
		token string
		// nil: refused as malformed; other: a well-formed token of its
		// own (another hash); differs: either.
		want string
	}{
		{"empty", "", "nil"},
		{"whitespace", "   ", "nil"},
		{"padded with spaces", " " + token + " ", "nil"},
		{"trailing newline", token + "\n", "nil"},
		{"truncated", token[:42], "nil"},
		{"one more character", token + "A", "nil"},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(token[:42]) + "+", "nil"},
		{"padding", token[:42] + "=", "nil"},
		{"non-canonical last character", last, "nil"},
		{"case changed", upper, "differs"},
		{"one character changed", flip(token, 10), "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := guestTokenHash(tt.token)
			switch tt.want {
			case "nil":
				assert.Nil(t, got)
			case "differs": // malformed, or well-formed with a hash of its own
				assert.NotEqual(t, hash, got)
			default:
				require.NotNil(t, got)
				assert.NotEqual(t, hash, got)
			}
		})
	}
}

func TestGuestCanViewOnlyItsTicket(t *testing.T) {
	t.Parallel()
	tk, guest := guestIn(StatusOpen)
	other := tk.Clone()
	other.ID, other.Number = 8, 1043
	claimed := tk.Clone()
	claimed.Requester = Requester{User: requesterID, Name: "Gema", Email: "gema@example.com"}
	renamed := tk.Clone()
	renamed.Requester.Email = "otra@example.com"
	foreignTk := tk.Clone()
	foreignTk.Tenant = tenantB
	noEmail := guest
	noEmail.GuestEmail = ""
	noTicket := guest
	noTicket.GuestTicket = 0
	zero := tk.Clone()
	zero.ID = 0
	tests := []struct {
		name     string
		by       Actor
		tk       Ticket
		wantSeen bool
	}{
		{"its ticket", guest, tk, true},
		{"its closed ticket", guest, func() Ticket { c, _ := guestIn(StatusClosed); return c }(), true},
		{"another ticket", guest, other, false},
		{"claimed by an account", guest, claimed, false},
		{"requester changed", guest, renamed, false},
		{"another tenant's ticket", guest, foreignTk, false},
		{"guest of another tenant", Actor{Kind: ActorGuest, Tenant: tenantB, GuestTicket: tk.ID, GuestEmail: "gema@example.com"}, tk, false},
		{"no email", noEmail, tk, false},
		{"no ticket", noTicket, zero, false},
		{"a customer's ticket", guest, ticketIn(StatusOpen), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CanView(tt.by, &tt.tk, true)
			if tt.wantSeen {
				assert.NoError(t, err)
				assert.NoError(t, CanReply(tt.by, &tt.tk, Public))
			} else {
				assert.ErrorIs(t, err, ErrNotFound)
				assert.ErrorIs(t, CanReply(tt.by, &tt.tk, Public), ErrNotFound)
			}
		})
	}
	assert.True(t, guest.IsCustomer(), "a guest sees tickets as a customer")
	assert.False(t, guest.IsStaff())
	assert.ErrorIs(t, CanReply(guest, &tk, Internal), ErrForbidden)
	assert.ErrorIs(t, CanEdit(guest, &tk), ErrForbidden)
}

// TestGuestLifecycle runs every lifecycle action by the guest of the
// ticket and by the guest of another ticket: only the requester's reply is
// the guest's, with the requester's rules; everything else fails and
// leaves the ticket as it was.
func TestGuestLifecycle(t *testing.T) {
	t.Parallel()
	for _, st := range Statuses() {
		for _, act := range lifecycleActions() {
			t.Run(fmt.Sprintf("%s/%s", st, act.name), func(t *testing.T) {
				t.Parallel()
				tk, guest := guestIn(st)
				before := tk.Clone()
				stranger := guest
				stranger.GuestTicket = 99
				evs, err := act.run(&tk, stranger, t0)
				require.ErrorIs(t, err, ErrNotFound, "the guest of another ticket sees nothing")
				assert.Empty(t, evs)
				require.Equal(t, before, tk)

				evs, err = act.run(&tk, guest, t0)
				if act.name != "requester_reply" {
					// Only replying is the guest's; confirming the solution
					// is left to accounts in this first version. A merge
					// names a second ticket, which the guest cannot see.
					if act.name == "merge" {
						require.ErrorIs(t, err, ErrNotFound)
					} else {
						require.ErrorIs(t, err, ErrForbidden)
					}
					assert.Empty(t, evs)
					assert.Equal(t, before, tk)
					return
				}
				w := oracle(st, pRequester, 0, act.name)
				if w.err != nil {
					require.ErrorIs(t, err, w.err)
					assert.Empty(t, evs)
					assert.Equal(t, before, tk)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, w.status, tk.Status)
				assert.Equal(t, before.Reopens+w.reopens, tk.Reopens)
				require.NotEmpty(t, evs)
				for _, e := range evs {
					assert.Equal(t, Author{Kind: AuthorCustomer, Name: "Gema Invitada"}, e.Actor)
				}
			})
		}
	}
}

func TestGuestFollowUp(t *testing.T) {
	t.Parallel()
	closed, guest := guestIn(StatusClosed)
	nt, first, evs, err := FollowUp(&closed, NewComment{Body: "Vuelve a pasar"}, guest, t0)
	require.NoError(t, err)
	assert.Equal(t, closed.Requester, nt.Requester)
	assert.Equal(t, AuthorCustomer, first.Author.Kind)
	assert.NotEmpty(t, evs)
	other := guest
	other.GuestTicket = 99
	_, _, _, err = FollowUp(&closed, NewComment{Body: "x"}, other, t0)
	assert.ErrorIs(t, err, ErrNotFound)
}

// Validate checks the form alone: the desk's category and fields are for
// OpenGuestTicket, against the store.
func TestGuestTicketInputValidateLeavesTheDeskToOpen(t *testing.T) {
	t.Parallel()
	in := GuestTicketInput{Name: "Gema", Email: "gema@example.com", Subject: "No puedo entrar",
		Description: "Me dice que la contraseña no es válida.", Urgency: UrgencyHigh}
	in.Category, in.Fields = 77, map[CustomFieldID]string{2: "5"}
	require.NoError(t, in.Validate())
	assert.Equal(t, map[CustomFieldID]string{2: "5"}, in.Fields)
}
