package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// newInserter returns an insert-only River client: it works no jobs, it
// only writes them, so any store (and any test) can enqueue without
// running workers.
func newInserter(pool *pgxpool.Pool) *river.Client[pgx.Tx] {
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		// Only a bad configuration fails here, and the one above is fixed.
		panic(fmt.Sprintf("postgres: river inserter: %v", err))
	}
	return c
}

// Enqueue inserts a background job. Inside InTx it joins the transaction,
// so the job exists exactly when the change that caused it commits (the
// outbox pattern): a rolled-back reply never sends its notification.
func (s *Store) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	var err error
	if s.tx != nil {
		_, err = s.jobs.InsertTx(ctx, s.tx, args, opts)
	} else {
		_, err = s.jobs.Insert(ctx, args, opts)
	}
	if err != nil {
		return fmt.Errorf("postgres: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}
