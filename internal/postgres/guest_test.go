package postgres_test

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func guestInput() helpdesk.GuestTicketInput {
	return helpdesk.GuestTicketInput{Name: "Gema Invitada", Email: "Gema@Example.com", Subject: "No puedo entrar",
		Description: "La contraseña no funciona."}
}

func TestGuestTicketFlow(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	assert.True(t, d.tenant.GuestTickets, "a new desk takes guests")
	tn, err := d.s.TenantBySlug(ctx, "acme")
	require.NoError(t, err)
	assert.True(t, tn.GuestTickets)

	// A customer's email still makes a guest ticket.
	in := guestInput()
	in.Email = d.cust.Email
	tk, token, err := d.svc.OpenGuestTicket(ctx, d.tenant, in)
	require.NoError(t, err)
	assert.True(t, tk.Requester.IsGuest())
	assert.Equal(t, d.cust.Email, tk.Requester.Email)

	// The link is stored as a hash only, for 30 days.
	raw, err := base64.RawURLEncoding.DecodeString(token)
	require.NoError(t, err)
	sum := sha256.Sum256(raw)
	l, err := d.s.GuestLink(ctx, d.tenant.ID, sum[:])
	require.NoError(t, err)
	assert.Equal(t, helpdesk.GuestLink{Hash: sum[:], Ticket: tk.ID, Number: tk.Number, Email: d.cust.Email,
		CreatedAt: d.clock.Now(), ExpiresAt: d.clock.Now().Add(helpdesk.GuestLinkTTL)}, l)
	var stored int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM guest_links WHERE token_hash = $1 OR encode(token_hash, 'escape') LIKE '%' || $2 || '%'`,
			[]byte(token), token).Scan(&stored)
	}))
	assert.Zero(t, stored, "the token itself is nowhere")

	// The guest sees the public conversation only, and reopens by replying.
	_, err = d.svc.AddNote(ctx, d.agent.Actor(), at(tk), helpdesk.CommentInput{Body: "Nota interna"})
	require.NoError(t, err)
	cur, err := d.svc.Ticket(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	res, err := d.svc.Reply(ctx, d.agent.Actor(), at(cur), helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Ya está restablecida."}, Public: true, Status: helpdesk.StatusSolved})
	require.NoError(t, err)
	got, entries, err := d.svc.GuestTicket(ctx, d.tenant.ID, token)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.StatusSolved, got.Status)
	require.Len(t, entries, 2)
	for _, e := range entries {
		require.NotNil(t, e.Comment)
		assert.NotEqual(t, "Nota interna", e.Comment.Body)
	}
	d.clock.Advance(time.Minute)
	gr, err := d.svc.GuestReply(ctx, d.tenant.ID, token, res.Ticket.Version, "Sigue igual")
	require.NoError(t, err)
	assert.Equal(t, helpdesk.StatusOpen, gr.Ticket.Status)
	full, err := d.svc.Ticket(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Equal(t, 1, full.Reopens)
	tl, err := d.svc.Timeline(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	var last *helpdesk.Comment
	for _, e := range tl {
		if e.Comment != nil {
			last = e.Comment
		}
	}
	require.NotNil(t, last)
	assert.Equal(t, "Sigue igual", last.Body)
	assert.Equal(t, helpdesk.Author{Kind: helpdesk.AuthorCustomer, Name: "Gema Invitada"}, last.Author)

	// Expired links are refused by the domain.
	d.clock.Advance(helpdesk.GuestLinkTTL)
	_, _, err = d.svc.GuestTicket(ctx, d.tenant.ID, token)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
}

func TestGuestLinksAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "alfa")
	b := newDesk(t, pool, "beta")
	ctx := a.ctx()
	tk, token, err := a.svc.OpenGuestTicket(ctx, a.tenant, guestInput())
	require.NoError(t, err)
	_, _, err = b.svc.OpenGuestTicket(ctx, b.tenant, guestInput())
	require.NoError(t, err)
	raw, err := base64.RawURLEncoding.DecodeString(token)
	require.NoError(t, err)
	sum := sha256.Sum256(raw)

	_, err = b.s.GuestLink(ctx, b.tenant.ID, sum[:])
	require.ErrorIs(t, err, helpdesk.ErrNotFound, "B's transaction never finds A's link")
	_, _, err = b.svc.GuestTicket(ctx, b.tenant.ID, token)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	// RLS: B sees one link (its own), and cannot write one for A or for
	// A's ticket.
	var n int
	require.NoError(t, b.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM guest_links`).Scan(&n)
	}))
	assert.Equal(t, 1, n)
	err = b.tx(func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO guest_links (tenant_id, token_hash, ticket_id, email, expires_at, created_at)
			VALUES ($1, $2, $3, 'x@y.example', now() + interval '1 day', now())`, int64(a.tenant.ID), make([]byte, 32), int64(tk.ID))
		return err
	})
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "42501", pgErr.Code, "row-level security refuses another tenant's row")
	err = b.tx(func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO guest_links (tenant_id, token_hash, ticket_id, email, expires_at, created_at)
			VALUES ($1, $2, $3, 'x@y.example', now() + interval '1 day', now())`, int64(b.tenant.ID), make([]byte, 32), int64(tk.ID))
		return err
	})
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "23503", pgErr.Code, "a link to another tenant's ticket cannot exist")

	// A request is recorded as typed, in its own tenant only.
	require.NoError(t, b.svc.RequestGuestLink(ctx, b.tenant.ID, helpdesk.GuestLinkLookup{Number: "#1", Email: "Gema@Example.com"}))
	require.NoError(t, b.svc.RequestGuestLink(ctx, b.tenant.ID, helpdesk.GuestLinkLookup{Number: "77", Email: "nadie@example.com"}))
	type req struct {
		Number int64
		Email  string
	}
	var got []req
	require.NoError(t, b.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT ticket_number, email::text FROM guest_link_requests ORDER BY id`)
		if err != nil {
			return err
		}
		got, err = pgx.CollectRows(rows, pgx.RowToStructByPos[req])
		return err
	}))
	assert.Equal(t, []req{{1, "gema@example.com"}, {77, "nadie@example.com"}}, got)
	require.NoError(t, a.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM guest_link_requests`).Scan(&n)
	}))
	assert.Zero(t, n)
}
