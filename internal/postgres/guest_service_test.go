package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hd "github.com/atiende/atiende/internal/helpdesk"
)

// The guest portal's orchestration on the real store (the flow end to end
// is TestGuestTicketFlow).

func castGuestInput() hd.GuestTicketInput {
	return hd.GuestTicketInput{Name: "  Gema   Invitada ", Email: " Gema@Example.com ", Subject: "No puedo entrar",
		Description: "Me dice que la contraseña no es válida.", Urgency: hd.UrgencyHigh}
}

// guestLinks lists the desk's stored links as ticket:email:expiry.
func (d *desk) guestLinks(t *testing.T) []string {
	t.Helper()
	var out []string
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(d.ctx(), `SELECT ticket_id || ':' || email || ':' || to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
			FROM guest_links ORDER BY created_at, ticket_id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	}))
	return out
}

func TestOpenGuestTicket(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc := c.ctx(), c.svc

	tk, token, err := svc.OpenGuestTicket(ctx, c.tenant, castGuestInput())
	require.NoError(t, err)
	assert.Equal(t, hd.Requester{Name: "Gema Invitada", Email: "gema@example.com"}, tk.Requester)
	assert.Equal(t, hd.ChannelWeb, tk.Channel)
	assert.Equal(t, hd.StatusNew, tk.Status)
	assert.Equal(t, hd.UrgencyHigh, tk.Urgency)
	assert.Equal(t, hd.ImpactMedium, tk.Impact)
	assert.NotEmpty(t, token)
	tl, err := svc.Timeline(ctx, c.admin.Actor(), tk.Number)
	require.NoError(t, err)
	for _, e := range tl {
		if e.Event == nil {
			continue
		}
		assert.Equal(t, hd.Author{Kind: hd.AuthorCustomer, Name: "Gema Invitada"}, e.Event.Actor, "history names the guest")
	}
	expiry := c.clock.Now().Add(hd.GuestLinkTTL).UTC().Format(time.DateTime)
	assert.Equal(t, []string{fmt.Sprintf("%d:gema@example.com:%s", tk.ID, expiry)}, c.guestLinks(t))

	// An account's email still opens a guest's ticket: the form never
	// tells whether an account exists.
	in := castGuestInput()
	in.Email = "ROSA@example.com"
	tk2, _, err := svc.OpenGuestTicket(ctx, c.tenant, in)
	require.NoError(t, err)
	assert.True(t, tk2.Requester.IsGuest())
	assert.Zero(t, tk2.Organisation)

	// Bad input names the form's fields and changes nothing.
	before := c.snapshot(t)
	_, _, err = svc.OpenGuestTicket(ctx, c.tenant, hd.GuestTicketInput{Email: "no-es-un-correo", Urgency: "ya"})
	var ve *hd.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{
		"name": "error.required", "email": "error.email", "subject": "error.required",
		"description": "error.required", "urgency": "error.invalid",
	}, ve.Fields)
	assert.Equal(t, before, c.snapshot(t))
	assert.Len(t, c.guestLinks(t), 2)

	// A desk that takes no guests refuses.
	off := c.tenant
	off.GuestTickets = false
	_, _, err = svc.OpenGuestTicket(ctx, off, castGuestInput())
	require.ErrorIs(t, err, hd.ErrForbidden)
	assert.Equal(t, before, c.snapshot(t))
}

func TestGuestTicketIsTheCustomerView(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana := c.ctx(), c.svc, c.agent.Actor()
	tk, token, err := svc.OpenGuestTicket(ctx, c.tenant, castGuestInput())
	require.NoError(t, err)
	v := hd.TicketVersion{Number: tk.Number}
	_, err = svc.AddNote(ctx, ana, v, hd.CommentInput{Body: "Nota interna: cliente importante"})
	require.NoError(t, err)
	_, err = svc.Reply(ctx, ana, v, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "¿Qué navegador usas?"}, Public: true, Status: hd.StatusOnHold})
	require.NoError(t, err)
	_, err = svc.SetTags(ctx, ana, v, []string{"vip"})
	require.NoError(t, err)

	got, entries, err := svc.GuestTicket(ctx, c.tenant.ID, token)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, got.Number)
	assert.Equal(t, hd.StatusOpen, got.Status, "on hold reads as open")
	assert.Empty(t, got.Tags)
	var bodies []string
	for _, e := range entries {
		require.NotNil(t, e.Comment, "no events for a guest")
		assert.Equal(t, hd.Public, e.Comment.Visibility)
		bodies = append(bodies, e.Comment.Body)
	}
	assert.Equal(t, []string{"Me dice que la contraseña no es válida.", "¿Qué navegador usas?"}, bodies)
}

func TestGuestTokensOpenOneTicketOfOneTenant(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, tn := c.ctx(), c.svc, c.tenant.ID
	start := c.clock.Now()
	tk, token, err := svc.OpenGuestTicket(ctx, c.tenant, castGuestInput())
	require.NoError(t, err)
	_, other, err := svc.OpenGuestTicket(ctx, c.tenant, castGuestInput())
	require.NoError(t, err)
	upper := strings.ToUpper(token)
	if upper == token {
		upper = strings.ToLower(token)
	}
	unknown := strings.Repeat("A", len(token))
	for _, bad := range []string{"", " ", " " + token, token + " ", upper, token[:42], token[:42] + "x", unknown} {
		before := c.snapshot(t)
		_, _, err := svc.GuestTicket(ctx, tn, bad)
		assert.ErrorIs(t, err, hd.ErrNotFound, "%q", bad)
		_, err = svc.GuestReply(ctx, tn, bad, tk.Version, "Hola")
		assert.ErrorIs(t, err, hd.ErrNotFound, "%q", bad)
		assert.Equal(t, before, c.snapshot(t))
	}
	// Another tenant's transaction never finds the link.
	_, _, err = svc.GuestTicket(ctx, c.other.tenant.ID, token)
	assert.ErrorIs(t, err, hd.ErrNotFound)

	// Each token opens its own ticket.
	a, _, err := svc.GuestTicket(ctx, tn, token)
	require.NoError(t, err)
	b, _, err := svc.GuestTicket(ctx, tn, other)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, a.Number)
	assert.NotEqual(t, a.Number, b.Number)

	// Expired after 30 days.
	c.clock.Advance(start.Add(hd.GuestLinkTTL - time.Second).Sub(c.clock.Now()))
	_, _, err = svc.GuestTicket(ctx, tn, token)
	require.NoError(t, err)
	c.clock.Advance(time.Second)
	_, _, err = svc.GuestTicket(ctx, tn, token)
	assert.ErrorIs(t, err, hd.ErrNotFound)
	_, err = svc.GuestReply(ctx, tn, token, tk.Version, "Hola")
	assert.ErrorIs(t, err, hd.ErrNotFound)
}

func TestGuestReply(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana, tn := c.ctx(), c.svc, c.agent.Actor(), c.tenant.ID
	tk, token, err := svc.OpenGuestTicket(ctx, c.tenant, castGuestInput())
	require.NoError(t, err)
	v := hd.TicketVersion{Number: tk.Number}
	solved, err := svc.Reply(ctx, ana, v, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "Restablecida."}, Public: true, Status: hd.StatusSolved})
	require.NoError(t, err)

	// A stale version is a conflict and changes nothing.
	before := c.snapshot(t)
	_, err = svc.GuestReply(ctx, tn, token, solved.Ticket.Version-1, "Sigue sin funcionar")
	require.ErrorIs(t, err, hd.ErrConflict)
	assert.Equal(t, before, c.snapshot(t))
	// An empty reply is refused.
	_, err = svc.GuestReply(ctx, tn, token, solved.Ticket.Version, " \n ")
	var ve *hd.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.required", ve.Fields["body"])

	// The guest's reply reopens a solved ticket, like the requester's.
	res, err := svc.GuestReply(ctx, tn, token, solved.Ticket.Version, "Sigue sin funcionar")
	require.NoError(t, err)
	assert.Nil(t, res.FollowUp)
	assert.Equal(t, hd.StatusOpen, res.Ticket.Status)
	assert.Empty(t, res.Ticket.Tags, "the guest's view")
	assert.Equal(t, 1, c.staffTicket(t, tk.Number).Reopens)
	_, entries, err := svc.GuestTicket(ctx, tn, token)
	require.NoError(t, err)
	last := entries[len(entries)-1].Comment
	assert.Equal(t, hd.Author{Kind: hd.AuthorCustomer, Name: "Gema Invitada"}, last.Author)
	assert.Equal(t, "Sigue sin funcionar", last.Body)

	// Pending goes back to open.
	_, err = svc.ChangeStatus(ctx, ana, v, hd.StatusPending)
	require.NoError(t, err)
	cur, _, err := svc.GuestTicket(ctx, tn, token)
	require.NoError(t, err)
	res, err = svc.GuestReply(ctx, tn, token, cur.Version, "Uso Firefox")
	require.NoError(t, err)
	assert.Equal(t, hd.StatusOpen, res.Ticket.Status)

	// Once an account claims the ticket, the link stops working.
	gema := c.user(t, "gema@example.com", "Gema", hd.RoleCustomer, 0)
	err = c.s.InTx(ctx, tn, func(tx hd.Store) error {
		t2, err := tx.TicketForUpdate(ctx, tn, tk.Number)
		if err != nil {
			return err
		}
		base := t2.Version
		evs, err := t2.ClaimGuest(gema, hd.System(tn), c.clock.Now())
		if err != nil {
			return err
		}
		_, err = tx.SaveTicket(ctx, tn, hd.TicketUpdate{Ticket: t2, Expected: base, Events: evs})
		return err
	})
	require.NoError(t, err)
	_, _, err = svc.GuestTicket(ctx, tn, token)
	assert.ErrorIs(t, err, hd.ErrNotFound)
}

func TestGuestReplyToClosedOpensFollowUpWithItsOwnLink(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, tn := c.ctx(), c.svc, c.tenant.ID
	tk, token, err := svc.OpenGuestTicket(ctx, c.tenant, castGuestInput())
	require.NoError(t, err)
	_, err = svc.ChangeStatus(ctx, c.agent.Actor(), hd.TicketVersion{Number: tk.Number}, hd.StatusSolved)
	require.NoError(t, err)
	c.clock.Advance(5 * 24 * time.Hour)
	closed, err := svc.AutoClose(ctx, tn, tk.Number)
	require.NoError(t, err)
	require.Equal(t, hd.StatusClosed, closed.Status)

	res, err := svc.GuestReply(ctx, tn, token, closed.Version, "Ha vuelto a pasar")
	require.NoError(t, err)
	require.NotNil(t, res.FollowUp)
	assert.Equal(t, hd.StatusClosed, res.Ticket.Status)
	assert.True(t, res.FollowUp.Requester.IsGuest())
	assert.NotEqual(t, token, res.FollowUpToken)

	f, entries, err := svc.GuestTicket(ctx, tn, res.FollowUpToken)
	require.NoError(t, err)
	assert.Equal(t, res.FollowUp.Number, f.Number)
	require.Len(t, entries, 1)
	assert.Equal(t, "Ha vuelto a pasar", entries[0].Comment.Body)
	old, _, err := svc.GuestTicket(ctx, tn, token)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, old.Number, "the old link still opens the closed ticket")
}

// linkRequests lists the recorded "send me my link" requests as
// number:email:time.
func (d *desk) linkRequests(t *testing.T) []string {
	t.Helper()
	var out []string
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT ticket_number || ':' || email || ':' || to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
			FROM guest_link_requests ORDER BY id`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	}))
	return out
}

func TestRequestGuestLink(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, tn := c.ctx(), c.svc, c.tenant.ID
	tk, _, err := svc.OpenGuestTicket(ctx, c.tenant, castGuestInput())
	require.NoError(t, err)

	// An existing pair and a made-up one are recorded alike.
	require.NoError(t, svc.RequestGuestLink(ctx, tn, hd.GuestLinkLookup{Number: "#" + fmt.Sprint(int64(tk.Number)), Email: "GEMA@example.com "}))
	require.NoError(t, svc.RequestGuestLink(ctx, tn, hd.GuestLinkLookup{Number: "9999", Email: "nadie@example.com"}))
	now := c.clock.Now().UTC().Format(time.DateTime)
	want := []string{fmt.Sprintf("%d:gema@example.com:%s", tk.Number, now), "9999:nadie@example.com:" + now}
	assert.Equal(t, want, c.linkRequests(t))

	for _, tt := range []struct {
		in   hd.GuestLinkLookup
		want map[string]string
	}{
		{hd.GuestLinkLookup{}, map[string]string{"number": "error.required", "email": "error.required"}},
		{hd.GuestLinkLookup{Number: "abc", Email: "x"}, map[string]string{"number": "error.ticket_number", "email": "error.email"}},
		{hd.GuestLinkLookup{Number: "-4", Email: "a@b.example"}, map[string]string{"number": "error.ticket_number"}},
		{hd.GuestLinkLookup{Number: "99999999999999999999", Email: "a@b.example"}, map[string]string{"number": "error.ticket_number"}},
	} {
		err := svc.RequestGuestLink(ctx, tn, tt.in)
		var ve *hd.ValidationError
		require.ErrorAs(t, err, &ve, "%+v", tt.in)
		assert.Equal(t, tt.want, ve.Fields)
	}
	assert.Equal(t, want, c.linkRequests(t))
}

// A guest's files follow a customer's rules: the desk's limits on the form
// and on replies, refused as the "attachments" field and saving nothing.
func TestGuestAttachments(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, tn := c.ctx(), c.svc, c.tenant.ID
	lim := hd.DefaultAttachmentLimits()

	in := castGuestInput()
	in.Attachments = []hd.NewAttachment{{Filename: "captura.png", ContentType: "image/png", Data: []byte("png")}}
	tk, token, err := svc.OpenGuestTicket(ctx, c.tenant, in)
	require.NoError(t, err)
	_, entries, err := svc.GuestTicket(ctx, tn, token)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	require.Len(t, entries[0].Comment.Attachments, 1)
	assert.Equal(t, "captura.png", entries[0].Comment.Attachments[0].Filename)

	before := c.snapshot(t)
	big := castGuestInput()
	big.Attachments = []hd.NewAttachment{{Filename: "grande.bin", ContentType: "application/octet-stream", Data: make([]byte, lim.MaxFileBytes+1)}}
	_, _, err = svc.OpenGuestTicket(ctx, c.tenant, big)
	var ve *hd.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{"attachments": "error.attachment_too_large"}, ve.Fields)
	assert.Equal(t, before, c.snapshot(t))

	many := make([]hd.NewAttachment, lim.MaxFiles+1)
	for i := range many {
		many[i] = hd.NewAttachment{Filename: "a.txt", ContentType: "text/plain", Data: []byte("a")}
	}
	_, err = svc.GuestReplyWithFiles(ctx, tn, token, tk.Version, hd.GuestReplyInput{Body: "Más", Attachments: many})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.attachments_too_many", ve.Fields["attachments"])
	assert.Equal(t, before, c.snapshot(t))

	res, err := svc.GuestReplyWithFiles(ctx, tn, token, tk.Version, hd.GuestReplyInput{Body: "Otra", Attachments: many[:1]})
	require.NoError(t, err)
	_, entries, err = svc.GuestTicket(ctx, tn, token)
	require.NoError(t, err)
	last := entries[len(entries)-1].Comment
	assert.Equal(t, "Otra", last.Body)
	assert.Len(t, last.Attachments, 1)
	assert.Equal(t, tk.Number, res.Ticket.Number)
}

func TestOpenGuestTicketCategoryAndFieldsAsACustomers(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc := c.ctx(), c.svc
	inactive, err := c.s.CreateCustomFieldDef(ctx, c.tenant.ID, hd.CustomFieldDef{Key: "old", Label: "Antiguo", Type: hd.FieldText, CustomerVisible: true})
	require.NoError(t, err)

	in := castGuestInput()
	in.Category = c.redes.ID
	in.Fields = map[hd.CustomFieldID]string{c.location.ID: "Sevilla"}
	tk, _, err := svc.OpenGuestTicket(ctx, c.tenant, in)
	require.NoError(t, err)
	assert.Equal(t, c.redes.ID, tk.Category)
	assert.Equal(t, []hd.CustomFieldValue{{Field: c.location.ID, Type: hd.FieldText, Text: "Sevilla"}}, tk.Fields)

	before := c.snapshot(t)
	hidden, old := c.due.ID, inactive.ID
	for name, tt := range map[string]struct {
		in   func(*hd.GuestTicketInput)
		want map[string]string
	}{
		"unknown category": {func(in *hd.GuestTicketInput) { in.Category = 7777 }, map[string]string{"category": "error.invalid"}},
		"hidden field": {func(in *hd.GuestTicketInput) { in.Fields = map[hd.CustomFieldID]string{hidden: "2026-01-01"} },
			map[string]string{fmt.Sprintf("field:%d", hidden): "error.invalid"}},
		"inactive field": {func(in *hd.GuestTicketInput) { in.Fields = map[hd.CustomFieldID]string{old: "x"} },
			map[string]string{fmt.Sprintf("field:%d", old): "error.invalid"}},
	} {
		in := castGuestInput()
		tt.in(&in)
		_, _, err := svc.OpenGuestTicket(ctx, c.tenant, in)
		var ve *hd.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, tt.want, ve.Fields, name)
	}
	assert.Equal(t, before, c.snapshot(t), "nothing refused is stored")

	// A required customer-visible field must be answered, as a customer's.
	_, err = c.s.CreateCustomFieldDef(ctx, c.tenant.ID, hd.CustomFieldDef{Key: "site", Label: "Sede", Type: hd.FieldText,
		CustomerVisible: true, Required: true, Active: true})
	require.NoError(t, err)
	_, _, err = svc.OpenGuestTicket(ctx, c.tenant, castGuestInput())
	var ve *hd.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, map[string]string{"field:site": "error.required"}, ve.Fields)
}
