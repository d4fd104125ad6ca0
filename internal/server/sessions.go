package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Session keys. A session proves identity for exactly one tenant.
const (
	sessTenant   = "tenant_id"
	sessUser     = "user_id"
	sessLastSeen = "last_seen"
	sessEpoch    = "epoch" // the user's SessionEpoch at sign-in
	sessFlash    = "flash"
	sessFlashErr = "flash_kind"
)

const (
	sessionLifetime = 12 * time.Hour
	// sessionIdle ends a session nobody used for this long. scs's own
	// IdleTimeout would rewrite the session row on every request; we
	// refresh last_seen at most every sessionTouch instead.
	sessionIdle  = 2 * time.Hour
	sessionTouch = 5 * time.Minute
)

func newSessionManager(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = sessionLifetime
	sm.HashTokenInStore = true
	sm.Cookie.Name = "atiende_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false
	sm.Codec = SessionCodec{}
	return sm
}

// loadUser puts the signed-in user in the context when the session belongs
// to this request's tenant and the user may still sign in. A session of
// another tenant is ignored: for this tenant the visitor is signed out.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		t := tenantFrom(r)
		if s.sessions.GetInt64(ctx, sessTenant) != int64(t.ID) {
			next.ServeHTTP(w, r)
			return nil
		}
		last := time.Unix(s.sessions.GetInt64(ctx, sessLastSeen), 0)
		now := s.now()
		if now.Sub(last) > sessionIdle {
			return s.endSession(w, r, next)
		}
		u, err := s.sessionUser(ctx, t.ID, helpdesk.UserID(s.sessions.GetInt64(ctx, sessUser)))
		if errors.Is(err, helpdesk.ErrNotFound) || (err == nil && (!u.Active || s.sessions.GetInt(ctx, sessEpoch) != u.SessionEpoch)) {
			// Gone, disabled, or signed out everywhere since.
			return s.endSession(w, r, next)
		}
		if err != nil {
			return err
		}
		if now.Sub(last) > sessionTouch {
			s.sessions.Put(ctx, sessLastSeen, now.Unix())
			if err := s.svc.TouchSession(ctx, t.ID, s.storeKey(r)); err != nil {
				return err
			}
		}
		if s.heldForEnrolment(r) {
			http.Redirect(w, r, tenantPath(t, "/account/2fa"), http.StatusSeeOther)
			return nil
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, keyUser, u)))
		return nil
	})
}

// endSession destroys a session that may no longer be used and continues
// as a signed-out visitor.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, next http.Handler) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	next.ServeHTTP(w, r)
	return nil
}

// signIn binds the session to u's tenant under a fresh token (no session
// fixation).
func (s *Server) signIn(ctx context.Context, u helpdesk.User) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessTenant, int64(u.Tenant))
	s.sessions.Put(ctx, sessUser, int64(u.ID))
	s.sessions.Put(ctx, sessLastSeen, s.now().Unix())
	s.sessions.Put(ctx, sessEpoch, u.SessionEpoch)
	return nil
}

func (s *Server) flash(ctx context.Context, kind, msg string) {
	s.sessions.Put(ctx, sessFlash, msg)
	s.sessions.Put(ctx, sessFlashErr, kind)
}

// tenantPath returns the path p inside tenant t's URL space.
func tenantPath(t helpdesk.Tenant, p string) string { return "/" + t.Slug + p }

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localNext accepts a post-login destination only when it is a path inside
// the same tenant, so the login form cannot be used as an open redirect.
func localNext(t helpdesk.Tenant, next string) (string, bool) {
	prefix := "/" + t.Slug + "/"
	if !strings.HasPrefix(next, prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "", false
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" {
		return "", false
	}
	return next, true
}
