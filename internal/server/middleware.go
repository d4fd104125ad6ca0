package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/atiende/atiende/internal/helpdesk"
)

// maxBodyBytes bounds every request body; uploads will get their own,
// larger limit on their own routes.
const maxBodyBytes = 1 << 20

// maxDeclaredBody is the largest Content-Length worth reading at all.
const maxDeclaredBody = 4 * uploadBodyBytes

type ctxKey int

const (
	keyInfo ctxKey = iota
	keyTenant
	keyUser
	keySession
	keyRawBody
)

// requestInfo is filled in as the request travels inward, so the access log
// written on the way out knows the tenant.
type requestInfo struct {
	tenant string
	// keepDesk: the request changed nothing the desk and user caches
	// hold (see keepDeskCaches).
	keepDesk bool
}

// keepDeskCaches tells dropAfterChange that r, though a POST, changes
// nothing the desk and user caches hold: a new ticket (its rows, and
// counts and rollups, are not cached; a desk row it may touch, such as a
// group member's last assignment, still NOTIFYs every server). Without
// it every creation emptied its desk's caches, and at a few creations a
// second the desk's console pages and the next creation (its tenant by
// slug) read them all again.
func keepDeskCaches(r *http.Request) {
	if info, ok := r.Context().Value(keyInfo).(*requestInfo); ok {
		info.keepDesk = true
	}
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{}
		r = r.WithContext(context.WithValue(r.Context(), keyInfo, info))
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := routeOf(r)
		level := slog.LevelInfo
		if ww.Status() >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", middleware.GetReqID(r.Context())),
			slog.String("tenant", info.tenant),
			slog.String("method", r.Method),
			// The route pattern, never the raw path: paths may carry
			// bearer tokens (tracking and survey links).
			slog.String("route", route),
			slog.Int("status", ww.Status()),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		)
	})
}

func (s *Server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "request_id", middleware.GetReqID(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.serveError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// csp allows only our own scripts, styles and images: htmx runs with eval
// off, and no page has inline script or style.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		next.ServeHTTP(w, r)
	})
}

// limitBody caps every request body at n and paces it (bodyGuard). It
// keeps the uncapped body in the context so that withBodyLimit can give one
// route (an upload) a larger cap; a MaxBytesReader can only lower a limit,
// never raise it. A body announcing far more than any route accepts
// (maxDeclaredBody) is refused before a byte of it is read; one a little
// over a route's cap is read up to it, so that an upload form can keep its
// text and say which files to choose again.
func (s *Server) limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > maxDeclaredBody {
				s.serveError(w, r, &http.MaxBytesError{Limit: uploadBodyBytes})
				return
			}
			g := newBodyGuard(w, r)
			r = r.WithContext(context.WithValue(r.Context(), keyRawBody, io.ReadCloser(g)))
			r.Body = http.MaxBytesReader(w, g, n)
			next.ServeHTTP(w, r)
		})
	}
}

// withBodyLimit replaces the global body cap with n on one route.
func withBodyLimit(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if raw, ok := r.Context().Value(keyRawBody).(io.ReadCloser); ok {
				r.Body = http.MaxBytesReader(w, raw, n)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// resolveTenant turns the {tenant} path segment into the tenant; an unknown
// slug is a plain 404.
func (s *Server) resolveTenant(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		t, err := s.tenantBySlug(r.Context(), chi.URLParam(r, "tenant"))
		if err != nil {
			if known, ok := s.desks.get(chi.URLParam(r, "tenant")); ok && dbUnavailable(err) {
				// The 503 page in the desk's language and with its name.
				s.serveError(w, r.WithContext(context.WithValue(r.Context(), keyTenant, known)), err)
				return nil
			}
			return err
		}
		s.desks.put(t)
		if info, ok := r.Context().Value(keyInfo).(*requestInfo); ok {
			info.tenant = t.Slug
		}
		defer s.dropAfterChange(r, t.ID)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyTenant, t)))
		return nil
	})
}

// tenantFrom returns the tenant resolved for r. Only call it on routes under
// resolveTenant.
func tenantFrom(r *http.Request) helpdesk.Tenant {
	t, _ := r.Context().Value(keyTenant).(helpdesk.Tenant)
	return t
}

func hasTenant(r *http.Request) bool {
	_, ok := r.Context().Value(keyTenant).(helpdesk.Tenant)
	return ok
}

// userFrom returns the signed-in user of the request's tenant, if any.
func userFrom(r *http.Request) (helpdesk.User, bool) {
	u, ok := r.Context().Value(keyUser).(helpdesk.User)
	return u, ok
}

// requireStaff lets agents and admins through, sends signed-out visitors to
// the login page, and answers 404 to customers: the console does not exist
// for them.
func (s *Server) requireStaff(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		u, ok := userFrom(r)
		if !ok {
			t := tenantFrom(r)
			http.Redirect(w, r, tenantPath(t, "/login")+"?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		if !u.Role.IsStaff() {
			return errNotFound
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// markSession records that the session middleware ran, so error pages know
// whether they may read the flash.
func markSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keySession, true)))
	})
}
