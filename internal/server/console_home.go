package server

import (
	"net/http"

	"github.com/atiende/atiende/web/console"
	"github.com/atiende/atiende/web/layout"
)

func (s *Server) consoleHome(w http.ResponseWriter, r *http.Request) error {
	l := s.lang(r)
	c := s.chrome(r, l.T("console.title"))
	c.Area = layout.AreaConsole
	t := tenantFrom(r)
	views := []console.View{
		{Name: l.T("view.mine"), URL: tenantPath(t, "/agent/"), Current: true},
		{Name: l.T("view.unassigned"), URL: tenantPath(t, "/agent/")},
		{Name: l.T("view.pending"), URL: tenantPath(t, "/agent/")},
		{Name: l.T("view.all"), URL: tenantPath(t, "/agent/")},
	}
	return s.render(w, r, http.StatusOK, console.ShellPage(console.Shell{Chrome: c, Views: views}))
}
