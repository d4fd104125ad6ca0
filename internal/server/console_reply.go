package server

import (
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// consoleReply adds a public reply or an internal note, and optionally
// leaves the ticket in another status ("submit as Pendiente").
func (s *Server) consoleReply(w http.ResponseWriter, r *http.Request) error {
	up, err := readReplyForm(w, r)
	if err != nil {
		return err
	}
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	l := s.lang(r)
	f := r.PostForm
	draft := console.ReplyDraft{Body: f.Get("body"), Public: f.Get("visibility") != "internal", SubmitAs: f.Get("status"), Rechoose: up.fileNames()}
	st := wsState{reply: draft, seen: seen}
	if err := refusedFiles(up); err != nil {
		return s.written(w, r, at, err, "", st)
	}
	var status helpdesk.Status
	if draft.SubmitAs != "" {
		if status, err = helpdesk.ParseStatus(draft.SubmitAs); err != nil {
			return s.written(w, r, at, err, "", st)
		}
	}
	if v := f.Get("visibility"); v != "public" && v != "internal" {
		return s.written(w, r, at, &helpdesk.ValidationError{Fields: map[string]string{"visibility": "error.invalid"}}, "", st)
	}
	macro, err := s.replyMacro(r)
	if err != nil {
		return err
	}
	res, err := s.svc.Reply(r.Context(), agent(r).Actor(), at, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: draft.Body, Channel: helpdesk.ChannelWeb, Attachments: up.files},
		Public:       draft.Public,
		Status:       status,
		Signature:    true, // the agent's signature, if they set one, under public replies
	})
	if err == nil {
		s.discardDraft(r, at.Number)
	}
	done := l.T("console.done.reply")
	if !draft.Public {
		done = l.T("console.done.note")
	}
	if status != "" {
		done += " " + l.T("console.done.status", statusLabel(l, status))
	}
	if err == nil && macro != nil {
		return s.appliedMacro(w, r, res.Ticket, *macro, done)
	}
	return s.written(w, r, at, err, done, st)
}
