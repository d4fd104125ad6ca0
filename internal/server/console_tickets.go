package server

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// consoleTicketRoutes are the console's pages under /{tenant}/agent; the
// group already requires a staff session of the tenant. Every write carries
// the version of the ticket the agent saw, so nobody overwrites a change
// they have not seen.
func (s *Server) consoleTicketRoutes(r chi.Router) {
	r.Get("/views/{view}", s.h(s.consoleView))
	r.Get("/counts", s.h(s.consoleCounts))
	r.Post("/bulk", s.h(s.consoleBulk))
	r.Get("/tickets/{number}", s.h(s.consoleTicket))
	r.With(withBodyLimit(uploadBodyBytes), s.uploadGate).Post("/tickets/{number}/reply", s.h(s.consoleReply))
	r.Post("/tickets/{number}/assign", s.h(s.consoleAssign))
	r.Post("/tickets/{number}/take", s.h(s.consoleTake))
	r.Post("/tickets/{number}/relate", s.h(s.consoleRelate))
	r.Post("/tickets/{number}/escalate", s.h(s.consoleEscalate))
	r.Post("/tickets/{number}/followers", s.h(s.consoleFollowers))
	r.Post("/tickets/{number}/ccs", s.h(s.consoleCCs))
	r.Post("/density", s.h(s.consoleDensity))
	r.Get("/tickets/{number}/attachments/{id}", s.h(s.consoleAttachment))
	r.Post("/tickets/{number}/presence", s.h(s.consolePresence))
	r.Get("/views/{view}/live", s.h(s.consoleQueueLive))
	s.consoleMacroRoutes(r)
	s.consoleSavedViewRoutes(r)
	s.consoleProfileRoutes(r)
	s.consoleNewTicketRoutes(r)
	s.consoleTimeReportRoutes(r)
}

// consoleTicketPath is the console path of ticket n, plus suffix.
func consoleTicketPath(t helpdesk.Tenant, n helpdesk.TicketNumber, suffix string) string {
	return tenantPath(t, "/agent/tickets/"+strconv.FormatInt(int64(n), 10)+suffix)
}

// ticketForm reads a workspace form: the ticket number, the version the
// agent saw and when they had loaded it.
func ticketForm(r *http.Request) (helpdesk.TicketVersion, time.Time, error) {
	n, err := ticketNumber(r)
	if err != nil {
		return helpdesk.TicketVersion{}, time.Time{}, err
	}
	if err := parseForm(r); err != nil {
		return helpdesk.TicketVersion{}, time.Time{}, err
	}
	var seen time.Time
	if us, err := strconv.ParseInt(r.PostForm.Get("seen"), 10, 64); err == nil && us > 0 {
		seen = time.UnixMicro(us)
	}
	return helpdesk.TicketVersion{Number: n, Version: formVersion(r.PostForm.Get("version"))}, seen, nil
}

// written finishes a workspace write: success redirects to the ticket with
// a flash (post/redirect/get); a stale version shows the ticket again at
// 409 with what changed since the agent loaded it and their draft; a
// refused change shows it again with the reason.
func (s *Server) written(w http.ResponseWriter, r *http.Request, at helpdesk.TicketVersion, err error, done string, st wsState) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	switch {
	case err == nil:
		s.flash(ctx, "success", done)
		http.Redirect(w, r, consoleTicketPath(t, at.Number, ""), http.StatusSeeOther)
		return nil
	case errors.Is(err, helpdesk.ErrConflict):
		st.status = http.StatusConflict
		st.notice = &console.Notice{Title: l.T("console.conflict.title"), Message: l.T("console.conflict.message")}
	case errors.Is(err, helpdesk.ErrTicketClosed):
		st.status = http.StatusConflict
		st.notice = &console.Notice{Title: l.T("console.refused.title"), Message: l.T("console.refused.closed")}
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		st.status = http.StatusUnprocessableEntity
		st.notice = &console.Notice{Title: l.T("console.refused.title"), Message: l.T("console.refused.transition")}
	default:
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		st.status = http.StatusUnprocessableEntity
		st.errors = errs
		fields := make([]string, 0, len(errs))
		for f := range errs {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		msgs := make([]string, 0, len(errs))
		for _, f := range fields {
			msgs = append(msgs, errs[f])
		}
		st.notice = &console.Notice{Title: l.T("console.refused.title"), Message: strings.Join(msgs, " ")}
	}
	return s.renderWorkspace(w, r, at.Number, st)
}

// consoleNext accepts a return path only inside this tenant's console.
func consoleNext(t helpdesk.Tenant, next string) (string, bool) {
	p, ok := localNext(t, next)
	if !ok || !strings.HasPrefix(p, tenantPath(t, "/agent/")) {
		return "", false
	}
	return p, true
}

// consoleAttachment serves a file of a ticket to staff.
func (s *Server) consoleAttachment(w http.ResponseWriter, r *http.Request) error {
	return s.serveAttachment(w, r, agent(r).Actor())
}

// formID reads an optional id from a select: "" is 0, anything else must be
// a positive number.
func formID(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("invalid id %q", v)
	}
	return id, nil
}
