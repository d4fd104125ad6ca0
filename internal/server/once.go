package server

import (
	"context"
	"sync"
	"time"
)

// once makes concurrent submissions of one form (a double click) do their
// work once within this process: the second waits for the first and shares
// its result. It is a shortcut: the guarantee is the key claimed in the
// ticket's own transaction (helpdesk.IdempotencyKey), which holds across
// processes and crashes. Results stay for a minute.
type once[T any] struct {
	mu    sync.Mutex
	calls map[string]*onceCall[T]
}

type onceCall[T any] struct {
	done    chan struct{}
	res     T
	err     error
	expires time.Time
}

func newOnce[T any]() *once[T] { return &once[T]{calls: map[string]*onceCall[T]{}} }

// do runs fn once per key; a concurrent or recent call with the same key
// returns the first call's result. A call that failed is forgotten, and
// its waiters run fn themselves: a browser that cancels the first of two
// clicks must not turn the second into an error page.
func (o *once[T]) do(ctx context.Context, key string, fn func() (T, error)) (T, error) {
	for {
		now := time.Now()
		o.mu.Lock()
		for k, c := range o.calls {
			if !c.expires.IsZero() && now.After(c.expires) {
				delete(o.calls, k)
			}
		}
		c, ok := o.calls[key]
		if !ok {
			c = &onceCall[T]{done: make(chan struct{})}
			o.calls[key] = c
			o.mu.Unlock()
			return o.run(key, c, fn)
		}
		o.mu.Unlock()
		select {
		case <-c.done:
			if c.err == nil {
				return c.res, nil
			}
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
}

func (o *once[T]) run(key string, c *onceCall[T], fn func() (T, error)) (T, error) {
	c.res, c.err = fn()
	o.mu.Lock()
	if c.err != nil {
		delete(o.calls, key)
	} else {
		c.expires = time.Now().Add(time.Minute)
	}
	o.mu.Unlock()
	close(c.done)
	return c.res, c.err
}
