package postgres_test

import (
	"context"
	"crypto/sha256"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
)

// solve solves ticket n as the desk's agent.
func (d *desk) solve(t *testing.T, n helpdesk.TicketNumber) helpdesk.Ticket {
	t.Helper()
	tk, err := d.svc.ChangeStatus(d.ctx(), d.agent.Actor(), helpdesk.TicketVersion{Number: n}, helpdesk.StatusSolved)
	require.NoError(t, err)
	return tk
}

// ratingRows lists (resolution, rating, comment) of ticket tk, in
// resolution order, read directly from the table.
func ratingRows(t *testing.T, d *desk, tk helpdesk.Ticket) []string {
	t.Helper()
	var out []string
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		rows, err := tx.Query(d.ctx(), `SELECT resolution, rating, comment, via FROM satisfaction_ratings
			WHERE tenant_id = $1 AND ticket_id = $2 ORDER BY resolution`, int64(d.tenant.ID), int64(tk.ID))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (string, error) {
			var res, rating int
			var comment, via string
			err := row.Scan(&res, &rating, &comment, &via)
			return strconv.Itoa(res) + ":" + strconv.Itoa(rating) + ":" + comment + ":" + via, err
		})
		return err
	}))
	return out
}

func TestRatingPerResolution(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	cust := d.cust.Actor()
	tk := d.openFor(t, d.cust, "La impresora no imprime")

	// Nothing to rate while the ticket is open.
	_, err := d.svc.Rate(ctx, cust, tk.Number, 5, "")
	require.ErrorIs(t, err, helpdesk.ErrInvalidTransition)
	st, err := d.svc.Rating(ctx, cust, tk.Number)
	require.NoError(t, err)
	assert.Zero(t, st.Resolution)
	assert.False(t, st.CanRate)

	d.clock.Advance(time.Hour)
	tk = d.solve(t, tk.Number)
	eventsBefore := countEvents(t, d, tk)
	d.clock.Advance(time.Minute)
	r, err := d.svc.Rate(ctx, cust, tk.Number, 2, "  Tardaron\r\nbastante ")
	require.NoError(t, err)
	assert.Equal(t, 1, r.Resolution)
	assert.Equal(t, "Tardaron\nbastante", r.Comment)
	assert.Equal(t, []string{"1:2:Tardaron\nbastante:portal"}, ratingRows(t, d, tk))
	assert.Equal(t, eventsBefore+1, countEvents(t, d, tk), "a rating is an event")
	after, err := d.s.Ticket(ctx, d.tenant.ID, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, tk.Version, after.Version, "a rating does not change the ticket, so agents' forms stay current")

	// The requester reads it back; an agent too.
	st, err = d.svc.Rating(ctx, cust, tk.Number)
	require.NoError(t, err)
	require.NotNil(t, st.Rating)
	assert.Equal(t, 2, st.Rating.Score)
	assert.Equal(t, d.cust.ID, st.Rating.RatedBy.User)
	assert.Equal(t, tk.SolvedAt, st.Rating.SolvedAt)
	assert.True(t, st.CanRate, "changeable while solved")
	st, err = d.svc.Rating(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	require.NotNil(t, st.Rating)
	assert.False(t, st.CanRate, "staff never rate")

	// Changed while solved: the same row, and a second event from 2 to 4.
	d.clock.Advance(time.Minute)
	r2, err := d.svc.Rate(ctx, cust, tk.Number, 4, "Al final, bien")
	require.NoError(t, err)
	assert.Equal(t, r.CreatedAt, r2.CreatedAt, "first rated when it was")
	assert.Equal(t, []string{"1:4:Al final, bien:portal"}, ratingRows(t, d, tk))
	staff, err := d.s.Timeline(ctx, d.tenant.ID, tk.ID, helpdesk.TimelineStaff)
	require.NoError(t, err)
	var rated []string
	for _, e := range staff {
		if e.Event != nil && e.Event.Kind == helpdesk.EventRated {
			rated = append(rated, e.Event.From+">"+e.Event.To+" by "+e.Event.Actor.Name)
		}
	}
	assert.Equal(t, []string{">2 by Carlos Cliente", "2>4 by Carlos Cliente"}, rated)
	// The same rating again changes nothing.
	_, err = d.svc.Rate(ctx, cust, tk.Number, 4, "Al final, bien ")
	require.NoError(t, err)
	assert.Equal(t, eventsBefore+2, countEvents(t, d, tk))

	// The requester replies: reopened, nothing to rate until solved again,
	// which is a second resolution with its own rating.
	_, err = d.svc.Reply(ctx, cust, helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Vuelve a fallar"}, Public: true,
	})
	require.NoError(t, err)
	_, err = d.svc.Rate(ctx, cust, tk.Number, 1, "")
	require.ErrorIs(t, err, helpdesk.ErrInvalidTransition)
	d.clock.Advance(time.Hour)
	tk = d.solve(t, tk.Number)
	st, err = d.svc.Rating(ctx, cust, tk.Number)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Resolution)
	assert.Nil(t, st.Rating, "the second resolution is not rated yet")
	_, err = d.svc.Rate(ctx, cust, tk.Number, 5, "Ahora sí")
	require.NoError(t, err)

	// Closed: the rating is final.
	tk, err = d.svc.ConfirmSolution(ctx, cust, at(tk))
	require.NoError(t, err)
	_, err = d.svc.Rate(ctx, cust, tk.Number, 1, "Cambio de opinión")
	require.ErrorIs(t, err, helpdesk.ErrTicketClosed)
	require.ErrorIs(t, err, helpdesk.ErrInvalidTransition)
	assert.Equal(t, []string{"1:4:Al final, bien:portal", "2:5:Ahora sí:portal"}, ratingRows(t, d, tk))
	st, err = d.svc.Rating(ctx, cust, tk.Number)
	require.NoError(t, err)
	assert.False(t, st.CanRate)
	assert.Equal(t, 5, st.Rating.Score)
}

func TestRatingClosedBeforeRatedMayBeRatedOnce(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	tk := d.openFor(t, d.cust, "Cerrado sin valorar")
	tk = d.solve(t, tk.Number)
	_, err := d.svc.ConfirmSolution(ctx, d.cust.Actor(), at(tk))
	require.NoError(t, err)
	st, err := d.svc.Rating(ctx, d.cust.Actor(), tk.Number)
	require.NoError(t, err)
	assert.True(t, st.CanRate)
	_, err = d.svc.Rate(ctx, d.cust.Actor(), tk.Number, 3, "")
	require.NoError(t, err)
	_, err = d.svc.Rate(ctx, d.cust.Actor(), tk.Number, 4, "")
	require.ErrorIs(t, err, helpdesk.ErrTicketClosed)
	assert.Equal(t, []string{"1:3::portal"}, ratingRows(t, d, tk))
}

func TestRatingOnlyByTheRequester(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	d := newDesk(t, pool, "acme")
	other := newDesk(t, pool, "otra")
	ctx := d.ctx()
	org := d.organisation(t, "Compartida", true)
	owner := d.user(t, "duena@acme.example", "Dueña", helpdesk.RoleCustomer, org)
	colleague := d.user(t, "colega@acme.example", "Colega", helpdesk.RoleCustomer, org)
	follower := d.user(t, "seguidor@acme.example", "Seguidor", helpdesk.RoleCustomer, 0)
	tk := d.openFor(t, owner, "Sólo la dueña valora")
	_, err := d.svc.Follow(ctx, d.agent.Actor(), helpdesk.TicketVersion{Number: tk.Number}, follower.ID)
	require.NoError(t, err)
	tk = d.solve(t, tk.Number)

	for name, tc := range map[string]struct {
		by   helpdesk.Actor
		want error
	}{
		"another customer":                  {d.cust.Actor(), helpdesk.ErrNotFound},
		"a colleague who can read it":       {colleague.Actor(), helpdesk.ErrNotFound},
		"a follower":                        {follower.Actor(), helpdesk.ErrNotFound},
		"an agent":                          {d.agent.Actor(), helpdesk.ErrForbidden},
		"the system":                        {helpdesk.System(d.tenant.ID), helpdesk.ErrForbidden},
		"a customer of another tenant":      {other.cust.Actor(), helpdesk.ErrNotFound},
		"the requester as another tenant's": {helpdesk.Actor{Kind: helpdesk.ActorUser, Tenant: other.tenant.ID, User: owner.ID, Role: helpdesk.RoleCustomer}, helpdesk.ErrNotFound},
	} {
		_, err := d.svc.Rate(ctx, tc.by, tk.Number, 5, "")
		require.ErrorIs(t, err, tc.want, name)
		if tc.by.IsCustomer() {
			_, err = d.svc.Rating(ctx, tc.by, tk.Number)
			require.ErrorIs(t, err, helpdesk.ErrNotFound, name)
		}
	}
	assert.Empty(t, ratingRows(t, d, tk))
	_, err = d.svc.Rate(ctx, owner.Actor(), tk.Number, 5, "")
	require.NoError(t, err)
}

func TestRatingLinks(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	d := newDesk(t, pool, "acme")
	other := newDesk(t, pool, "otra")
	ctx := d.ctx()
	tk := d.openFor(t, d.cust, "Encuesta por correo")

	// Only for a resolution, and only staff or the system make links.
	_, err := d.svc.RatingLink(ctx, helpdesk.System(d.tenant.ID), tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrInvalidTransition)
	tk = d.solve(t, tk.Number)
	_, err = d.svc.RatingLink(ctx, d.cust.Actor(), tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrForbidden)
	token, err := d.svc.RatingLink(ctx, helpdesk.System(d.tenant.ID), tk.Number)
	require.NoError(t, err)
	require.Len(t, token, 43)

	// Only the hash is stored.
	var stored []byte
	var expires time.Time
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT token_hash, expires_at FROM satisfaction_links WHERE tenant_id = $1`, int64(d.tenant.ID)).Scan(&stored, &expires)
	}))
	sum := sha256.Sum256([]byte(token))
	assert.Equal(t, sum[:], stored)
	assert.WithinDuration(t, d.clock.Now().Add(helpdesk.RatingLinkTTL), expires, time.Second)

	st, err := d.svc.RatingByLink(ctx, d.tenant.ID, token)
	require.NoError(t, err)
	assert.Equal(t, tk.Number, st.Ticket.Number)
	assert.Equal(t, "Encuesta por correo", st.Subject)
	assert.True(t, st.CanRate)

	// Bad tokens: nothing is read or written, whichever the reason.
	bad := map[string]string{
		"empty":            "",
		"whitespace":       "   ",
		"padded":           " " + token + " ",
		"case changed":     swapCase(token),
		"tampered":         token[:20] + flip(token[20]) + token[21:],
		"truncated":        token[:42],
		"another tenant's": token,
	}
	for name, tok := range bad {
		tenant := d.tenant.ID
		if name == "another tenant's" {
			tenant = other.tenant.ID
		}
		_, err := d.svc.RatingByLink(ctx, tenant, tok)
		require.ErrorIs(t, err, helpdesk.ErrNotFound, name)
		_, err = d.svc.RateByLink(ctx, tenant, tok, 1, "x")
		require.ErrorIs(t, err, helpdesk.ErrNotFound, name)
	}
	assert.Empty(t, ratingRows(t, d, tk))

	// A valid link rates as the requester, and may change it while solved.
	r, err := d.svc.RateByLink(ctx, d.tenant.ID, token, 3, "Correcto")
	require.NoError(t, err)
	assert.Equal(t, d.cust.ID, r.RatedBy.User)
	assert.Equal(t, helpdesk.RatedByLink, r.Via)
	_, err = d.svc.RateByLink(ctx, d.tenant.ID, token, 4, "Mejor")
	require.NoError(t, err)
	assert.Equal(t, []string{"1:4:Mejor:link"}, ratingRows(t, d, tk))
	// Bad input through a link is a validation error, and changes nothing.
	_, err = d.svc.RateByLink(ctx, d.tenant.ID, token, 9, strings.Repeat("a", 2001))
	var v *helpdesk.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Contains(t, v.Fields, "rating")
	assert.Contains(t, v.Fields, "comment")

	// Reopened: the link was for the first resolution, not the next one.
	reopened, err := d.svc.Reply(ctx, d.cust.Actor(), helpdesk.TicketVersion{Number: tk.Number}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: "Sigue igual"}, Public: true,
	})
	require.NoError(t, err)
	require.Equal(t, helpdesk.StatusOpen, reopened.Ticket.Status)
	_, err = d.svc.RateByLink(ctx, d.tenant.ID, token, 5, "")
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	tk = d.solve(t, tk.Number)
	_, err = d.svc.RatingByLink(ctx, d.tenant.ID, token)
	require.ErrorIs(t, err, helpdesk.ErrNotFound, "the old link does not rate the new resolution")

	// A new link; closed after rating, it is reused in vain.
	token2, err := d.svc.RatingLink(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	_, err = d.svc.RateByLink(ctx, d.tenant.ID, token2, 5, "")
	require.NoError(t, err)
	tk, err = d.svc.ConfirmSolution(ctx, d.cust.Actor(), at(tk))
	require.NoError(t, err)
	_, err = d.svc.RatingByLink(ctx, d.tenant.ID, token2)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = d.svc.RateByLink(ctx, d.tenant.ID, token2, 1, "")
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	assert.Equal(t, []string{"1:4:Mejor:link", "2:5::link"}, ratingRows(t, d, tk))
	_, err = d.svc.RatingLink(ctx, d.agent.Actor(), tk.Number)
	require.ErrorIs(t, err, helpdesk.ErrInvalidTransition, "no link for a final rating")
}

func TestRatingLinkExpires(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	tk := d.solve(t, d.openFor(t, d.cust, "Caduca").Number)
	token, err := d.svc.RatingLink(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	d.clock.Advance(helpdesk.RatingLinkTTL - time.Second)
	_, err = d.svc.RatingByLink(ctx, d.tenant.ID, token)
	require.NoError(t, err)
	d.clock.Advance(time.Second)
	_, err = d.svc.RatingByLink(ctx, d.tenant.ID, token)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = d.svc.RateByLink(ctx, d.tenant.ID, token, 5, "")
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	assert.Empty(t, ratingRows(t, d, tk))
}

// TestSatisfactionTablesAreIsolated: row-level security hides another
// tenant's ratings and links, refuses writing them, and the composite keys
// refuse a rating or link pointing at another tenant's ticket.
func TestSatisfactionTablesAreIsolated(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	a := newDesk(t, pool, "alfa")
	b := newDesk(t, pool, "beta")
	ctx := context.Background()
	tk := a.solve(t, a.openFor(t, a.cust, "De alfa").Number)
	_, err := a.svc.Rate(ctx, a.cust.Actor(), tk.Number, 5, "")
	require.NoError(t, err)
	_, err = a.svc.RatingLink(ctx, a.agent.Actor(), tk.Number)
	require.NoError(t, err)

	// The store's reads answer ErrNotFound to another tenant.
	_, err = b.s.SatisfactionRating(ctx, b.tenant.ID, tk.ID, 1)
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	_, err = a.s.SatisfactionRating(ctx, a.tenant.ID, tk.ID, 1)
	require.NoError(t, err)

	for _, table := range []string{"satisfaction_ratings", "satisfaction_links"} {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n))
		assert.Zero(t, n, "%s: no tenant set sees nothing", table)
		require.NoError(t, b.tx(func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n)
		}))
		assert.Zero(t, n, "%s: another tenant sees nothing, without any WHERE", table)
		var changed int64
		require.NoError(t, b.tx(func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `UPDATE `+table+` SET resolution = resolution + 1`)
			changed = tag.RowsAffected()
			return err
		}))
		assert.Zero(t, changed, "%s: another tenant's updates find nothing", table)
	}

	now := time.Now()
	attacks := map[string]func(tx pgx.Tx) error{
		"rating in alfa's name": func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO satisfaction_ratings (tenant_id, ticket_id, resolution, solved_at, rating,
				rated_by_name, via, created_at, updated_at) VALUES ($1, $2, 2, $3, 1, 'x', 'portal', $3, $3)`, int64(a.tenant.ID), int64(tk.ID), now)
			return err
		},
		"rating of alfa's ticket": func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO satisfaction_ratings (tenant_id, ticket_id, resolution, solved_at, rating,
				rated_by_name, via, created_at, updated_at) VALUES ($1, $2, 2, $3, 1, 'x', 'portal', $3, $3)`, int64(b.tenant.ID), int64(tk.ID), now)
			return err
		},
		"link to alfa's ticket": func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO satisfaction_links (tenant_id, token_hash, ticket_id, resolution, created_at, expires_at)
				VALUES ($1, $2, $3, 1, $4, $5)`, int64(b.tenant.ID), make([]byte, 32), int64(tk.ID), now, now.Add(time.Hour))
			return err
		},
	}
	for name, attack := range attacks {
		require.Error(t, b.tx(attack), name)
	}
	// The domain's checks are backed by the table's.
	for name, sql := range map[string]string{
		"rating 0":      `INSERT INTO satisfaction_ratings (tenant_id, ticket_id, resolution, solved_at, rating, rated_by_name, via, created_at, updated_at) VALUES ($1, $2, 3, now(), 0, 'x', 'portal', now(), now())`,
		"rating 6":      `INSERT INTO satisfaction_ratings (tenant_id, ticket_id, resolution, solved_at, rating, rated_by_name, via, created_at, updated_at) VALUES ($1, $2, 3, now(), 6, 'x', 'portal', now(), now())`,
		"long comment":  `INSERT INTO satisfaction_ratings (tenant_id, ticket_id, resolution, solved_at, rating, comment, rated_by_name, via, created_at, updated_at) VALUES ($1, $2, 3, now(), 3, repeat('a', 2001), 'x', 'portal', now(), now())`,
		"short hash":    `INSERT INTO satisfaction_links (tenant_id, token_hash, ticket_id, resolution, created_at, expires_at) VALUES ($1, '\x00', $2, 1, now(), now() + interval '1 day')`,
		"no resolution": `INSERT INTO satisfaction_links (tenant_id, token_hash, ticket_id, resolution, created_at, expires_at) VALUES ($1, decode(repeat('00', 32), 'hex'), $2, 0, now(), now() + interval '1 day')`,
	} {
		err := a.tx(func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, sql, int64(a.tenant.ID), int64(tk.ID))
			return err
		})
		require.Error(t, err, name)
	}
	assert.Equal(t, []string{"1:5::portal"}, ratingRows(t, a, tk))
}

func swapCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// flip returns another character of the token alphabet than c.
func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// TestRatingLinkIsBoundToItsRequester: a survey link made for one requester
// stops working when the ticket's requester changes, so it never rates in
// someone else's name.
func TestRatingLinkIsBoundToItsRequester(t *testing.T) {
	t.Parallel()
	d := newDesk(t, pgtest.New(t), "acme")
	ctx := d.ctx()
	tk := d.solve(t, d.openFor(t, d.cust, "Cambio de solicitante").Number)
	token, err := d.svc.RatingLink(ctx, d.agent.Actor(), tk.Number)
	require.NoError(t, err)
	_, err = d.svc.RatingByLink(ctx, d.tenant.ID, token)
	require.NoError(t, err)

	other, err := d.svc.CreateUser(ctx, d.tenant.ID, "Otra Persona", "otra@acme.example", "una clave larga", helpdesk.RoleCustomer)
	require.NoError(t, err)
	require.NoError(t, d.tx(func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE tickets SET requester_id = $3 WHERE tenant_id = $1 AND id = $2`,
			int64(d.tenant.ID), int64(tk.ID), int64(other.ID))
		return err
	}))
	_, err = d.svc.RateByLink(ctx, d.tenant.ID, token, 5, "")
	require.ErrorIs(t, err, helpdesk.ErrNotFound)
	assert.Empty(t, ratingRows(t, d, tk))
}
