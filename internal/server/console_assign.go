package server

import (
	"errors"
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// consoleAssign assigns the ticket to the agent ("me"), unassigns it
// ("nobody"), or assigns the group and agent picked in the workspace
// ("pick").
func (s *Server) consoleAssign(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l, u := s.lang(r), agent(r)
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen}
	var done string
	switch r.PostForm.Get("assignee") {
	case "me":
		me := u.ID
		_, err = s.svc.Assign(r.Context(), u.Actor(), at, helpdesk.Assignment{Agent: &me})
		done = l.T("console.done.took", at.Number.String())
	case "nobody":
		_, err = s.svc.Unassign(r.Context(), u.Actor(), at)
		done = l.T("console.done.unassigned")
	case "pick":
		// Group and agent as chosen; 0 means none. The domain checks the
		// agent belongs to the group and both to this desk.
		group, gerr := formID(r.PostForm.Get("group"))
		agentID, aerr := formID(r.PostForm.Get("agent"))
		if gerr != nil || aerr != nil {
			err = &helpdesk.ValidationError{Fields: map[string]string{"assignee": "error.invalid"}}
			break
		}
		g, a := helpdesk.GroupID(group), helpdesk.UserID(agentID)
		_, err = s.svc.Assign(r.Context(), u.Actor(), at, helpdesk.Assignment{Group: &g, Agent: &a})
		done = l.T("console.done.assigned")
	default:
		err = &helpdesk.ValidationError{Fields: map[string]string{"assignee": "error.invalid"}}
	}
	return s.written(w, r, at, err, done, st)
}

// consoleTake is "Asignarme" from a queue: it assigns the ticket to the
// agent and goes back to the list, with a flash either way.
func (s *Server) consoleTake(w http.ResponseWriter, r *http.Request) error {
	at, _, err := ticketForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	me := u.ID
	_, err = s.svc.Assign(ctx, u.Actor(), at, helpdesk.Assignment{Agent: &me})
	switch {
	case err == nil:
		s.flash(ctx, "success", l.T("console.done.took", at.Number.String()))
	case errors.Is(err, helpdesk.ErrConflict):
		s.flash(ctx, "error", l.T("console.take.conflict", at.Number.String()))
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		s.flash(ctx, "error", l.T("console.take.refused", at.Number.String()))
	default:
		if _, ok := fieldErrors(l, err); !ok {
			return err
		}
		s.flash(ctx, "error", l.T("console.take.refused", at.Number.String()))
	}
	next, ok := consoleNext(t, r.PostForm.Get("next"))
	if !ok {
		next = consoleTicketPath(t, at.Number, "")
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
