package server

import (
	"net/http"
	"strconv"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// followersView fills the workspace's followers panel from the workspace
// read (its agents name the staff followers; anyone else is counted).
func followersView(r *http.Request, l i18n.Lang, ws helpdesk.Workspace, vm *console.Workspace) {
	tk, me := ws.Ticket, agent(r)
	if tk.Status.Final() {
		return
	}
	f := console.FollowersForm{URL: consoleTicketPath(tenantFrom(r), tk.Number, "/followers"), Following: tk.IsFollower(me.ID)}
	names := map[helpdesk.UserID]string{}
	for _, a := range ws.Agents {
		names[a.ID] = a.Name
	}
	for _, id := range tk.Followers {
		if n, ok := names[id]; ok {
			f.Names = append(f.Names, n)
		} else {
			f.Others++
		}
	}
	for _, a := range ws.Agents {
		if a.ID != me.ID && !tk.IsFollower(a.ID) {
			f.Agents = append(f.Agents, console.Option{Value: strconv.FormatInt(int64(a.ID), 10), Label: a.Name})
		}
	}
	vm.Followers = f
}

// consoleFollowers follows or unfollows the ticket, or adds an agent as a
// follower; followers get the ticket's notices.
func (s *Server) consoleFollowers(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l, u := s.lang(r), agent(r)
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen}
	done := l.T("console.followers.done")
	switch r.PostForm.Get("action") {
	case "follow_me":
		_, err = s.svc.Follow(r.Context(), u.Actor(), at, u.ID)
	case "unfollow_me":
		_, err = s.svc.Unfollow(r.Context(), u.Actor(), at, u.ID)
	case "add":
		_, err = s.svc.Follow(r.Context(), u.Actor(), at, helpdesk.UserID(optionalID(r.PostForm.Get("user"))))
	default:
		err = &helpdesk.ValidationError{Fields: map[string]string{"follower": "error.invalid"}}
	}
	return s.written(w, r, at, err, done, st)
}
