package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Bounds of the upload routes. Each upload may buffer up to
// uploadBodyBytes, so this process reads at most maxConcurrentUploads of
// them at once; but a slot is taken only once a body has sent
// uploadSlotAfter bytes, which bodyGuard makes it do at a working pace,
// so clients that trickle or stall never hold one.
const (
	maxConcurrentUploads = 8
	// maxUploadsPerClient bounds the uploads one client (a signed-in user,
	// or else an IP address) has in flight; more answer 429 at once.
	maxUploadsPerClient = 3
	// uploadSlotAfter is how much of a body is read before it needs a
	// slot; below it the memory held is small.
	uploadSlotAfter = 64 << 10
	// uploadSlotWait bounds the wait for a slot; then the upload is
	// refused with a 503 and Retry-After.
	uploadSlotWait = 30 * time.Second
)

// errUploadsBusy is an upload that found no slot within uploadSlotWait.
var errUploadsBusy = errors.New("upload slots busy")

// Per-user allowances of the portal's writing routes: generous for people,
// tight enough that one account cannot fill the disk or the queue.
var (
	openTicketLimit = limit{30, time.Hour}
	replyLimit      = limit{120, time.Hour}
)

// uploadClients counts each client's uploads in flight.
type uploadClients struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *uploadClients) take(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]int{}
	}
	if c.m[key] >= maxUploadsPerClient {
		return false
	}
	c.m[key]++
	return true
}

func (c *uploadClients) done(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[key]--; c.m[key] <= 0 {
		delete(c.m, key)
	}
}

// uploadClient names who is uploading: the API token, the signed-in
// user, else the IP.
func (s *Server) uploadClient(r *http.Request) string {
	if c, ok := r.Context().Value(apiCallKey{}).(*apiCall); ok {
		return "t:" + strconv.FormatInt(int64(c.tenant.ID), 10) + ":" + strconv.FormatInt(int64(c.token.ID), 10)
	}
	if u, ok := userFrom(r); ok {
		return "u:" + strconv.FormatInt(int64(u.Tenant), 10) + ":" + strconv.FormatInt(int64(u.ID), 10)
	}
	return "ip:" + s.clientIP(r)
}

// uploadGate applies the per-client limit at once and attaches the
// process-wide slot to the body, to be taken when the body has shown it
// flows (see bodyGuard). A refusal is an error page.
func (s *Server) uploadGate(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		return s.gateUpload(w, r, next)
	})
}

// gateUpload runs next under the upload limits (see uploadGate); a
// refusal is returned for the caller to answer in its own form (a page,
// or an API problem).
func (s *Server) gateUpload(w http.ResponseWriter, r *http.Request, next http.Handler) error {
	key := s.uploadClient(r)
	if !s.uploadClients.take(key) {
		return errTooManyUploads
	}
	defer s.uploadClients.done(key)
	held := false
	acquire := func(ctx context.Context) error {
		t := time.NewTimer(uploadSlotWait)
		defer t.Stop()
		select {
		case s.uploads <- struct{}{}:
			held = true
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return errUploadsBusy
		}
	}
	defer func() {
		if held {
			<-s.uploads
		}
	}()
	if g, ok := r.Context().Value(keyRawBody).(*bodyGuard); ok {
		g.needSlot(uploadSlotAfter, acquire)
	} else if err := acquire(r.Context()); err != nil {
		return err
	}
	next.ServeHTTP(w, r)
	return nil
}

// errTooManyUploads is a client over maxUploadsPerClient.
var errTooManyUploads = errors.New("too many uploads from one client")

// perUser counts one use of scope by the signed-in user and refuses past l.
// Only for routes behind a sign-in check.
func (s *Server) perUser(scope string, l limit) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.h(func(w http.ResponseWriter, r *http.Request) error {
			u, ok := userFrom(r)
			if !ok {
				return errNotFound
			}
			if err := s.allow(r.Context(), scope, userSubject(u), l); err != nil {
				return err
			}
			next.ServeHTTP(w, r)
			return nil
		})
	}
}

// perUserLeft refuses a signed-in user who has used up l for scope,
// without counting: the handler counts the use in the transaction of the
// work it allows (see userAllowance), and this check keeps a spent
// allowance from having its upload read at all.
func (s *Server) perUserLeft(scope string, l limit) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.h(func(w http.ResponseWriter, r *http.Request) error {
			u, ok := userFrom(r)
			if !ok {
				return errNotFound
			}
			spent, err := s.exhausted(r.Context(), scope, userSubject(u), l)
			if err != nil {
				return err
			}
			if spent {
				return fmt.Errorf("%s: %w", scope, helpdesk.ErrRateLimited)
			}
			next.ServeHTTP(w, r)
			return nil
		})
	}
}

// userSubject names a signed-in user in the rate limits.
func userSubject(u helpdesk.User) string {
	return strconv.FormatInt(int64(u.Tenant), 10) + ":" + strconv.FormatInt(int64(u.ID), 10)
}

// userAllowance is l for scope of user u, for the domain to count in the
// transaction of the work it allows.
func userAllowance(scope string, u helpdesk.User, l limit) helpdesk.Allowance {
	return helpdesk.Allowance{Key: rateKey(scope, userSubject(u)), Window: l.window, Limit: l.n}
}
