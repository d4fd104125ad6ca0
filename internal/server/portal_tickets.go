package server

import "github.com/go-chi/chi/v5"

// portalTicketRoutes are the customer portal's ticket pages under /{tenant}.
func (s *Server) portalTicketRoutes(r chi.Router) {}
