package pgtest

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Tracer records the statements a pgx pool sends while capturing, with
// their arguments, so that a test can explain exactly the SQL the store
// runs. Set it as the pool's ConnConfig.Tracer.
type Tracer struct {
	mu    sync.Mutex
	on    bool
	stmts []Statement
}

// Statement is one statement a Tracer saw.
type Statement struct {
	SQL  string
	Args []any
}

func (t *Tracer) record(sql string, args []any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.on {
		t.stmts = append(t.stmts, Statement{sql, args})
	}
}

// TraceQueryStart records a statement sent on its own.
func (t *Tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	t.record(d.SQL, d.Args)
	return ctx
}

// TraceQueryEnd is part of pgx.QueryTracer.
func (t *Tracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart records every statement of a batch.
func (t *Tracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	for _, q := range d.Batch.QueuedQueries {
		t.record(q.SQL, q.Arguments)
	}
	return ctx
}

// TraceBatchQuery is part of pgx.BatchTracer.
func (t *Tracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd is part of pgx.BatchTracer.
func (t *Tracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// Capture runs fn and returns the statements it sent.
func (t *Tracer) Capture(fn func()) []Statement {
	t.mu.Lock()
	t.on, t.stmts = true, nil
	t.mu.Unlock()
	fn()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.on = false
	return t.stmts
}
