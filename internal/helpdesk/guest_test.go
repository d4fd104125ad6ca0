package helpdesk

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

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

// guestFake adds the guest tables to the ticket fake.
type guestFake struct {
	*fakeStore
	links    map[string]guestFakeLink // by hash
	requests []fakeLinkRequest
}

type guestFakeLink struct {
	tenant TenantID
	link   GuestLink
}

type fakeLinkRequest struct {
	tenant TenantID
	r      GuestLinkRequest
}

func newGuestFake() *guestFake {
	return &guestFake{fakeStore: newFakeStore(), links: map[string]guestFakeLink{}}
}

func (g *guestFake) InTx(ctx context.Context, tenant TenantID, fn func(Store) error) error {
	return g.fakeStore.InTx(ctx, tenant, func(Store) error {
		links, reqs := maps.Clone(g.links), slices.Clone(g.requests)
		if err := fn(g); err != nil {
			g.links, g.requests = links, reqs
			return err
		}
		return nil
	})
}

func (g *guestFake) CreateGuestLink(ctx context.Context, tenant TenantID, l GuestLink) error {
	g.mustTx()
	if _, dup := g.links[string(l.Hash)]; dup {
		return ErrConflict
	}
	g.links[string(l.Hash)] = guestFakeLink{tenant, l}
	return nil
}

func (g *guestFake) GuestLink(ctx context.Context, tenant TenantID, hash []byte) (GuestLink, error) {
	g.mustTx()
	l, ok := g.links[string(hash)]
	if !ok || l.tenant != tenant {
		return GuestLink{}, ErrNotFound
	}
	l.link.Number = g.byID(tenant, l.link.Ticket).Number
	return l.link, nil
}

func (g *guestFake) RecordGuestLinkRequest(ctx context.Context, tenant TenantID, r GuestLinkRequest) error {
	g.mustTx()
	g.requests = append(g.requests, fakeLinkRequest{tenant, r})
	return nil
}

var guestDesk = Tenant{ID: tenantA, Slug: "acme", GuestTickets: true}

func newGuestService(t *testing.T) (*Service, *guestFake, *clock) {
	t.Helper()
	g := newGuestFake()
	clk := &clock{now: t0}
	return NewService(g, nil, clk.Now), g, clk
}

func guestInput() GuestTicketInput {
	return GuestTicketInput{Name: "  Gema   Invitada ", Email: " Gema@Example.com ", Subject: "No puedo entrar",
		Description: "Me dice que la contraseña no es válida.", Urgency: UrgencyHigh}
}

func TestOpenGuestTicket(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, g, _ := newGuestService(t)

	tk, token, err := svc.OpenGuestTicket(ctx, guestDesk, guestInput())
	require.NoError(t, err)
	assert.Equal(t, Requester{Name: "Gema Invitada", Email: "gema@example.com"}, tk.Requester)
	assert.Equal(t, ChannelWeb, tk.Channel)
	assert.Equal(t, StatusNew, tk.Status)
	assert.Equal(t, UrgencyHigh, tk.Urgency)
	assert.Equal(t, ImpactMedium, tk.Impact)
	require.NotNil(t, guestTokenHash(token))
	for _, e := range g.eventsOf(tenantA, tk.Number) {
		assert.Equal(t, Author{Kind: AuthorCustomer, Name: "Gema Invitada"}, e.Actor, "history names the guest")
	}
	require.Len(t, g.links, 1)
	for _, l := range g.links {
		assert.Equal(t, tk.ID, l.link.Ticket)
		assert.Equal(t, "gema@example.com", l.link.Email)
		assert.Equal(t, t0.Add(GuestLinkTTL), l.link.ExpiresAt)
		assert.NotContains(t, string(l.link.Hash), token, "the token is not stored")
	}

	// An account's email still opens a guest's ticket: the form never
	// tells whether an account exists.
	in := guestInput()
	in.Email = "ROSA@example.com"
	tk2, _, err := svc.OpenGuestTicket(ctx, guestDesk, in)
	require.NoError(t, err)
	assert.True(t, tk2.Requester.IsGuest())
	assert.Zero(t, tk2.Organisation)

	// Bad input names the form's fields and changes nothing.
	before := g.snapshot()
	_, _, err = svc.OpenGuestTicket(ctx, guestDesk, GuestTicketInput{Email: "no-es-un-correo", Urgency: "ya"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{
		"name": "error.required", "email": "error.email", "subject": "error.required",
		"description": "error.required", "urgency": "error.invalid",
	}, ve.Fields)
	assert.Equal(t, before, g.snapshot())
	assert.Len(t, g.links, 2)

	// A desk that takes no guests refuses.
	off := guestDesk
	off.GuestTickets = false
	_, _, err = svc.OpenGuestTicket(ctx, off, guestInput())
	require.ErrorIs(t, err, ErrForbidden)
	assert.Equal(t, before, g.snapshot())
}

func TestGuestTicketIsTheCustomerView(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := newGuestService(t)
	tk, token, err := svc.OpenGuestTicket(ctx, guestDesk, guestInput())
	require.NoError(t, err)
	v := TicketVersion{Number: tk.Number}
	_, err = svc.AddNote(ctx, agent, v, CommentInput{Body: "Nota interna: cliente importante"})
	require.NoError(t, err)
	_, err = svc.Reply(ctx, agent, v, ReplyInput{CommentInput: CommentInput{Body: "¿Qué navegador usas?"}, Public: true, Status: StatusOnHold})
	require.NoError(t, err)
	_, err = svc.SetTags(ctx, agent, v, []string{"vip"})
	require.NoError(t, err)

	got, entries, err := svc.GuestTicket(ctx, tenantA, token)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, got.Number)
	assert.Equal(t, StatusOpen, got.Status, "on hold reads as open")
	assert.Empty(t, got.Tags)
	var bodies []string
	for _, e := range entries {
		require.NotNil(t, e.Comment, "no events for a guest")
		assert.Equal(t, Public, e.Comment.Visibility)
		bodies = append(bodies, e.Comment.Body)
	}
	assert.Equal(t, []string{"Me dice que la contraseña no es válida.", "¿Qué navegador usas?"}, bodies)
}

func TestGuestTokensOpenOneTicketOfOneTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, g, clk := newGuestService(t)
	tk, token, err := svc.OpenGuestTicket(ctx, guestDesk, guestInput())
	require.NoError(t, err)
	_, other, err := svc.OpenGuestTicket(ctx, guestDesk, guestInput())
	require.NoError(t, err)
	upper := strings.ToUpper(token)
	if upper == token {
		upper = strings.ToLower(token)
	}
	unknown, _ := newGuestToken()
	for _, bad := range []string{"", " ", " " + token, token + " ", upper, token[:42], token[:42] + "x", unknown} {
		before := g.snapshot()
		_, _, err := svc.GuestTicket(ctx, tenantA, bad)
		assert.ErrorIs(t, err, ErrNotFound, "%q", bad)
		_, err = svc.GuestReply(ctx, tenantA, bad, tk.Version, "Hola")
		assert.ErrorIs(t, err, ErrNotFound, "%q", bad)
		assert.Equal(t, before, g.snapshot())
	}
	// Another tenant's transaction never finds the link.
	_, _, err = svc.GuestTicket(ctx, tenantB, token)
	assert.ErrorIs(t, err, ErrNotFound)

	// Each token opens its own ticket.
	a, _, err := svc.GuestTicket(ctx, tenantA, token)
	require.NoError(t, err)
	b, _, err := svc.GuestTicket(ctx, tenantA, other)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, a.Number)
	assert.NotEqual(t, a.Number, b.Number)

	// Expired after 30 days.
	clk.now = t0.Add(GuestLinkTTL - time.Second)
	_, _, err = svc.GuestTicket(ctx, tenantA, token)
	require.NoError(t, err)
	clk.now = t0.Add(GuestLinkTTL)
	_, _, err = svc.GuestTicket(ctx, tenantA, token)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = svc.GuestReply(ctx, tenantA, token, tk.Version, "Hola")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestGuestReply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, g, _ := newGuestService(t)
	tk, token, err := svc.OpenGuestTicket(ctx, guestDesk, guestInput())
	require.NoError(t, err)
	v := TicketVersion{Number: tk.Number}
	solved, err := svc.Reply(ctx, agent, v, ReplyInput{CommentInput: CommentInput{Body: "Restablecida."}, Public: true, Status: StatusSolved})
	require.NoError(t, err)

	// A stale version is a conflict and changes nothing.
	before := g.snapshot()
	_, err = svc.GuestReply(ctx, tenantA, token, solved.Ticket.Version-1, "Sigue sin funcionar")
	require.ErrorIs(t, err, ErrConflict)
	assert.Equal(t, before, g.snapshot())
	// An empty reply is refused.
	_, err = svc.GuestReply(ctx, tenantA, token, solved.Ticket.Version, " \n ")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.required", ve.Fields["body"])

	// The guest's reply reopens a solved ticket, like the requester's.
	res, err := svc.GuestReply(ctx, tenantA, token, solved.Ticket.Version, "Sigue sin funcionar")
	require.NoError(t, err)
	assert.Nil(t, res.FollowUp)
	assert.Equal(t, StatusOpen, res.Ticket.Status)
	assert.Empty(t, res.Ticket.Tags, "the guest's view")
	full, err := svc.Ticket(ctx, agent, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, 1, full.Reopens)
	_, entries, err := svc.GuestTicket(ctx, tenantA, token)
	require.NoError(t, err)
	last := entries[len(entries)-1].Comment
	assert.Equal(t, Author{Kind: AuthorCustomer, Name: "Gema Invitada"}, last.Author)
	assert.Equal(t, "Sigue sin funcionar", last.Body)

	// Pending goes back to open.
	_, err = svc.ChangeStatus(ctx, agent, v, StatusPending)
	require.NoError(t, err)
	cur, _, err := svc.GuestTicket(ctx, tenantA, token)
	require.NoError(t, err)
	res, err = svc.GuestReply(ctx, tenantA, token, cur.Version, "Uso Firefox")
	require.NoError(t, err)
	assert.Equal(t, StatusOpen, res.Ticket.Status)

	// Once an account claims the ticket, the link stops working.
	u := User{ID: 300, Tenant: tenantA, Name: "Gema", Email: "gema@example.com", Role: RoleCustomer, Active: true}
	err = g.InTx(ctx, tenantA, func(tx Store) error {
		t2, err := tx.TicketForUpdate(ctx, tenantA, tk.Number)
		if err != nil {
			return err
		}
		base := t2.Version
		evs, err := t2.ClaimGuest(u, System(tenantA), t0)
		if err != nil {
			return err
		}
		return save(ctx, tx, tenantA, t2, base, evs, nil)
	})
	require.NoError(t, err)
	_, _, err = svc.GuestTicket(ctx, tenantA, token)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestGuestReplyToClosedOpensFollowUpWithItsOwnLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, clk := newGuestService(t)
	tk, token, err := svc.OpenGuestTicket(ctx, guestDesk, guestInput())
	require.NoError(t, err)
	_, err = svc.ChangeStatus(ctx, agent, TicketVersion{Number: tk.Number}, StatusSolved)
	require.NoError(t, err)
	clk.now = t0.Add(5 * 24 * time.Hour)
	closed, err := svc.AutoClose(ctx, tenantA, tk.Number)
	require.NoError(t, err)
	require.Equal(t, StatusClosed, closed.Status)

	res, err := svc.GuestReply(ctx, tenantA, token, closed.Version, "Ha vuelto a pasar")
	require.NoError(t, err)
	require.NotNil(t, res.FollowUp)
	assert.Equal(t, StatusClosed, res.Ticket.Status)
	assert.True(t, res.FollowUp.Requester.IsGuest())
	assert.NotEqual(t, token, res.FollowUpToken)

	f, entries, err := svc.GuestTicket(ctx, tenantA, res.FollowUpToken)
	require.NoError(t, err)
	assert.Equal(t, res.FollowUp.Number, f.Number)
	require.Len(t, entries, 1)
	assert.Equal(t, "Ha vuelto a pasar", entries[0].Comment.Body)
	old, _, err := svc.GuestTicket(ctx, tenantA, token)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, old.Number, "the old link still opens the closed ticket")
}

func TestRequestGuestLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, g, _ := newGuestService(t)
	tk, _, err := svc.OpenGuestTicket(ctx, guestDesk, guestInput())
	require.NoError(t, err)

	// An existing pair and a made-up one are recorded alike.
	require.NoError(t, svc.RequestGuestLink(ctx, tenantA, GuestLinkLookup{Number: "#" + fmt.Sprint(int64(tk.Number)), Email: "GEMA@example.com "}))
	require.NoError(t, svc.RequestGuestLink(ctx, tenantA, GuestLinkLookup{Number: "9999", Email: "nadie@example.com"}))
	require.Len(t, g.requests, 2)
	assert.Equal(t, GuestLinkRequest{Number: tk.Number, Email: "gema@example.com", RequestedAt: t0}, g.requests[0].r)
	assert.Equal(t, GuestLinkRequest{Number: 9999, Email: "nadie@example.com", RequestedAt: t0}, g.requests[1].r)

	for _, tt := range []struct {
		in   GuestLinkLookup
		want map[string]string
	}{
		{GuestLinkLookup{}, map[string]string{"number": "error.required", "email": "error.required"}},
		{GuestLinkLookup{Number: "abc", Email: "x"}, map[string]string{"number": "error.ticket_number", "email": "error.email"}},
		{GuestLinkLookup{Number: "-4", Email: "a@b.example"}, map[string]string{"number": "error.ticket_number"}},
		{GuestLinkLookup{Number: "99999999999999999999", Email: "a@b.example"}, map[string]string{"number": "error.ticket_number"}},
	} {
		err := svc.RequestGuestLink(ctx, tenantA, tt.in)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%+v", tt.in)
		assert.Equal(t, tt.want, ve.Fields)
	}
	assert.Len(t, g.requests, 2)
}

// A guest's files follow a customer's rules: the desk's limits on the form
// and on replies, refused as the "attachments" field and saving nothing.
func TestGuestAttachments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, g, _ := newGuestService(t)
	lim := DefaultAttachmentLimits()

	in := guestInput()
	in.Attachments = []NewAttachment{{Filename: "captura.png", ContentType: "image/png", Data: []byte("png")}}
	tk, token, err := svc.OpenGuestTicket(ctx, guestDesk, in)
	require.NoError(t, err)
	_, entries, err := svc.GuestTicket(ctx, tenantA, token)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	require.Len(t, entries[0].Comment.Attachments, 1)
	assert.Equal(t, "captura.png", entries[0].Comment.Attachments[0].Filename)

	before := g.snapshot()
	big := guestInput()
	big.Attachments = []NewAttachment{{Filename: "grande.bin", ContentType: "application/octet-stream", Data: make([]byte, lim.MaxFileBytes+1)}}
	_, _, err = svc.OpenGuestTicket(ctx, guestDesk, big)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{"attachments": "error.attachment_too_large"}, ve.Fields)
	assert.Equal(t, before, g.snapshot())

	many := make([]NewAttachment, lim.MaxFiles+1)
	for i := range many {
		many[i] = NewAttachment{Filename: "a.txt", ContentType: "text/plain", Data: []byte("a")}
	}
	_, err = svc.GuestReplyWithFiles(ctx, tenantA, token, tk.Version, GuestReplyInput{Body: "Más", Attachments: many})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.attachments_too_many", ve.Fields["attachments"])
	assert.Equal(t, before, g.snapshot())

	res, err := svc.GuestReplyWithFiles(ctx, tenantA, token, tk.Version, GuestReplyInput{Body: "Otra", Attachments: many[:1]})
	require.NoError(t, err)
	_, entries, err = svc.GuestTicket(ctx, tenantA, token)
	require.NoError(t, err)
	last := entries[len(entries)-1].Comment
	assert.Equal(t, "Otra", last.Body)
	assert.Len(t, last.Attachments, 1)
	assert.Equal(t, tk.Number, res.Ticket.Number)
}

func TestOpenGuestTicketCategoryAndFieldsAsACustomers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, g, _ := newGuestService(t)

	in := guestInput()
	in.Category = 4
	in.Fields = map[CustomFieldID]string{1: "Sevilla"}
	tk, _, err := svc.OpenGuestTicket(ctx, guestDesk, in)
	require.NoError(t, err)
	assert.Equal(t, CategoryID(4), tk.Category)
	assert.Equal(t, []CustomFieldValue{{Field: 1, Type: FieldText, Text: "Sevilla"}}, tk.Fields)

	before := g.snapshot()
	for name, tt := range map[string]struct {
		in   func(*GuestTicketInput)
		want map[string]string
	}{
		"unknown category": {func(in *GuestTicketInput) { in.Category = 77 }, map[string]string{"category": "error.invalid"}},
		"hidden field":     {func(in *GuestTicketInput) { in.Fields = map[CustomFieldID]string{2: "5"} }, map[string]string{"field:2": "error.invalid"}},
		"inactive field":   {func(in *GuestTicketInput) { in.Fields = map[CustomFieldID]string{6: "x"} }, map[string]string{"field:6": "error.invalid"}},
	} {
		in := guestInput()
		tt.in(&in)
		_, _, err := svc.OpenGuestTicket(ctx, guestDesk, in)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, tt.want, ve.Fields, name)
	}
	assert.Equal(t, before, g.snapshot(), "nothing refused is stored")

	// A required customer-visible field must be answered, as a customer's.
	g.defs = append(slices.Clone(g.defs), CustomFieldDef{ID: 7, Key: "site", Label: "Sede", Type: FieldText, CustomerVisible: true, Required: true, Active: true})
	_, _, err = svc.OpenGuestTicket(ctx, guestDesk, guestInput())
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{"field:site": "error.required"}, ve.Fields)

	// Validate leaves the desk's category and fields to OpenGuestTicket.
	in = guestInput()
	in.Category, in.Fields = 77, map[CustomFieldID]string{2: "5"}
	require.NoError(t, in.Validate())
	assert.Equal(t, map[CustomFieldID]string{2: "5"}, in.Fields)
}
