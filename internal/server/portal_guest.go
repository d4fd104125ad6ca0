package server

import "github.com/go-chi/chi/v5"

// portalGuestRoutes are the signed-out visitor's ticket pages (guest form, tracking links) under /{tenant}.
func (s *Server) portalGuestRoutes(r chi.Router) {}
