package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/atiende/atiende/migrations"
)

// newMigrator returns a goose provider over the embedded migrations that
// takes a session advisory lock, so several replicas starting at once
// migrate exactly once. Out-of-order migrations are applied rather than
// refused: features are built in parallel, and a migration numbered below
// one already applied on a developer's database is still new there.
func newMigrator(pool *pgxpool.Pool) (*goose.Provider, func() error, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: migration lock: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	return p, db.Close, nil
}

// Migrate applies every pending migration: Atiende's own, then the job
// queue's (River ships its schema as versioned migrations of its own).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	p, closeDB, err := newMigrator(pool)
	if err != nil {
		return err
	}
	defer closeDB()
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate up: %w", err)
	}
	return migrateJobQueue(ctx, pool)
}

// jobQueueLock is the advisory lock key that serialises the job queue's
// migrations between replicas starting at once ("atiende-jobs").
const jobQueueLock = 0x617469656e6465

func migrateJobQueue(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: job queue migrations: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, jobQueueLock); err != nil {
		return fmt.Errorf("postgres: job queue migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, jobQueueLock) //nolint:errcheck // the session ends with the connection anyway
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("postgres: job queue migrations: %w", err)
	}
	if _, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("postgres: migrate job queue: %w", err)
	}
	return nil
}

// jobQueuePending reports whether the job queue's schema lacks migrations.
func jobQueuePending(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return false, fmt.Errorf("postgres: job queue migrations: %w", err)
	}
	res, err := rm.Validate(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("postgres: validate job queue schema: %w", err)
	}
	return !res.OK, nil
}

// MigrateDown rolls back the most recent migration.
func MigrateDown(ctx context.Context, pool *pgxpool.Pool) error {
	p, closeDB, err := newMigrator(pool)
	if err != nil {
		return err
	}
	defer closeDB()
	if _, err := p.Down(ctx); err != nil {
		return fmt.Errorf("postgres: migrate down: %w", err)
	}
	return nil
}

// MigrationStatus describes one migration and whether it is applied.
type MigrationStatus struct {
	Version int64
	Source  string
	Applied bool
}

// Migrations lists every embedded migration with its state.
func Migrations(ctx context.Context, pool *pgxpool.Pool) ([]MigrationStatus, error) {
	p, closeDB, err := newMigrator(pool)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Source: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// Pending counts migrations that are not yet applied. serve refuses to start
// on a schema that is behind unless auto-migrate is on.
func Pending(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	st, err := Migrations(ctx, pool)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range st {
		if !s.Applied {
			n++
		}
	}
	if behind, err := jobQueuePending(ctx, pool); err != nil {
		return 0, err
	} else if behind {
		n++ // the job queue's migrations count as one step of `migrate up`
	}
	return n, nil
}
