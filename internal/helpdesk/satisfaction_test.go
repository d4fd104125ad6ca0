package helpdesk

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ratedTicket is a ticket of tenant 1 requested by customer 7, in status st.
func ratedTicket(st Status) Ticket {
	solved := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	t := Ticket{
		ID: 40, Tenant: 1, Number: 1042, Subject: "No imprime", Status: st,
		Requester: Requester{User: 7, Name: "Carla Cliente", Email: "carla@example.com"}, Reopens: 1,
		Followers: []UserID{8}, Version: 5,
	}
	if st == StatusSolved || st == StatusClosed {
		t.SolvedAt = solved
	}
	return t
}

var (
	requesterActor = Actor{Kind: ActorUser, Tenant: 1, User: 7, Role: RoleCustomer, Name: "Carla Cliente"}
	followerActor  = Actor{Kind: ActorUser, Tenant: 1, User: 8, Role: RoleCustomer, Name: "Fede Seguidor"}
	strangerActor  = Actor{Kind: ActorUser, Tenant: 1, User: 9, Role: RoleCustomer, Name: "Otro Cliente"}
	agentActor     = Actor{Kind: ActorUser, Tenant: 1, User: 2, Role: RoleAgent, Name: "Ana Agente"}
	foreignActor   = Actor{Kind: ActorUser, Tenant: 2, User: 7, Role: RoleCustomer, Name: "Carla Cliente"}
)

func TestResolution(t *testing.T) {
	t.Parallel()
	merged := ratedTicket(StatusClosed)
	merged.MergedInto = TicketRef{ID: 41, Number: 1043}
	closedUnsolved := ratedTicket(StatusClosed)
	closedUnsolved.SolvedAt = time.Time{}
	tests := []struct {
		name string
		t    Ticket
		want int
	}{
		{"new", ratedTicket(StatusNew), 0},
		{"open", ratedTicket(StatusOpen), 0},
		{"pending", ratedTicket(StatusPending), 0},
		{"on hold", ratedTicket(StatusOnHold), 0},
		{"solved after one reopen", ratedTicket(StatusSolved), 2},
		{"closed after solving", ratedTicket(StatusClosed), 2},
		{"closed by a merge", merged, 0},
		{"closed without being solved", closedUnsolved, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.t.Resolution())
		})
	}
}

func TestRateWhoAndWhen(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 11, 10, 0, 0, 0, time.UTC)
	prev := &Rating{Ticket: 40, Resolution: 2, Score: 2, Comment: "Lento", CreatedAt: now.Add(-time.Hour)}
	system := System(1)
	tests := []struct {
		name   string
		status Status
		prev   *Rating
		by     Actor
		via    RatingVia
		want   error // nil: allowed
	}{
		{"requester rates a solved ticket", StatusSolved, nil, requesterActor, RatedInPortal, nil},
		{"requester changes while solved", StatusSolved, prev, requesterActor, RatedInPortal, nil},
		{"requester rates a closed ticket once", StatusClosed, nil, requesterActor, RatedInPortal, nil},
		{"a closed ticket's rating is final", StatusClosed, prev, requesterActor, RatedInPortal, ErrTicketClosed},
		{"an open ticket has nothing to rate", StatusOpen, nil, requesterActor, RatedInPortal, ErrInvalidTransition},
		{"a new ticket has nothing to rate", StatusNew, nil, requesterActor, RatedInPortal, ErrInvalidTransition},
		{"a follower may not rate", StatusSolved, nil, followerActor, RatedInPortal, ErrNotFound},
		{"another customer may not rate", StatusSolved, nil, strangerActor, RatedInPortal, ErrNotFound},
		{"another tenant's customer may not rate", StatusSolved, nil, foreignActor, RatedInPortal, ErrNotFound},
		{"an agent may not rate", StatusSolved, nil, agentActor, RatedInPortal, ErrForbidden},
		{"the system may not rate in the portal", StatusSolved, nil, system, RatedInPortal, ErrForbidden},
		{"a link rates as the requester", StatusSolved, nil, system, RatedByLink, nil},
		{"only the system uses links", StatusSolved, nil, requesterActor, RatedByLink, ErrForbidden},
		{"a link cannot change a closed ticket's rating", StatusClosed, prev, system, RatedByLink, ErrTicketClosed},
		{"an unknown channel is refused", StatusSolved, nil, requesterActor, "api", ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := ratedTicket(tt.status)
			before := tk.Clone()
			r, evs, err := tk.Rate(tt.prev, 4, "  Muy amable \x00", tt.by, tt.via, now)
			assert.Equal(t, before, tk, "rating never changes the ticket")
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				assert.Empty(t, evs)
				assert.Zero(t, r)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Rating{
				Ticket: 40, Resolution: 2, SolvedAt: tk.SolvedAt, Score: 4, Comment: "Muy amable",
				RatedBy: Author{Kind: AuthorCustomer, User: 7, Name: "Carla Cliente"}, Via: tt.via,
				CreatedAt: r.CreatedAt, UpdatedAt: now,
			}, r)
			require.Len(t, evs, 1)
			ev := evs[0]
			assert.Equal(t, EventRated, ev.Kind)
			assert.Equal(t, FieldSatisfaction, ev.Field)
			assert.Equal(t, Author{Kind: AuthorCustomer, User: 7, Name: "Carla Cliente"}, ev.Actor)
			assert.Equal(t, "4", ev.To)
			assert.EqualValues(t, 4, ev.ToID)
			if tt.prev != nil {
				assert.Equal(t, "2", ev.From)
				assert.Equal(t, tt.prev.CreatedAt, r.CreatedAt, "a change keeps when it was first rated")
			} else {
				assert.Empty(t, ev.From)
				assert.Equal(t, now, r.CreatedAt)
			}
		})
	}
}

func TestRateInput(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 11, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		score   int
		comment string
		field   string // the field refused; "" when accepted
		stored  string
	}{
		{"lowest", 1, "", "", ""},
		{"highest", 5, "", "", ""},
		{"zero", 0, "", "rating", ""},
		{"six", 6, "", "rating", ""},
		{"negative", -3, "", "rating", ""},
		{"comment at the limit", 3, strings.Repeat("ñ", MaxRatingCommentLen), "", strings.Repeat("ñ", MaxRatingCommentLen)},
		{"comment over the limit", 3, strings.Repeat("a", MaxRatingCommentLen+1), "comment", ""},
		{"comment is cleaned", 3, "\r\n hola\u202e\x00 \xff\n", "", "hola \uFFFD"},
		{"markup is kept as text", 3, `<script>alert(1)</script>`, "", `<script>alert(1)</script>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := ratedTicket(StatusSolved)
			r, evs, err := tk.Rate(nil, tt.score, tt.comment, requesterActor, RatedInPortal, now)
			if tt.field != "" {
				var v *ValidationError
				require.ErrorAs(t, err, &v)
				assert.Contains(t, v.Fields, tt.field)
				assert.Empty(t, evs)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.stored, r.Comment)
			assert.Equal(t, tt.score, r.Score)
		})
	}
}

func TestRateSameAgainChangesNothing(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 11, 10, 0, 0, 0, time.UTC)
	tk := ratedTicket(StatusSolved)
	prev := &Rating{Ticket: 40, Resolution: 2, Score: 4, Comment: "Bien", CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)}
	r, evs, err := tk.Rate(prev, 4, " Bien ", requesterActor, RatedInPortal, now)
	require.NoError(t, err)
	assert.Empty(t, evs)
	assert.Equal(t, *prev, r)

	// A rating of an earlier resolution is not this one's.
	old := &Rating{Ticket: 40, Resolution: 1, Score: 1}
	closed := ratedTicket(StatusClosed)
	r, evs, err = closed.Rate(old, 5, "", requesterActor, RatedInPortal, now)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Empty(t, evs[0].From)
	assert.Equal(t, 2, r.Resolution)
}

func TestRatingTokenShape(t *testing.T) {
	t.Parallel()
	good := "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8" // 0x00…0x1f
	_, ok := ratingTokenHash(good)
	require.True(t, ok)
	for name, tok := range map[string]string{
		"empty":                  "",
		"whitespace":             strings.Repeat(" ", ratingTokenLen),
		"trailing newline":       good[:ratingTokenLen-1] + "\n",
		"surrounded by spaces":   " " + good + " ",
		"padded":                 good + "=",
		"standard alphabet":      good[:ratingTokenLen-1] + "+",
		"non-canonical last":     good[:ratingTokenLen-1] + "9", // sets bits the encoding leaves zero
		"too short":              good[:ratingTokenLen-1],
		"too long":               good + "A",
		"non-ASCII of same size": "ñ" + good[2:],
	} {
		_, ok := ratingTokenHash(tok)
		assert.False(t, ok, name)
	}
	// A case change is a valid shape but another token: another hash.
	h1, _ := ratingTokenHash(good)
	h2, ok := ratingTokenHash(strings.ToLower(good))
	require.True(t, ok)
	assert.NotEqual(t, h1, h2)
}
