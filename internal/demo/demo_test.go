package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/demo"
	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/markdown"
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
	svc := helpdesk.NewService(store, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 2), clock.Now, helpdesk.WithKB(markdown.New()))

	began := time.Now()
	res, err := demo.Load(ctx, svc, clock, "faro-verde-costa")
	require.NoError(t, err)
	require.True(t, res.Created)
	t.Logf("demo loaded in %s", time.Since(began))

	// The help centre answers what the tickets ask, in Spanish and English.
	guest := helpdesk.Actor{Kind: helpdesk.ActorGuest, Tenant: res.Tenant.ID}
	home, err := svc.HelpCentre(ctx, guest, "es")
	require.NoError(t, err)
	assert.Len(t, home.Categories, 3)
	staff, err := svc.Authenticate(ctx, res.Tenant.ID, "agente@demo.example", "faro-verde-costa")
	require.NoError(t, err)
	arts, err := svc.KBAdminArticles(ctx, staff.Actor(), helpdesk.KBListQuery{})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(arts), 16, "a dozen articles plus translations")
	for q, lang := range map[string]string{"facutra": "es", "contraseña": "es", "vpn": "en", "impresora": "es"} {
		hits, err := svc.SearchHelp(ctx, guest, q, lang, helpdesk.KBFromSuggest)
		require.NoError(t, err)
		if assert.NotEmpty(t, hits, q) {
			assert.Equal(t, lang, hits[0].Article.Locale, q)
		}
	}
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

	// Months of history: every report has figures.
	loc, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	ov, err := svc.ReportOverview(ctx, admin.Actor(), helpdesk.ReportFilter{From: clock.Now().AddDate(0, 0, -60), To: clock.Now(), Location: loc})
	require.NoError(t, err)
	s := ov.Current
	t.Logf("last 60 days: %+v", s)
	assert.Greater(t, s.Created, 80)
	assert.Greater(t, s.Solved, 60)
	assert.Greater(t, s.FCR, 10)
	assert.Positive(t, s.Reopened)
	assert.Positive(t, s.Escalated)
	assert.Positive(t, s.Rated)
	assert.Positive(t, s.SLA[helpdesk.MetricFirstReply].Breached, "some breaches")
	assert.Greater(t, s.SLA[helpdesk.MetricFirstReply].Achieved, s.SLA[helpdesk.MetricFirstReply].Breached)

	again, err := demo.Load(ctx, svc, clock, "faro-verde-costa")
	require.NoError(t, err)
	assert.False(t, again.Created, "loading twice changes nothing")
	counts2, err := svc.CountTickets(ctx, admin.Actor(), views)
	require.NoError(t, err)
	assert.Equal(t, counts, counts2)
}
