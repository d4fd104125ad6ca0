package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// consoleRoutingRoutes is the agent's availability action.
func (s *Server) consoleRoutingRoutes(r chi.Router) {
	r.Post("/availability", s.h(s.consoleAvailability))
}

// consoleAvailability sets the agent's own availability; going away with
// "hand back" returns their unstarted tickets to their groups.
func (s *Server) consoleAvailability(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	a, err := helpdesk.ParseAvailability(r.PostForm.Get("availability"))
	if err != nil {
		return err
	}
	n, err := s.svc.SetAvailability(ctx, u.Actor(), a, r.PostForm.Get("handback") != "")
	if err != nil {
		return err
	}
	msg := l.T("routing.now_available")
	if a == helpdesk.Away {
		msg = l.T("routing.now_away", n)
	}
	s.flash(ctx, "success", msg)
	http.Redirect(w, r, tenantPath(t, "/agent/"), http.StatusSeeOther)
	return nil
}
