package bench

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/password"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// TestExplainAPIListScale explains the REST API's ticket list (GET
// /tickets: every status, the first page by last update) as the
// application role at a 1,000- and a 10,000-ticket desk made by the bench's
// generator, statement by statement. A diagnostic, run by hand:
//
//	ATIENDE_EXPLAIN_APILIST=1 go test -v -run TestExplainAPIListScale ./internal/bench/
func TestExplainAPIListScale(t *testing.T) {
	if os.Getenv("ATIENDE_EXPLAIN_APILIST") == "" {
		t.Skip("set ATIENDE_EXPLAIN_APILIST=1 to explain the API's list at 1k and 10k tickets")
	}
	for _, n := range envInts(t, "ATIENDE_LOAD_SIZES", []int{1000, 10000}) {
		explainAPIListAt(t, n)
	}
}

func explainAPIListAt(t *testing.T, n int) {
	ctx := context.Background()
	cfg, adminURL := generatedDesk(t, n)
	owner, err := pgx.Connect(ctx, adminURL)
	require.NoError(t, err)
	_, err = owner.Exec(ctx, `ANALYZE`)
	require.NoError(t, err)
	var agentID int64
	require.NoError(t, owner.QueryRow(ctx, `SELECT min(id) FROM users WHERE tenant_id = 1 AND role = 'agent'`).Scan(&agentID))
	require.NoError(t, owner.Close(ctx))
	tracer := &sqlTracer{}
	cfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	defer pool.Close()
	s := postgres.New(pool)
	svc := helpdesk.NewService(s, password.New(password.Params{Memory: 1024, Time: 1, Threads: 1}, 1), nil)
	agent, err := s.User(ctx, 1, helpdesk.UserID(agentID))
	require.NoError(t, err)
	stmts := tracer.Capture(func() {
		_, err := svc.Tickets(ctx, agent.Actor(), helpdesk.TicketQuery{Limit: 50})
		require.NoError(t, err)
	})
	for _, st := range stmts {
		if strings.Contains(st.SQL, "set_config('app.tenant_id'") || !isRead(st.SQL) {
			continue
		}
		ms, _, bufs := explainAnalyze(t, pool, st)
		t.Logf("%6d tickets: %.3f ms %5.0f bufs %.80s", n, ms, bufs, spaces.ReplaceAllString(st.SQL, " "))
		t.Logf("%s", explainText(t, pool, st))
	}
}

// generatedDesk makes a fresh database holding one desk of n tickets from
// the bench's generator, for this package's diagnostics: the application
// role's pool configuration (to shape and trace as each needs) and the
// administrator's URL.
func generatedDesk(t *testing.T, n int) (*pgxpool.Config, string) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.NewURL(t))
	require.NoError(t, err)
	adminURL := pgtest.AdminURL(t, cfg.ConnConfig.Database)
	_, err = Generate(context.Background(), adminURL, Scale{Name: "x", Tickets: n, Tenants: 1}, io.Discard)
	require.NoError(t, err)
	return cfg, adminURL
}
