package server

import (
	"net/http"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/console"
)

// consoleReply is the workspace form's submission ("Enviar como …" or
// "Actualizar"): the reply or internal note with its files, every field
// change and the time logged, applied by one helpdesk.Service.Update call
// (one transaction, one version). Fields the form did not send are left
// alone, so the older single-purpose posts (a reply alone) still work.
// "Actualizar" (op=update) changes fields only and refuses a typed reply
// rather than drop it.
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
	fields := readFieldsDraft(up)
	st := wsState{reply: draft, fields: &fields, seen: seen}
	if err := refusedFiles(up); err != nil {
		return s.written(w, r, at, err, "", st)
	}
	onlyFields := f.Get("op") == "update"
	if onlyFields && (strings.TrimSpace(draft.Body) != "" || len(up.files) > 0) {
		return s.written(w, r, at, &helpdesk.ValidationError{Fields: map[string]string{"body": "console.reply.op_update"}}, "", st)
	}
	in, err := workspaceChanges(up, fields, onlyFields)
	if err != nil {
		return s.written(w, r, at, err, "", st)
	}
	if !onlyFields {
		in.Comment = &helpdesk.ReplyInput{
			CommentInput: helpdesk.CommentInput{Body: draft.Body, Channel: helpdesk.ChannelWeb, Attachments: up.files},
			Public:       draft.Public,
			Signature:    true, // the agent's signature, if they set one, under public replies
		}
		if !in.HasComment() {
			// "Enviar" with nothing to send: the body is required, as always.
			return s.written(w, r, at, &helpdesk.ValidationError{Fields: map[string]string{"body": "error.required"}}, "", st)
		}
	}
	macro, err := s.replyMacro(r)
	if err != nil {
		return err
	}
	tk, err := s.svc.Update(r.Context(), agent(r).Actor(), at, in)
	if err == nil && !onlyFields {
		s.discardDraft(r, at.Number)
	}
	done := l.T("console.done.updated")
	switch {
	case onlyFields:
	case draft.Public:
		done = l.T("console.done.reply")
	default:
		done = l.T("console.done.note")
	}
	if in.Status != nil {
		done += " " + l.T("console.done.status", statusLabel(l, *in.Status))
	}
	if err == nil && macro != nil {
		return s.appliedMacro(w, r, tk, *macro, done)
	}
	return s.written(w, r, at, err, done, st)
}
