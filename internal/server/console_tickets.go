package server

import "github.com/go-chi/chi/v5"

// consoleTicketRoutes are the console's ticket pages under /{tenant}/agent.
func (s *Server) consoleTicketRoutes(r chi.Router) {}
