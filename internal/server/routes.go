package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/atiende/atiende/web"
)

// routes is the whole route table. Every route under /{tenant} is covered
// by the isolation test, which fails for a route it cannot classify.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.logRequests, s.recoverPanic, securityHeaders, s.limitBody(maxBodyBytes), s.inputGate)
	r.NotFound(s.h(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.h(func(w http.ResponseWriter, r *http.Request) error { return errMethodNotAllowed }))

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	static := http.StripPrefix("/static", web.StaticHandler())
	r.Get("/static/*", static.ServeHTTP)
	r.Head("/static/*", static.ServeHTTP)
	r.Get("/robots.txt", robots)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(s.h(func(w http.ResponseWriter, r *http.Request) error { return errCrossOrigin }))

	// The JSON API: bearer tokens, no session, no cookies.
	r.Route("/{tenant}/api/v1", s.apiRoutes)

	r.Group(func(r chi.Router) {
		r.Use(csrf.Handler, s.sessions.LoadAndSave, markSession)
		r.Get("/", s.h(s.landing))
		r.Post("/", s.h(s.createDesk))
		r.Post("/lang", s.h(s.switchLanguage))

		r.Route("/{tenant}", func(r chi.Router) {
			r.Use(s.resolveTenant, s.loadUser)
			// Portal.
			r.Get("/", s.h(s.portalHome))
			r.Get("/login", s.h(s.loginForm))
			r.Post("/login", s.h(s.login))
			r.Post("/logout", s.h(s.logout))
			r.Get("/signup", s.h(s.signupForm))
			r.Post("/signup", s.h(s.signup))
			s.authResetRoutes(r)
			s.authSessionRoutes(r)
			s.authTwoFactorRoutes(r)
			s.authSSORoutes(r)
			s.portalTicketRoutes(r)
			s.portalAccountRoutes(r)
			s.portalSatisfactionRoutes(r)
			s.portalGuestRoutes(r)
			s.portalHelpRoutes(r)
			s.invitationRoutes(r)
			s.brandingRoutes(r)
			// Console: agents and admins only.
			r.Route("/agent", func(r chi.Router) {
				r.Use(s.requireStaff)
				r.Get("/", s.h(s.consoleHome))
				s.consoleTicketRoutes(r)
				s.consoleRoutingRoutes(r)
				s.consoleReportRoutes(r)
				s.consoleKBRoutes(r)
			})
			// Admin pages: admins only.
			r.Route("/admin", s.adminRoutes)
		})
	})
	return r
}

func robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// Help desks are private: nothing here is for search engines but the
	// landing page and each desk's help centre and sitemap (see
	// docs/knowledge-base.md). Wildcards are understood by the major
	// crawlers; the longest matching rule wins over "Disallow: /".
	_, _ = w.Write([]byte(robotsTxt))
}

const robotsTxt = "User-agent: *\nAllow: /$\nAllow: /*/help$\nAllow: /*/help/\nAllow: /*/sitemap.xml$\n" +
	"Disallow: /*/help/suggest\nDisallow: /*/help/search\nDisallow: /\n"
