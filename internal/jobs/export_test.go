package jobs

import (
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// Client exposes the River client to this package's external tests, which
// insert jobs directly; production code enqueues through the store.
func (r *Runner) Client() *river.Client[pgx.Tx] { return r.client }
