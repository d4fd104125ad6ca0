package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// queueNamed sends what pgx's own rewrite of the named statement sends,
// and leaves alone a statement that names an argument it is not given.
func TestQueueNamedSendsWhatPgxWould(t *testing.T) {
	t.Parallel()
	args := pgx.NamedArgs{"tenant": int64(3), "number": int64(42), "user": int64(7), "unused": "x"}
	sql := `SELECT '@not_a_name', x::text FROM t WHERE tenant_id = @tenant AND number = @number -- @comment
		AND (user_id = @user OR owner = @user)`
	wantSQL, wantArgs, err := args.RewriteQuery(context.Background(), nil, sql, nil)
	require.NoError(t, err)
	for range 2 { // rewritten, then from the cache
		b := &pgx.Batch{}
		q := queueNamed(b, sql, args)
		assert.Equal(t, wantSQL, q.SQL)
		assert.Equal(t, wantArgs, q.Arguments)
	}

	missing := `SELECT @tenant, @nowhere`
	b := &pgx.Batch{}
	q := queueNamed(b, missing, args)
	assert.Equal(t, missing, q.SQL, "sent named, as before")
	assert.Equal(t, []any{args}, q.Arguments)
	_, kept := positionals.Load(missing)
	assert.False(t, kept)
}
