package pgtest

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Standby starts a hot standby of the package's throwaway server (a
// pg_basebackup copy streaming its WAL) and returns a connection string
// for database on it as the application role. The standby is stopped and
// deleted when the test ends. It skips the test when the server is not
// pgtest's own (ATIENDE_TEST_DATABASE_URL). Create database first: the
// copy holds the databases that exist when it is taken.
func Standby(t testing.TB, database string) string {
	t.Helper()
	s := get(t)
	if s.cluster == nil {
		t.Skipf("pgtest: a standby needs pgtest's own server, not %s", EnvDatabaseURL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	standby, err := s.cluster.NewStandby(ctx)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := standby.Destroy(ctx); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	u, err := url.Parse(standby.URL("postgres", database))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	u.User = s.app
	return u.String()
}

// WaitReplay waits until standby has replayed everything written on
// primary so far (both pools of the same database). It waits for the WAL
// insert position, not the write position: a commit made with
// synchronous_commit off (presence visits) can still sit in the WAL
// buffers, behind pg_current_wal_lsn, when the test asks.
func WaitReplay(t testing.TB, primary, standby *pgxpool.Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var lsn string
	if err := primary.QueryRow(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&lsn); err != nil {
		t.Fatalf("pgtest: primary's WAL position: %v", err)
	}
	for {
		var done bool
		err := standby.QueryRow(ctx, `SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)`, lsn).Scan(&done)
		if err != nil && ctx.Err() == nil {
			t.Fatalf("pgtest: standby's replay position: %v", err)
		}
		if done {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("pgtest: standby did not replay up to %s in time", lsn)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
