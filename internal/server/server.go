// Package server is Atiende's HTTP layer: the router, middleware, sessions
// and handlers of the landing page, the portal, the console and the health
// checks. Handlers decode input, call helpdesk.Service, and render web/ views;
// rules live in the domain.
package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/config"
	"github.com/atiende/atiende/internal/helpdesk"
)

// Server holds the dependencies of every handler.
type Server struct {
	log      *slog.Logger
	cfg      config.Config
	svc      *helpdesk.Service
	store    Store
	sessions *scs.SessionManager
	limits   limits
	uploads  chan struct{} // upload slots, see uploadGate
	// uploadClients counts each client's uploads in flight.
	uploadClients uploadClients
	now           func() time.Time
	router        chi.Router
	// changes counts ticket changes per tenant (live_hub.go).
	changes *changeHub
	// apiLimits counts API requests per token (see apiLimiter).
	apiLimits *apiLimiter
	// desks remembers the desks served, for the page shown while the
	// database is unreachable.
	desks knownDesks
	// deskCache keeps desks and their queue directories while the
	// listener vouches for them.
	deskCache *deskCache
	// userCache keeps the signed-in staff's user rows under the same
	// rules.
	userCache *userCache
}

// Deps are what New needs.
type Deps struct {
	Log     *slog.Logger
	Config  config.Config
	Service *helpdesk.Service
	// Store is the database below the domain: rate limits, readiness,
	// ticket-change notifications and sessions (cmd/atiende passes
	// *postgres.Store).
	Store Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// New builds the server and its routes.
func New(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{log: d.Log, cfg: d.Config, svc: d.Service, store: d.Store, now: d.Now, limits: defaultLimits,
		uploads: make(chan struct{}, maxConcurrentUploads), changes: newChangeHub(), apiLimits: newAPILimiter(), deskCache: newDeskCache(),
		userCache: newUserCache()}
	s.sessions = newSessionManager(d.Store.Sessions(), d.Config.Secure())
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.serveError(w, r, err) }
	s.router = s.routes()
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Router exposes the route table, for tests that walk every route.
func (s *Server) Router() chi.Routes { return s.router }

// HTTPServer returns an http.Server with Atiende's timeouts.
func (s *Server) HTTPServer(ctx context.Context) *http.Server {
	return &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		// The outer bound of a request; bodies are paced more tightly by
		// bodyGuard's per-read deadlines, and ReadHeaderTimeout cuts
		// slow-header clients short.
		ReadTimeout:    90 * time.Second,
		WriteTimeout:   90 * time.Second,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelError),
		BaseContext:    func(net.Listener) context.Context { return ctx },
	}
}
