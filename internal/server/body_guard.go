package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

// Pace of a request body. A client that stops sending, or sends slower
// than a phone on a poor line, is dropped within seconds instead of
// holding its connection (and, for an upload, a slot) for the whole read
// timeout.
const (
	// bodyIdle is the longest wait for the next bytes of a body.
	bodyIdle = 5 * time.Second
	// bodyGrace is how long a body may start slowly before its average
	// rate counts.
	bodyGrace = 3 * time.Second
	// minBodyRate is the least average rate, in bytes per second, of a
	// body after bodyGrace: 1 KiB/s, far below any working connection.
	minBodyRate = 1 << 10
	// bodyTimeout bounds a whole body, as the server's ReadTimeout did
	// before the per-read deadlines replaced it.
	bodyTimeout = 90 * time.Second
)

// errSlowBody is a body that stalled or arrived below minBodyRate;
// errClientAborted one whose client closed the connection halfway.
var (
	errSlowBody      = errors.New("request body too slow")
	errClientAborted = errors.New("client closed the connection during the body")
)

// bodyGuard wraps a request body: each read gets a deadline bodyIdle
// ahead, the average rate is checked after bodyGrace, and an upload route
// may attach a slot that is taken only once the body has proved to flow
// (see uploadGate). Time spent waiting for that slot is not the client's
// and does not count against its rate.
type bodyGuard struct {
	body  io.ReadCloser
	rc    *http.ResponseController
	ctx   context.Context
	start time.Time
	now   func() time.Time

	mu     sync.Mutex
	n      int64
	waited time.Duration
	err    error // sticky: once slow, always slow
	// slot, when set, is acquired before reading past slotAfter bytes.
	slot      func(context.Context) error
	slotAfter int64
}

func newBodyGuard(w http.ResponseWriter, r *http.Request) *bodyGuard {
	return &bodyGuard{body: r.Body, rc: http.NewResponseController(w), ctx: r.Context(), start: time.Now(), now: time.Now}
}

// needSlot makes reads past after bytes wait for acquire first.
func (g *bodyGuard) needSlot(after int64, acquire func(context.Context) error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.slotAfter, g.slot = after, acquire
}

func (g *bodyGuard) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return 0, g.err
	}
	if g.slot != nil && g.n >= g.slotAfter {
		t0 := g.now()
		err := g.slot(g.ctx)
		g.waited += g.now().Sub(t0)
		g.slot = nil
		if err != nil {
			g.err = err
			return 0, err
		}
	}
	deadline := g.now().Add(bodyIdle)
	if end := g.start.Add(bodyTimeout + g.waited); end.Before(deadline) {
		deadline = end
	}
	// Not every writer supports deadlines (a test recorder); the server's
	// own ReadTimeout still bounds those.
	_ = g.rc.SetReadDeadline(deadline)
	k, err := g.body.Read(p)
	g.n += int64(k)
	switch {
	case isTimeout(err):
		g.err = errSlowBody
		return k, g.err
	case errors.Is(err, io.ErrUnexpectedEOF):
		g.err = errClientAborted
		return k, g.err
	}
	if err == nil {
		if busy := g.now().Sub(g.start) - g.waited; busy > bodyGrace && g.n < int64(busy.Seconds()*minBodyRate) {
			g.err = errSlowBody
			return k, g.err
		}
	}
	return k, err
}

func (g *bodyGuard) Close() error { return g.body.Close() }

// failed is the guard's own error, if it cut the body short.
func (g *bodyGuard) failed() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return err != nil && errors.As(err, &t) && t.Timeout()
}

// clientGone reports whether the request ended because its client went
// away (closed the connection, gave up waiting), which is not a server
// error: it is logged as 499, the status nginx made up for it.
func clientGone(r *http.Request, err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, errClientAborted) || r.Context().Err() != nil
}

// statusClientClosed is nginx's "client closed request".
const statusClientClosed = 499
