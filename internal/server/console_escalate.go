package server

import (
	"net/http"
	"strconv"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// escalateView fills the workspace's "Escalar" form: the groups the
// domain allows this agent to escalate to, as typed after a refusal.
func escalateView(r *http.Request, l i18n.Lang, ws helpdesk.Workspace, st wsState, vm *console.Workspace) {
	tk := ws.Ticket
	f := st.escalate
	f.URL = consoleTicketPath(tenantFrom(r), tk.Number, "/escalate")
	for _, tg := range helpdesk.EscalationTargets(agent(r).Actor(), tk, ws.Groups) {
		label := l.T("console.escalate.target", tg.Group.Name, tg.Group.Tier)
		if tg.Override {
			label = l.T("console.escalate.override", label)
		}
		f.Targets = append(f.Targets, console.Option{Value: strconv.FormatInt(int64(tg.Group.ID), 10), Label: label})
	}
	vm.Escalate = f
}

// consoleEscalate escalates the ticket with a reason (one update: the
// escalated event and the reason as an internal note). A refusal shows
// the workspace again with the form as typed.
func (s *Server) consoleEscalate(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l, f := s.lang(r), r.PostForm
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen,
		escalate: console.EscalateForm{Group: f.Get("group"), Reason: f.Get("reason")}}
	to := helpdesk.GroupID(optionalID(f.Get("group")))
	_, err = s.svc.EscalateWithReason(r.Context(), agent(r).Actor(), at, helpdesk.Escalation{To: to, Reason: f.Get("reason")})
	if errs, ok := fieldErrors(l, err); ok {
		st.escalate.Errors = errs
	}
	return s.written(w, r, at, err, l.T("console.escalate.done"), st)
}
