package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

func names(ps []helpdesk.Presence) []string {
	var out []string
	for _, p := range ps {
		s := p.Name
		if p.Typing {
			s += " (typing)"
		}
		out = append(out, s)
	}
	return out
}

func TestPresenceShowsOthersAndExpires(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	carlos := d.user(t, "carlos@acme.example", "Carlos Ruiz", helpdesk.RoleAgent, 0)
	tk := d.openFor(t, d.cust, "La impresora no imprime")
	ana := d.agent.Actor()

	require.NoError(t, d.svc.Touch(ctx, carlos.Actor(), tk.Number, false))
	require.NoError(t, d.svc.Touch(ctx, ana, tk.Number, false))
	others, err := d.svc.Present(ctx, ana, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, []string{"Carlos Ruiz"}, names(others), "Ana sees Carlos, not herself")

	d.clock.Advance(10 * time.Second)
	require.NoError(t, d.svc.Touch(ctx, carlos.Actor(), tk.Number, true))
	others, err = d.svc.Present(ctx, ana, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, []string{"Carlos Ruiz (typing)"}, names(others))
	others, err = d.svc.Present(ctx, carlos.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Equal(t, []string{"Ana Agente"}, names(others))

	// Ana left 25 s ago, Carlos 15 s ago: both still there. At 31 s
	// after Carlos's last report he is gone too.
	d.clock.Advance(15 * time.Second)
	others, err = d.svc.Present(ctx, carlos.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Equal(t, []string{"Ana Agente"}, names(others))
	d.clock.Advance(16 * time.Second)
	others, err = d.svc.Present(ctx, ana, tk.Number)
	require.NoError(t, err)
	assert.Empty(t, others, "reports expire after 30 s")

	// A report prunes the tenant's expired rows.
	require.NoError(t, d.svc.Touch(ctx, ana, tk.Number, false))
	var rows int
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM ticket_presence`).Scan(&rows)
	}))
	assert.Equal(t, 1, rows)

	// Customers have no presence; a missing ticket is not found.
	assert.ErrorIs(t, d.svc.Touch(ctx, d.cust.Actor(), tk.Number, false), helpdesk.ErrNotFound)
	_, err = d.svc.Present(ctx, d.cust.Actor(), tk.Number)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	assert.ErrorIs(t, d.svc.Touch(ctx, ana, tk.Number+100, false), helpdesk.ErrNotFound)
}

func TestPresenceIsPerTenant(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "alfa")
	b := newDesk(t, pool, "beta")
	ctx := a.ctx()
	ta := a.openFor(t, a.cust, "En alfa")
	tb := b.openFor(t, b.cust, "En beta")
	require.Equal(t, ta.Number, tb.Number, "both desks start at the same number")
	require.NoError(t, b.svc.Touch(ctx, b.agent.Actor(), tb.Number, true))
	_, err := b.svc.SaveDraft(ctx, b.agent.Actor(), tb.Number, helpdesk.DraftInput{Body: "Secreto de beta", Public: true, Since: tb.UpdatedAt})
	require.NoError(t, err)

	// Alfa's agent on the same number sees nothing of beta.
	others, err := a.svc.Present(ctx, a.agent.Actor(), ta.Number)
	require.NoError(t, err)
	assert.Empty(t, others)
	_, err = a.svc.Draft(ctx, a.agent.Actor(), ta.Number)
	assert.ErrorIs(t, err, helpdesk.ErrNotFound)
	// RLS: bound to alfa, the tables show none of beta's rows.
	var n int
	require.NoError(t, a.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM ticket_presence) + (SELECT count(*) FROM reply_drafts)`).Scan(&n)
	}))
	assert.Zero(t, n)
	// And alfa cannot write a row for beta.
	err = a.tx(func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO reply_drafts (tenant_id, ticket_id, user_id, body, public, updated_at)
			VALUES ($1, $2, $3, 'x', true, now())`, int64(b.tenant.ID), int64(tb.ID), int64(b.agent.ID))
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "row-level security")
}

func TestDraftsArePrivateAndConsumedByAReply(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	carlos := d.user(t, "carlos@acme.example", "Carlos Ruiz", helpdesk.RoleAgent, 0)
	tk := d.openFor(t, d.cust, "No llega la factura")
	ana := d.agent.Actor()

	_, err := d.svc.Draft(ctx, ana, tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	kept, err := d.svc.SaveDraft(ctx, ana, tk.Number, helpdesk.DraftInput{Body: "Hola Carlos,\nte escribo", Public: false, Since: tk.UpdatedAt})
	require.NoError(t, err)
	assert.True(t, kept)
	got, err := d.svc.Draft(ctx, ana, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, "Hola Carlos,\nte escribo", got.Body)
	assert.False(t, got.Public)

	// Another agent never sees it, and their own draft is separate.
	_, err = d.svc.Draft(ctx, carlos.Actor(), tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = d.svc.SaveDraft(ctx, carlos.Actor(), tk.Number, helpdesk.DraftInput{Body: "Lo miro yo", Public: true, Since: tk.UpdatedAt})
	require.NoError(t, err)
	got, err = d.svc.Draft(ctx, ana, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, "Hola Carlos,\nte escribo", got.Body)
	// Customers have no drafts.
	_, err = d.svc.SaveDraft(ctx, d.cust.Actor(), tk.Number, helpdesk.DraftInput{Body: "x", Since: tk.UpdatedAt})
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	// Too long is refused; an empty box discards.
	_, err = d.svc.SaveDraft(ctx, ana, tk.Number, helpdesk.DraftInput{Body: strings.Repeat("a", helpdesk.MaxDraftBytes+1), Since: tk.UpdatedAt})
	var invalid *helpdesk.ValidationError
	require.ErrorAs(t, err, &invalid)
	kept, err = d.svc.SaveDraft(ctx, ana, tk.Number, helpdesk.DraftInput{Body: strings.Repeat("é", helpdesk.MaxDraftBytes/2), Since: tk.UpdatedAt})
	require.NoError(t, err)
	assert.True(t, kept, "64 KiB fits")

	// Ana sends her reply and discards the draft, as the console does; a
	// poll from the page she loaded before replying cannot bring it back.
	d.clock.Advance(time.Minute)
	_, err = d.svc.Reply(ctx, ana, helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Hola Carlos"}, Public: true})
	require.NoError(t, err)
	require.NoError(t, d.svc.DiscardDraft(ctx, ana, tk.Number))
	_, err = d.svc.Draft(ctx, ana, tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	d.clock.Advance(time.Second)
	kept, err = d.svc.SaveDraft(ctx, ana, tk.Number, helpdesk.DraftInput{Body: "Hola Carlos", Public: true, Since: tk.UpdatedAt})
	require.NoError(t, err)
	assert.False(t, kept, "a draft from before her reply is the reply itself")
	_, err = d.svc.Draft(ctx, ana, tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)

	// From the page loaded after the reply, drafts are kept again.
	after, err := d.svc.Ticket(ctx, ana, tk.Number)
	require.NoError(t, err)
	kept, err = d.svc.SaveDraft(ctx, ana, tk.Number, helpdesk.DraftInput{Body: "Otra cosa", Public: true, Since: after.UpdatedAt})
	require.NoError(t, err)
	assert.True(t, kept)
	// Carlos's draft was untouched by Ana's reply.
	got, err = d.svc.Draft(ctx, carlos.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Equal(t, "Lo miro yo", got.Body)
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	carlos := d.user(t, "carlos@acme.example", "Carlos Ruiz", helpdesk.RoleAgent, 0)
	tk := d.openFor(t, d.cust, "Sin conexión")

	_, err := d.svc.Heartbeat(ctx, carlos.Actor(), helpdesk.Heartbeat{Number: tk.Number, Typing: true,
		Draft: &helpdesk.DraftInput{Body: "Reinicia el router", Public: true, Since: tk.UpdatedAt}})
	require.NoError(t, err)
	res, err := d.svc.Heartbeat(ctx, d.agent.Actor(), helpdesk.Heartbeat{Number: tk.Number})
	require.NoError(t, err)
	assert.Equal(t, []string{"Carlos Ruiz (typing)"}, names(res.Others))
	assert.Equal(t, tk.Version, res.Ticket.Version)
	assert.Equal(t, tk.ID, res.Ticket.ID)

	_, err = d.svc.Reply(ctx, d.cust.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: "Sigue igual"}, Public: true})
	require.NoError(t, err)
	res, err = d.svc.Heartbeat(ctx, d.agent.Actor(), helpdesk.Heartbeat{Number: tk.Number})
	require.NoError(t, err)
	assert.Greater(t, res.Ticket.Version, tk.Version, "the poll sees the ticket changed")
	got, err := d.svc.Draft(ctx, carlos.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Equal(t, "Reinicia el router", got.Body)
}

// A look within a few seconds of the last one in the same state writes
// nothing new: the report keeps its time. A change of state, or a look
// after those seconds, refreshes it.
func TestRepeatedLooksRefreshPresenceOnlyWhenStale(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	carlos := d.user(t, "carlos@acme.example", "Carlos Ruiz", helpdesk.RoleAgent, 0)
	tk := d.openFor(t, d.cust, "La impresora no imprime")
	seen := func() (time.Time, bool) {
		others, err := d.svc.Present(ctx, d.agent.Actor(), tk.Number)
		require.NoError(t, err)
		require.Len(t, others, 1)
		return others[0].SeenAt, others[0].Typing
	}
	require.NoError(t, d.svc.Touch(ctx, carlos.Actor(), tk.Number, false))
	first, _ := seen()
	d.clock.Advance(3 * time.Second)
	require.NoError(t, d.svc.Touch(ctx, carlos.Actor(), tk.Number, false))
	at, _ := seen()
	assert.Equal(t, first, at, "a look 3 s later keeps the report")
	require.NoError(t, d.svc.Touch(ctx, carlos.Actor(), tk.Number, true))
	at, typing := seen()
	assert.True(t, typing)
	assert.Equal(t, first.Add(3*time.Second), at, "a change of state is written at once")
	d.clock.Advance(5 * time.Second)
	require.NoError(t, d.svc.Touch(ctx, carlos.Actor(), tk.Number, true))
	at, _ = seen()
	assert.Equal(t, first.Add(8*time.Second), at, "a look 5 s later refreshes it")
}

// An agent's first look at a ticket records their presence without
// waiting for a change to that ticket in flight. The report's foreign
// keys (dropped by 00050) checked the ticket by locking its row FOR KEY
// SHARE, which waits behind the FOR UPDATE every ticket change takes: a
// first view hung for as long as a reply's transaction lasted.
func TestFirstLookDoesNotWaitForTheTicketsWriter(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	carlos := d.user(t, "carlos@acme.example", "Carlos Ruiz", helpdesk.RoleAgent, 0)
	tk := d.openFor(t, d.cust, "La impresora no imprime")
	var looked error
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		if _, err := tx.Exec(d.ctx(), `SELECT 1 FROM tickets WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, int64(d.tenant.ID), int64(tk.ID)); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(d.ctx(), 5*time.Second)
		defer cancel()
		_, looked = d.svc.StaffWorkspace(ctx, carlos.Actor(), tk.Number)
		return nil
	}))
	require.NoError(t, looked, "the first look finished while the ticket was locked")
	others, err := d.svc.Present(d.ctx(), d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	assert.Equal(t, []string{"Carlos Ruiz"}, names(others))
}
