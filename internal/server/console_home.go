package server

import "net/http"

// consoleHome is the console's start page, /{tenant}/agent/: the default
// view ("Mis tickets abiertos").
func (s *Server) consoleHome(w http.ResponseWriter, r *http.Request) error {
	v, _ := findView(defaultView)
	return s.renderQueue(w, r, v, viewForm{}, nil)
}
