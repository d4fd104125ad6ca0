package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
	"github.com/atiende/atiende/web/layout"
)

// Live updates of the console, through Postgres only (the app servers keep
// no state, so two of them behave as one):
//
//   - the workspace polls POST …/tickets/{number}/presence every 10 s (and
//     when the agent pauses typing): it reports the agent there, typing or
//     not, saves their reply box as a draft when it changed, and answers
//     with who else is on the ticket, plus a notice when the ticket is at a
//     newer version than the page;
//   - the queue polls GET …/views/{view}/live every 20 s with the page's
//     filters and a fingerprint of its rows: nothing changed is a 204; a
//     change replaces the list on the first page, or shows a notice on a
//     later page or while tickets are selected.

// liveWorkspace fills the live part of a workspace: the others on the
// ticket and, when the page is a plain load, the agent's saved draft in the
// reply box. Opening the workspace recorded the agent there.
func (s *Server) liveWorkspace(r *http.Request, ws helpdesk.Workspace, st wsState, vm *console.Workspace) {
	t, l := tenantFrom(r), s.lang(r)
	tk := ws.Ticket
	// A re-rendered form (a refusal, a conflict) carries what the agent
	// submitted; only a fresh page takes the saved draft.
	fresh := r.Method == http.MethodGet && st.reply.Body == "" && !tk.Status.Final()
	vm.Live = console.WorkspaceLive{
		L:           l,
		PresenceURL: consoleTicketPath(t, tk.Number, "/presence"),
		Version:     tk.Version,
		Seen:        vm.Seen,
		Others:      presenceLines(ws.Others),
		ReloadURL:   consoleTicketPath(t, tk.Number, ""),
	}
	if fresh && ws.Draft != nil {
		vm.Reply.Body, vm.Reply.Public = ws.Draft.Body, ws.Draft.Public
		vm.Live.DraftSaved = true
	}
}

func presenceLines(ps []helpdesk.Presence) []console.PresenceLine {
	out := make([]console.PresenceLine, 0, len(ps))
	for _, p := range ps {
		out = append(out, console.PresenceLine{Name: p.Name, Typing: p.Typing})
	}
	return out
}

// consolePresence is the workspace's poll. Form fields: version and seen
// (the ticket as the page loaded it), typing ("1" while the reply box has
// text), and, when the box changed since the last poll, draft (its text;
// empty discards the draft) and public ("0" for an internal note).
func (s *Server) consolePresence(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	f := r.PostForm
	var seen time.Time
	if us, err := strconv.ParseInt(f.Get("seen"), 10, 64); err == nil && us > 0 {
		seen = time.UnixMicro(us)
	}
	hb := helpdesk.Heartbeat{Number: n, Typing: f.Get("typing") == "1"}
	if _, ok := f["draft"]; ok {
		hb.Draft = &helpdesk.DraftInput{Body: f.Get("draft"), Public: f.Get("public") != "0", Since: seen}
	}
	res, err := s.svc.Heartbeat(ctx, u.Actor(), hb)
	var invalid *helpdesk.ValidationError
	if errors.As(err, &invalid) && hb.Draft != nil {
		// A draft too big to keep (console.js does not send one): the
		// presence still counts, and the last draft that fit stays.
		hb.Draft = nil
		res, err = s.svc.Heartbeat(ctx, u.Actor(), hb)
	}
	if err != nil {
		return err
	}
	version := formVersion(f.Get("version"))
	lv := console.WorkspaceLive{
		L:         l,
		Others:    presenceLines(res.Others),
		Changed:   version > 0 && res.Ticket.Version > version,
		ReloadURL: consoleTicketPath(t, n, ""),
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.render(w, r, http.StatusOK, console.PresenceAnswer(lv))
}

// discardDraft deletes the agent's draft on ticket n once their reply is
// sent. The reply stands whatever happens here: a failure is logged, and a
// stale draft is at worst offered again in the box.
func (s *Server) discardDraft(r *http.Request, n helpdesk.TicketNumber) {
	if err := s.svc.DiscardDraft(r.Context(), agent(r).Actor(), n); err != nil {
		s.log.ErrorContext(r.Context(), "discard draft", "ticket", int64(n), "err", err)
	}
}

// consoleQueueLive is the queue's poll: the list of view v as its page
// would show it now. Parameters: those of the page (filters, sort, after),
// fp (the fingerprint of the rows the page shows) and ticket (the selected
// checkboxes). Parameters that do not parse leave the page alone (204), as
// does an unchanged list.
func (s *Server) consoleQueueLive(w http.ResponseWriter, r *http.Request) error {
	v, err := s.resolveView(r, chi.URLParam(r, "view"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	loc := tenantLocation(t)
	qs := r.URL.Query()
	w.Header().Set("Cache-Control", "no-store")
	// Nothing of the desk changed since the page's token: answered from
	// memory, no query. The token is read before the list, so a change
	// made while the list is read shows at the next poll.
	if s.changes.unchanged(t.ID, qs.Get("since")) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	since := s.changes.token(t.ID)
	p := readQueueParams(qs)
	q, bad, empty := parseQueue(l, loc, v, &p)
	if len(bad) > 0 {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	var page helpdesk.TicketPage
	if !empty {
		page, err = s.svc.Tickets(ctx, u.Actor(), q)
		if err != nil {
			if _, ok := fieldErrors(l, err); ok {
				w.WriteHeader(http.StatusNoContent)
				return nil
			}
			return err
		}
	}
	vm := queueModel(l, loc, s.now(), t, v, p, page)
	vm.Frame = console.Frame{Chrome: layout.Chrome{L: l, Area: layout.AreaConsole}}
	vm.Since = since
	if console.QueueFingerprint(vm.Rows, vm.NextURL) == qs.Get("fp") {
		if since == "" || since == qs.Get("since") {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		// The desk changed but not this list: renew the token alone.
		w.Header().Set("HX-Reswap", "none")
		return s.render(w, r, http.StatusOK, console.QueueSince(since, true))
	}
	why := ""
	switch {
	case p.after != "":
		why = console.QueueChangedLater
	case len(qs["ticket"]) > 0:
		why = console.QueueChangedSelected
	}
	if why != "" {
		// Leave the list as the agent has it: only the notice changes. The
		// token stays, so the list is compared again at the next poll.
		w.Header().Set("HX-Reswap", "none")
		return s.render(w, r, http.StatusOK, console.QueueNotice(l, why, vm.Return, true))
	}
	return s.render(w, r, http.StatusOK, console.QueueLiveAnswer(vm))
}
