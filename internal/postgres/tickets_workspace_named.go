package postgres

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
)

// The ticket page sends a dozen statements with named arguments on every
// view, and pgx lexes each statement's text again on every send to rewrite
// its names into $n (about a tenth of the page's CPU in the store). These
// statements are constants: queueNamed rewrites each once per process, with
// pgx's own lexer, and sends the positional text pgx would have sent.

// positional is a named statement rewritten: its text with $n and the name
// behind each $n.
type positional struct {
	sql   string
	names []string
}

// positionals holds the rewritten statements by their named text.
var positionals sync.Map // string → *positional

// argName marks a name's place in a rewrite.
type argName string

// queueNamed queues sql with args on b, as b.Queue(sql, args) does.
func queueNamed(b *pgx.Batch, sql string, args pgx.NamedArgs) *pgx.QueuedQuery {
	p := positionalOf(sql, args)
	if p == nil {
		return b.Queue(sql, args)
	}
	return p.queue(b, args)
}

// queue queues the rewritten text with args in its $n order.
func (p *positional) queue(b *pgx.Batch, args pgx.NamedArgs) *pgx.QueuedQuery {
	vals := make([]any, len(p.names))
	for i, n := range p.names {
		vals[i] = args[n]
	}
	return b.Queue(p.sql, vals...)
}

// positionalOf returns sql rewritten, or nil when it names an argument args
// lacks (pgx would send NULL for it; such a statement is not kept).
func positionalOf(sql string, args pgx.NamedArgs) *positional {
	if p, ok := positionals.Load(sql); ok {
		return p.(*positional)
	}
	p := rewriteNamed(sql, args)
	if p != nil {
		positionals.Store(sql, p)
	}
	return p
}

// rewriteNamed rewrites sql as pgx would for args, or returns nil when sql
// names an argument args lacks (pgx sends NULL for it).
func rewriteNamed(sql string, args pgx.NamedArgs) *positional {
	marks := make(pgx.NamedArgs, len(args))
	for n := range args {
		marks[n] = argName(n)
	}
	out, vals, err := marks.RewriteQuery(context.Background(), nil, sql, nil)
	if err != nil {
		return nil
	}
	p := &positional{sql: out, names: make([]string, len(vals))}
	for i, v := range vals {
		n, ok := v.(argName)
		if !ok {
			return nil
		}
		p.names[i] = string(n)
	}
	return p
}
