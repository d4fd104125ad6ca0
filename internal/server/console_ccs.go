package server

import (
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// ccsView fills the workspace's CC panel from the workspace read; a
// refused address comes back as typed with its error.
func ccsView(r *http.Request, ws helpdesk.Workspace, st wsState, vm *console.Workspace) {
	tk := ws.Ticket
	if tk.Status.Final() {
		return
	}
	vm.CCs = console.CCsForm{URL: consoleTicketPath(tenantFrom(r), tk.Number, "/ccs"), Addresses: ws.CCs,
		Value: st.cc, Error: st.errors["cc"]}
}

// consoleCCs adds an address to the ticket's CCs or removes one; CCs
// receive the public replies by mail.
func (s *Server) consoleCCs(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l, u := s.lang(r), agent(r)
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen}
	switch r.PostForm.Get("action") {
	case "add":
		st.cc = r.PostForm.Get("cc")
		_, err = s.svc.AddCC(r.Context(), u.Actor(), at, st.cc)
	case "remove":
		_, err = s.svc.RemoveCC(r.Context(), u.Actor(), at, r.PostForm.Get("address"))
	default:
		err = &helpdesk.ValidationError{Fields: map[string]string{"cc": "error.invalid"}}
	}
	return s.written(w, r, at, err, l.T("intake.ccs.done"), st)
}
