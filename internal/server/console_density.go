package server

import (
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// sessDensity keeps the agent's queue density in their session: the
// column (users.queue_density) remembers it across devices, the session
// spares every queue page a read of it.
const sessDensity = "queue_density"

// densityView sets the queue's density: from the session, else read once
// from the agent's account. A failed read shows comfortable rows rather
// than no queue.
func (s *Server) densityView(r *http.Request, vm *console.Queue) {
	ctx := r.Context()
	d := helpdesk.QueueDensity(s.sessions.GetString(ctx, sessDensity))
	if d == "" {
		var err error
		if d, err = s.svc.QueueDensity(ctx, agent(r).Actor()); err != nil {
			s.log.WarnContext(ctx, "queue density", "err", err)
			d = helpdesk.DensityComfortable
		} else {
			s.sessions.Put(ctx, sessDensity, string(d))
		}
	}
	vm.Density = string(d)
	vm.DensityURL = tenantPath(tenantFrom(r), "/agent/density")
}

// consoleDensity remembers the agent's queue density and goes back to the
// queue they were on.
func (s *Server) consoleDensity(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx, t, l := r.Context(), tenantFrom(r), s.lang(r)
	next, ok := consoleNext(t, r.PostForm.Get("next"))
	if !ok {
		next = tenantPath(t, "/agent/")
	}
	d := helpdesk.QueueDensity(r.PostForm.Get("density"))
	if err := s.svc.SetQueueDensity(ctx, agent(r).Actor(), d); err != nil {
		if _, ok := fieldErrors(l, err); !ok {
			return err
		}
		s.flash(ctx, "error", l.T("intake.density.refused"))
	} else {
		s.sessions.Put(ctx, sessDensity, string(d))
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
