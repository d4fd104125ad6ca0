package server

import "github.com/go-chi/chi/v5"

// portalSatisfactionRoutes are the satisfaction (CSAT) rating pages under /{tenant}.
func (s *Server) portalSatisfactionRoutes(r chi.Router) {}
