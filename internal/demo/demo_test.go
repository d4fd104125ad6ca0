package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/demo"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestDemoHasTicketsInEveryStatusAndLoadsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := postgres.New(pgtest.New(t))
	now := time.Now()
	clock := demo.NewClock(now.Add(-demo.Span() - time.Hour))
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2), clock.Now)

	res, err := demo.Load(ctx, svc, clock, "faro-verde-costa")
	require.NoError(t, err)
	require.True(t, res.Created)
	assert.False(t, clock.Now().After(now), "no demo activity lies in the future")

	admin, err := svc.Authenticate(ctx, res.Tenant.ID, "admin@demo.example", "faro-verde-costa")
	require.NoError(t, err)
	for _, l := range demo.Logins {
		u, err := svc.Authenticate(ctx, res.Tenant.ID, l.Email, "faro-verde-costa")
		require.NoError(t, err, l.Email)
		assert.Equal(t, l.Role, u.Role)
	}

	statuses := []helpdesk.Status{helpdesk.StatusNew, helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold, helpdesk.StatusSolved, helpdesk.StatusClosed}
	var views []helpdesk.TicketFilter
	for _, s := range statuses {
		views = append(views, helpdesk.TicketFilter{Statuses: []helpdesk.Status{s}})
	}
	counts, err := svc.CountTickets(ctx, admin.Actor(), views)
	require.NoError(t, err)
	total := 0
	for i, n := range counts {
		assert.GreaterOrEqual(t, n, 4, "tickets in %s", statuses[i])
		total += n
	}
	assert.GreaterOrEqual(t, total, 30, "a few dozen tickets")

	// A worked ticket carries its replies, notes and history.
	page, err := svc.Tickets(ctx, admin.Actor(), helpdesk.TicketQuery{Filter: helpdesk.TicketFilter{Statuses: []helpdesk.Status{helpdesk.StatusSolved}}})
	require.NoError(t, err)
	require.NotEmpty(t, page.Tickets)
	richest := 0
	for _, tk := range page.Tickets {
		tl, err := svc.Timeline(ctx, admin.Actor(), tk.Number)
		require.NoError(t, err)
		richest = max(richest, len(tl))
	}
	assert.GreaterOrEqual(t, richest, 5)

	again, err := demo.Load(ctx, svc, clock, "faro-verde-costa")
	require.NoError(t, err)
	assert.False(t, again.Created, "loading twice changes nothing")
	counts2, err := svc.CountTickets(ctx, admin.Actor(), views)
	require.NoError(t, err)
	assert.Equal(t, counts, counts2)
}
