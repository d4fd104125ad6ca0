package server

import "github.com/go-chi/chi/v5"

// portalAccountRoutes are the customer's account pages (profile, password, sessions) under /{tenant}.
func (s *Server) portalAccountRoutes(r chi.Router) {}
