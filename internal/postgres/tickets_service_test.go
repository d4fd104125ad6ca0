package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hd "github.com/atiende/atiende/internal/helpdesk"
)

// The service's orchestration on the real store: every operation runs in
// one transaction, rolls back on failure, checks versions and scopes by
// tenant and actor.

func TestServiceLifecycleFlow(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana, rosa := c.ctx(), c.svc, c.agent.Actor(), c.rosa.Actor()
	tk := c.openTicket(t)
	assert.Equal(t, hd.StatusNew, tk.Status)

	c.clock.Advance(time.Hour)
	res, err := svc.Reply(ctx, ana, at(tk),
		hd.ReplyInput{CommentInput: hd.CommentInput{Body: "¿Qué modelo es?"}, Public: true, Status: hd.StatusPending})
	require.NoError(t, err)
	tk = res.Ticket
	assert.Equal(t, hd.StatusPending, tk.Status, "reply moved new → open, then the agent submitted as pending")
	assert.Equal(t, 1, tk.PublicAgentReplies)
	assert.Equal(t, c.clock.Now(), tk.FirstReplyAt)
	assert.Nil(t, res.FollowUp)

	res, err = svc.Reply(ctx, rosa, hd.TicketVersion{Number: tk.Number}, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "HP 4000", Channel: hd.ChannelEmail}, Public: true})
	require.NoError(t, err)
	assert.Equal(t, hd.StatusOpen, res.Ticket.Status, "a requester reply on pending reopens work")

	tk, err = svc.ChangeStatus(ctx, ana, hd.TicketVersion{Number: tk.Number}, hd.StatusSolved)
	require.NoError(t, err)
	assert.Equal(t, c.agent.ID, tk.Assignee, "the solver becomes the assignee")

	tk, err = svc.ConfirmSolution(ctx, rosa, hd.TicketVersion{Number: tk.Number})
	require.NoError(t, err)
	assert.Equal(t, hd.StatusClosed, tk.Status)
	closedVersion := tk.Version

	res, err = svc.Reply(ctx, rosa, hd.TicketVersion{Number: tk.Number}, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "Vuelve a fallar"}, Public: true})
	require.NoError(t, err)
	require.NotNil(t, res.FollowUp, "a reply to a closed ticket opens a follow-up")
	assert.Equal(t, tk.Number+1, res.FollowUp.Number)
	assert.Equal(t, hd.StatusNew, res.FollowUp.Status)
	assert.Equal(t, closedVersion, res.Ticket.Version, "the closed ticket is not touched")
	assert.Nil(t, res.FollowUp.Links, "links are internal: the customer's view has none")
	staffView, err := svc.Ticket(ctx, ana, res.FollowUp.Number)
	require.NoError(t, err)
	assert.Equal(t, []hd.Link{{Kind: hd.LinkFollowUpOf, Ticket: hd.TicketRef{ID: tk.ID, Number: tk.Number}}}, staffView.Links)

	_, err = svc.Reply(ctx, ana, hd.TicketVersion{Number: tk.Number}, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "x"}, Public: true})
	require.ErrorIs(t, err, hd.ErrTicketClosed, "staff replies to a closed ticket are refused")

	kinds, commentless := c.eventKinds(t, tk.ID)
	assert.NotContains(t, commentless, hd.EventCreated, "comment events point at their comment")
	assert.NotContains(t, commentless, hd.EventCommentAdded, "comment events point at their comment")
	assert.Equal(t, []hd.EventKind{hd.EventCreated, hd.EventPriorityChanged, hd.EventCommentAdded, hd.EventStatusChanged, hd.EventStatusChanged,
		hd.EventCommentAdded, hd.EventStatusChanged, hd.EventAssigned, hd.EventStatusChanged, hd.EventClosed}, kinds)

	tl, err := svc.Timeline(ctx, rosa, tk.Number)
	require.NoError(t, err)
	assert.Len(t, tl, 3, "the requester sees the public comments only")
}

func TestServiceStaleVersionConflicts(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc := c.ctx(), c.svc
	tk := c.openTicket(t)
	seen := at(tk) // both agents load the same version

	g, luis := c.g1.ID, c.luis.ID
	_, err := svc.Assign(ctx, c.agent.Actor(), seen, hd.Assignment{Group: &g, Agent: &luis})
	require.NoError(t, err)

	before := c.snapshot(t)
	_, err = svc.ChangeStatus(ctx, c.admin.Actor(), seen, hd.StatusPending)
	require.ErrorIs(t, err, hd.ErrConflict)
	assert.Equal(t, before, c.snapshot(t), "the stale change wrote nothing")

	_, err = svc.SetTags(ctx, c.sergio.Actor(), hd.TicketVersion{Number: tk.Number, Version: 999}, []string{"x"})
	require.ErrorIs(t, err, hd.ErrNotFound, "visibility is checked before the version, so nothing leaks")
}

func TestServiceFailuresRollBack(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana, rosa := c.ctx(), c.svc, c.agent.Actor(), c.rosa.Actor()
	tk := c.openTicket(t)
	at := hd.TicketVersion{Number: tk.Number}
	tests := []struct {
		name string
		call func() error
		want error // nil: a *ValidationError
	}{
		{"reply too long", func() error {
			_, err := svc.Reply(ctx, ana, at, hd.ReplyInput{CommentInput: hd.CommentInput{Body: strings.Repeat("a", hd.MaxBodyBytes+1)}, Public: true})
			return err
		}, nil},
		{"reply then a forbidden status", func() error {
			_, err := svc.Reply(ctx, ana, at, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "ok"}, Public: true, Status: hd.StatusClosed})
			return err
		}, hd.ErrInvalidTransition},
		{"customer sets status with a reply", func() error {
			_, err := svc.Reply(ctx, rosa, at, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "ok"}, Public: true, Status: hd.StatusSolved})
			return err
		}, hd.ErrForbidden},
		{"customer writes a note", func() error {
			_, err := svc.AddNote(ctx, rosa, at, hd.CommentInput{Body: "secret"})
			return err
		}, hd.ErrForbidden},
		{"assign group ok then agent outside it", func() error {
			g, a := c.g2.ID, c.agent.ID
			_, err := svc.Assign(ctx, ana, at, hd.Assignment{Group: &g, Agent: &a})
			return err
		}, nil},
		{"unknown group", func() error {
			g := hd.GroupID(7777)
			_, err := svc.Assign(ctx, ana, at, hd.Assignment{Group: &g})
			return err
		}, nil},
		{"another tenant's group", func() error {
			g, err := c.other.svc.CreateGroup(ctx, c.other.admin.Actor(), "Ajeno", 1, nil)
			require.NoError(t, err)
			_, err = svc.Assign(ctx, ana, at, hd.Assignment{Group: &g.ID})
			return err
		}, nil},
		{"unknown category", func() error { _, err := svc.SetCategory(ctx, ana, at, 7777); return err }, nil},
		{"customer assigns", func() error {
			a := c.agent.ID
			_, err := svc.Assign(ctx, rosa, at, hd.Assignment{Agent: &a})
			return err
		}, hd.ErrForbidden},
		{"escalate to no group", func() error { _, err := svc.Escalate(ctx, ana, at, 0); return err }, nil},
		{"escalate to an unknown group", func() error { _, err := svc.Escalate(ctx, ana, at, 7777); return err }, nil},
		{"link to a missing ticket", func() error { _, err := svc.Link(ctx, ana, at, 404); return err }, nil},
		{"follow unknown user", func() error { _, err := svc.Follow(ctx, ana, at, 404040); return err }, nil},
		{"bad field", func() error {
			_, err := svc.SetCustomFields(ctx, ana, at, map[hd.CustomFieldID]string{c.due.ID: "ayer"})
			return err
		}, nil},
		{"merge into itself", func() error { _, err := svc.Merge(ctx, ana, at, tk.Number); return err }, nil},
		{"system changes status by hand", func() error {
			_, err := svc.ChangeStatus(ctx, hd.System(c.tenant.ID), at, hd.StatusOpen)
			return err
		}, hd.ErrForbidden},
		{"auto-close too early", func() error { _, err := svc.AutoClose(ctx, c.tenant.ID, tk.Number); return err }, hd.ErrInvalidTransition},
	}
	for _, tt := range tests {
		before := c.snapshot(t)
		err := tt.call()
		if tt.want != nil {
			require.ErrorIs(t, err, tt.want, tt.name)
		} else {
			var ve *hd.ValidationError
			require.ErrorAs(t, err, &ve, tt.name)
		}
		assert.Equal(t, before, c.snapshot(t), "%s: nothing may be written", tt.name)
	}
}

func TestServiceIsolation(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, sergio := c.ctx(), c.svc, c.sergio.Actor()
	tk := c.openTicket(t)
	at := hd.TicketVersion{Number: tk.Number}
	before := c.snapshot(t)

	for _, by := range []hd.Actor{sergio, c.foreign(), hd.System(c.other.tenant.ID)} {
		_, err := svc.Ticket(ctx, by, tk.Number)
		require.ErrorIs(t, err, hd.ErrNotFound, by.Name)
		_, err = svc.Timeline(ctx, by, tk.Number)
		require.ErrorIs(t, err, hd.ErrNotFound, by.Name)
		_, err = svc.Reply(ctx, by, at, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "hola"}, Public: true})
		require.ErrorIs(t, err, hd.ErrNotFound, by.Name)
		_, err = svc.SetTags(ctx, by, at, []string{"x"})
		require.ErrorIs(t, err, hd.ErrNotFound, by.Name)
		_, err = svc.ConfirmSolution(ctx, by, at)
		require.ErrorIs(t, err, hd.ErrNotFound, by.Name)
	}
	assert.Equal(t, before, c.snapshot(t))

	page, err := svc.Tickets(ctx, sergio, hd.TicketQuery{})
	require.NoError(t, err)
	assert.Empty(t, page.Tickets, "another customer's tickets never list")
	hits, err := svc.SearchTickets(ctx, sergio, hd.SearchQuery{Text: "imprime"})
	require.NoError(t, err)
	assert.Empty(t, hits.Hits, "nor turn up in search")

	// Sergio is in Rosa's organisation; once it shares, he may read but not write.
	c.exec(t, `UPDATE organisations SET shared_tickets = true WHERE id = $1`, int64(c.org))
	before = c.snapshot(t)
	got, err := svc.Ticket(ctx, sergio, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, got.Number)
	page, err = svc.Tickets(ctx, sergio, hd.TicketQuery{})
	require.NoError(t, err)
	assert.Len(t, page.Tickets, 1)
	_, err = svc.Reply(ctx, sergio, at, hd.ReplyInput{CommentInput: hd.CommentInput{Body: "hola"}, Public: true})
	require.Error(t, err)
	assert.Equal(t, before, c.snapshot(t))
}

func TestServiceCustomerSeesNoInternals(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana, rosa := c.ctx(), c.svc, c.agent.Actor(), c.rosa.Actor()
	tk := c.openTicket(t)
	at := hd.TicketVersion{Number: tk.Number}
	_, err := svc.SetTags(ctx, ana, at, []string{"vip"})
	require.NoError(t, err)
	_, err = svc.AddNote(ctx, ana, at, hd.CommentInput{Body: "El cliente es conflictivo",
		Attachments: []hd.NewAttachment{{Filename: "captura.png", ContentType: "image/png", Data: []byte("png")}}})
	require.NoError(t, err)
	_, err = svc.ChangeStatus(ctx, ana, at, hd.StatusOnHold)
	require.NoError(t, err)

	got, err := svc.Ticket(ctx, rosa, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, hd.StatusOpen, got.Status, "on hold reads as open")
	assert.Empty(t, got.Tags)

	tl, err := svc.Timeline(ctx, rosa, tk.Number)
	require.NoError(t, err)
	for _, e := range tl {
		require.NotNil(t, e.Comment, "a customer sees comments, not internal events")
		assert.Equal(t, hd.Public, e.Comment.Visibility)
	}
	staff, err := svc.Timeline(ctx, ana, tk.Number)
	require.NoError(t, err)
	var attID hd.AttachmentID
	for _, e := range staff {
		if e.Comment != nil && len(e.Comment.Attachments) > 0 {
			attID = e.Comment.Attachments[0].ID
		}
	}
	require.NotZero(t, attID)
	_, err = svc.Attachment(ctx, rosa, attID)
	require.ErrorIs(t, err, hd.ErrNotFound, "a file on an internal note is invisible to the customer")
	a, err := svc.Attachment(ctx, ana, attID)
	require.NoError(t, err)
	assert.Equal(t, []byte("png"), a.Data)

	page, err := svc.Tickets(ctx, rosa, hd.TicketQuery{Filter: hd.TicketFilter{Statuses: []hd.Status{hd.StatusOpen}}})
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1, "open includes on hold for the customer")
	assert.Equal(t, hd.StatusOpen, page.Tickets[0].Status)
	_, err = svc.Tickets(ctx, rosa, hd.TicketQuery{Filter: hd.TicketFilter{Statuses: []hd.Status{hd.StatusOnHold}}})
	var ve *hd.ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = svc.Tickets(ctx, rosa, hd.TicketQuery{Filter: hd.TicketFilter{Tag: "vip"}})
	require.ErrorIs(t, err, hd.ErrForbidden)
	_, err = svc.Tickets(ctx, rosa, hd.TicketQuery{Filter: hd.TicketFilter{Customer: &hd.CustomerScope{User: c.sergio.ID}}})
	require.ErrorIs(t, err, hd.ErrForbidden, "the scope is never taken from input")
	_, err = svc.CountTickets(ctx, rosa, []hd.TicketFilter{{}})
	require.ErrorIs(t, err, hd.ErrForbidden)
}

func TestServiceQueueForAgent(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana := c.ctx(), c.svc, c.agent.Actor()
	a := c.openTicket(t)
	c.openTicket(t)
	me := c.agent.ID
	_, err := svc.Assign(ctx, ana, hd.TicketVersion{Number: a.Number}, hd.Assignment{Agent: &me})
	require.NoError(t, err)
	counts, err := svc.CountTickets(ctx, ana, []hd.TicketFilter{
		{Assignee: hd.AssigneeFilter{Mode: hd.AssigneeMe}},
		{Assignee: hd.AssigneeFilter{Mode: hd.AssigneeNobody}},
		{Statuses: []hd.Status{hd.StatusNew, hd.StatusOpen}},
	})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 2}, counts)
	page, err := svc.Tickets(ctx, ana, hd.TicketQuery{Filter: hd.TicketFilter{Assignee: hd.AssigneeFilter{Mode: hd.AssigneeMe}}})
	require.NoError(t, err)
	require.Len(t, page.Tickets, 1)
	assert.Equal(t, a.Number, page.Tickets[0].Number)
	_, err = svc.Tickets(ctx, ana, hd.TicketQuery{Limit: 1000})
	var ve *hd.ValidationError
	require.ErrorAs(t, err, &ve)
}

func TestServiceMerge(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana, rosa := c.ctx(), c.svc, c.agent.Actor(), c.rosa.Actor()
	src := c.openTicket(t)
	dst, err := svc.OpenTicket(ctx, ana, hd.NewTicket{Subject: "Impresora", Description: "Llamada de Carmen",
		Channel: hd.ChannelPhone, Requester: hd.Requester{User: c.carmen.ID}})
	require.NoError(t, err)

	_, err = svc.Merge(ctx, rosa, hd.TicketVersion{Number: src.Number}, dst.Number)
	require.Error(t, err, "customers cannot merge")
	got, err := svc.Merge(ctx, ana, at(src), dst.Number)
	require.NoError(t, err)
	assert.Equal(t, dst.Number, got.Number)
	assert.Empty(t, got.Followers, "Rosa does not follow Carmen's ticket")
	_, err = svc.Ticket(ctx, rosa, dst.Number)
	require.ErrorIs(t, err, hd.ErrNotFound, "the merge gives Rosa no view of Carmen's ticket")

	s, err := svc.Ticket(ctx, ana, src.Number)
	require.NoError(t, err)
	assert.Equal(t, hd.StatusClosed, s.Status)
	assert.Equal(t, dst.Number, s.MergedInto.Number)

	tl, err := svc.Timeline(ctx, c.carmen.Actor(), dst.Number)
	require.NoError(t, err)
	for _, e := range tl {
		assert.Zero(t, e.Comment.MergedFrom, "Rosa's messages are internal on Carmen's ticket")
	}
	staff, err := svc.Timeline(ctx, ana, dst.Number)
	require.NoError(t, err)
	copied := 0
	for _, e := range staff {
		if e.Comment != nil && e.Comment.MergedFrom == src.Number {
			copied++
			assert.Equal(t, hd.Internal, e.Comment.Visibility)
		}
	}
	assert.Equal(t, 1, copied)
}

func TestServiceAutoCloseDue(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana := c.ctx(), c.svc, c.agent.Actor()
	old := c.openTicket(t)
	recent := c.openTicket(t)
	_, err := svc.ChangeStatus(ctx, ana, hd.TicketVersion{Number: old.Number}, hd.StatusSolved)
	require.NoError(t, err)
	c.clock.Advance(3 * 24 * time.Hour)
	_, err = svc.ChangeStatus(ctx, ana, hd.TicketVersion{Number: recent.Number}, hd.StatusSolved)
	require.NoError(t, err)
	c.clock.Advance(25 * time.Hour) // old: 4 days and 1 hour; recent: 25 hours

	n, err := svc.AutoCloseDue(ctx, c.tenant.ID, 100)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, hd.StatusClosed, c.staffTicket(t, old.Number).Status)
	assert.Equal(t, hd.StatusSolved, c.staffTicket(t, recent.Number).Status)

	n, err = svc.AutoSolveDue(ctx, c.tenant.ID, 100)
	require.NoError(t, err)
	assert.Zero(t, n, "auto-solve is off by default")
}

func TestServiceOpenTicketChecks(t *testing.T) {
	t.Parallel()
	c := newCast(t)
	ctx, svc, ana := c.ctx(), c.svc, c.agent.Actor()
	before := c.snapshot(t)
	_, err := svc.OpenTicket(ctx, c.rosa.Actor(), hd.NewTicket{Subject: "x", Description: "y", Channel: hd.ChannelWeb, Priority: hd.PriorityUrgent})
	require.ErrorIs(t, err, hd.ErrForbidden)
	_, err = svc.OpenTicket(ctx, ana, hd.NewTicket{Subject: "x", Description: "y", Channel: hd.ChannelPhone, Requester: hd.Requester{User: 404040}})
	var ve *hd.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Fields, "requester")
	_, err = svc.OpenTicket(ctx, c.foreign(), hd.NewTicket{Subject: "x", Description: "y", Channel: hd.ChannelPhone, Requester: hd.Requester{User: c.rosa.ID}})
	require.ErrorAs(t, err, &ve, "a user of another tenant is not found")
	assert.Equal(t, before, c.snapshot(t))

	tk, err := svc.OpenTicket(ctx, ana, hd.NewTicket{Subject: "Red caída", Description: "Sin red", Channel: hd.ChannelPhone,
		Requester: hd.Requester{User: c.rosa.ID}, Category: c.redes.ID})
	require.NoError(t, err)
	assert.Equal(t, "Redes", tk.CategoryName)
	assert.Equal(t, c.org, tk.Organisation)
}
