package server

import (
	"net/http"

	"github.com/atiende/atiende/web/portal"
)

func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) error {
	c := s.chrome(r, "")
	return s.render(w, r, http.StatusOK, portal.HomePage(portal.Home{Chrome: c}))
}
