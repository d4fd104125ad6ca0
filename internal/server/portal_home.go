package server

import (
	"net/http"

	"github.com/atiende/atiende/web/portal"
)

func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) error {
	c := s.chrome(r, "")
	vm := portal.Home{Chrome: c}
	t := tenantFrom(r)
	on, err := s.svc.HelpCentreOn(r.Context(), t.ID)
	if err != nil {
		return err
	}
	if on {
		vm.HelpURL = tenantPath(t, "/help")
	}
	return s.render(w, r, http.StatusOK, portal.HomePage(vm))
}
