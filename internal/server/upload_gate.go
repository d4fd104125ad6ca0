package server

import (
	"net/http"
	"strconv"
	"time"
)

// maxConcurrentUploads bounds how many requests with files this process
// reads at once: each may buffer up to uploadBodyBytes.
const maxConcurrentUploads = 8

// Per-user allowances of the portal's writing routes: generous for people,
// tight enough that one account cannot fill the disk or the queue.
var (
	openTicketLimit = limit{30, time.Hour}
	replyLimit      = limit{120, time.Hour}
)

// uploadGate lets at most maxConcurrentUploads upload requests in at once;
// the others wait for a slot (bounded by the server's read timeout and the
// client going away).
func (s *Server) uploadGate(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		select {
		case s.uploads <- struct{}{}:
		case <-r.Context().Done():
			return r.Context().Err()
		}
		defer func() { <-s.uploads }()
		next.ServeHTTP(w, r)
		return nil
	})
}

// perUser counts one use of scope by the signed-in user and refuses past l.
// Only for routes behind a sign-in check.
func (s *Server) perUser(scope string, l limit) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.h(func(w http.ResponseWriter, r *http.Request) error {
			u, ok := userFrom(r)
			if !ok {
				return errNotFound
			}
			subject := strconv.FormatInt(int64(u.Tenant), 10) + ":" + strconv.FormatInt(int64(u.ID), 10)
			if err := s.allow(r.Context(), scope, subject, l); err != nil {
				return err
			}
			next.ServeHTTP(w, r)
			return nil
		})
	}
}
