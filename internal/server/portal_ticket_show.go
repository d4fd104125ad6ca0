package server

import (
	"errors"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/portal"
)

func (s *Server) portalTicket(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	return s.renderTicketPage(w, r, http.StatusOK, n, portal.ReplyForm{})
}

// renderTicketPage shows ticket n as the customer may see it.
func (s *Server) renderTicketPage(w http.ResponseWriter, r *http.Request, status int, n helpdesk.TicketNumber, form portal.ReplyForm) error {
	tk, err := s.svc.Ticket(r.Context(), customer(r).Actor(), n)
	if err != nil {
		return err
	}
	vm, err := s.ticketPage(r, tk, form)
	if err != nil {
		return err
	}
	return s.render(w, r, status, portal.TicketShowPage(vm))
}

// portalTicketLive answers the ticket page's poll: 204 while the ticket is
// at the version the page shows, else the changed parts of the page. It is
// for htmx; a browser that opens it gets the ticket page.
func (s *Server) portalTicketLive(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	t := tenantFrom(r)
	if r.Header.Get("HX-Request") != "true" {
		http.Redirect(w, r, ticketPath(t, n, ""), http.StatusSeeOther)
		return nil
	}
	tk, err := s.svc.Ticket(r.Context(), customer(r).Actor(), n)
	if err != nil {
		return err
	}
	if strconv.Itoa(tk.Version) == r.URL.Query().Get("v") {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	vm, err := s.ticketPage(r, tk, portal.ReplyForm{})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, portal.TicketLiveUpdate(vm))
}

// ticketPage builds the page of ticket tk, which the domain returned as the
// customer may see it (on hold reads as open), with only the public
// comments of its timeline.
func (s *Server) ticketPage(r *http.Request, tk helpdesk.Ticket, form portal.ReplyForm) (portal.TicketPage, error) {
	t, u, l := tenantFrom(r), customer(r), s.lang(r)
	entries, err := s.svc.Timeline(r.Context(), u.Actor(), tk.Number)
	if err != nil {
		return portal.TicketPage{}, err
	}
	loc := tenantLocation(t)
	st := tk.Status.ForCustomer()
	vm := portal.TicketPage{
		Number:      tk.Number.String(),
		Subject:     tk.Subject,
		Status:      st.String(),
		Priority:    tk.Priority.String(),
		Assignee:    tk.AssigneeName,
		Created:     formatTime(l, loc, tk.CreatedAt),
		CreatedISO:  isoTime(tk.CreatedAt),
		Updated:     formatTime(l, loc, tk.UpdatedAt),
		UpdatedISO:  isoTime(tk.UpdatedAt),
		IsRequester: tk.Requester.User == u.ID,
		Version:     tk.Version,
		ListURL:     tenantPath(t, "/tickets"),
		ReplyURL:    ticketPath(t, tk.Number, "/reply"),
		ConfirmURL:  ticketPath(t, tk.Number, "/confirm"),
		LiveURL:     ticketPath(t, tk.Number, "/live?v="+strconv.Itoa(tk.Version)),
		Limits:      limitsText(l, attachmentLimits()),
		Reply:       form,
	}
	vm.Comments = customerComments(l, loc, entries, ticketPath(t, tk.Number, "/attachments/"))
	if vm.Satisfaction, err = s.satisfactionBlock(r, tk, vm.IsRequester, portal.RatingForm{}); err != nil {
		return portal.TicketPage{}, err
	}
	vm.Chrome = s.chrome(r, tk.Number.String()+" "+tk.Subject)
	return vm, nil
}

// portalReply adds the customer's public reply. The domain applies the
// lifecycle (a reply on Pendiente or Resuelto reopens; on Cerrado it opens
// a linked follow-up ticket). A stale version or refused input shows the
// page again with the reply as typed.
func (s *Server) portalReply(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), customer(r), s.lang(r)
	up, err := readUpload(w, r, attachmentLimits())
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderTicketPage(w, r, http.StatusUnprocessableEntity, n, portal.ReplyForm{Errors: errs})
	}
	form := portal.ReplyForm{Body: up.get("body")}
	if len(up.rejected) > 0 {
		// Nothing is saved with some files missing: the reply goes in whole
		// or not at all, and the page says which files to choose again.
		form.Errors = map[string]string{attachmentsField: leftOutMessage(l, "portal.reply.files_refused", up, "")}
		form.Rechoose = up.fileNames()
		return s.renderTicketPage(w, r, http.StatusUnprocessableEntity, n, form)
	}
	res, err := s.svc.Reply(ctx, u.Actor(), helpdesk.TicketVersion{Number: n, Version: formVersion(up.get("version"))}, helpdesk.ReplyInput{
		CommentInput: helpdesk.CommentInput{Body: up.get("body"), Channel: helpdesk.ChannelWeb, Attachments: up.files},
		Public:       true,
	})
	switch {
	case errors.Is(err, helpdesk.ErrConflict):
		form.Notice = l.T("portal.reply.conflict")
		form.Rechoose = up.fileNames()
		return s.renderTicketPage(w, r, http.StatusConflict, n, form)
	case err != nil:
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		form.Errors = errs
		form.Rechoose = up.fileNames()
		return s.renderTicketPage(w, r, http.StatusUnprocessableEntity, n, form)
	case res.FollowUp != nil:
		s.flash(ctx, "success", l.T("portal.reply.follow_up", res.FollowUp.Number.String(), n.String()))
		http.Redirect(w, r, ticketPath(t, res.FollowUp.Number, "/received"), http.StatusSeeOther)
		return nil
	}
	s.flash(ctx, "success", l.T("portal.reply.sent"))
	http.Redirect(w, r, ticketPath(t, n, ""), http.StatusSeeOther)
	return nil
}

// formVersion reads the hidden version field. A missing or malformed one
// is -1, which never matches, so a form without it cannot skip the
// conflict check (version 0 would).
func formVersion(s string) int {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return -1
	}
	return v
}

// portalConfirm is the requester accepting the solution: the ticket closes.
func (s *Server) portalConfirm(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), customer(r), s.lang(r)
	if err := parseForm(r); err != nil {
		if _, ok := fieldErrors(l, err); !ok {
			return err
		}
		// An unreadable form has no version: the domain refuses it below.
	}
	_, err = s.svc.ConfirmSolution(ctx, u.Actor(), helpdesk.TicketVersion{Number: n, Version: formVersion(r.PostForm.Get("version"))})
	switch {
	case err == nil:
		s.flash(ctx, "success", l.T("portal.confirm.done"))
	case errors.Is(err, helpdesk.ErrConflict):
		s.flash(ctx, "error", l.T("portal.confirm.conflict"))
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		s.flash(ctx, "error", l.T("portal.confirm.not_solved"))
	default:
		return err
	}
	http.Redirect(w, r, ticketPath(t, n, ""), http.StatusSeeOther)
	return nil
}

// portalAttachment serves a file of a ticket the customer may see.
func (s *Server) portalAttachment(w http.ResponseWriter, r *http.Request) error {
	return s.serveAttachment(w, r, customer(r).Actor())
}

// contentDisposition builds the header with the file's name, encoded per
// RFC 2231 when it is not plain ASCII; a name that cannot be encoded is
// left out.
func contentDisposition(kind, name string) string {
	if v := mime.FormatMediaType(kind, map[string]string{"filename": name}); v != "" {
		return v
	}
	return kind
}

// customerComments is the public conversation as a customer or guest reads
// it; attachments link under attachmentsBase (which ends in "/").
func customerComments(l i18n.Lang, loc *time.Location, entries []helpdesk.TimelineEntry, attachmentsBase string) []portal.CommentView {
	var out []portal.CommentView
	for _, e := range entries {
		c := e.Comment
		if c == nil || !c.VisibleToCustomer() {
			continue // the domain's customer scope has none; never show one anyway
		}
		cv := portal.CommentView{
			ID:     "c" + strconv.FormatInt(int64(c.ID), 10),
			Author: c.Author.Name,
			Staff:  c.Author.Kind.FromDesk(),
			At:     formatTime(l, loc, c.CreatedAt),
			AtISO:  isoTime(c.CreatedAt),
			Body:   c.Body,
		}
		for _, a := range c.Attachments {
			cv.Attachments = append(cv.Attachments, portal.AttachmentView{
				Name: a.Filename,
				URL:  attachmentsBase + strconv.FormatInt(int64(a.ID), 10),
				Size: formatBytes(l, a.Size),
			})
		}
		out = append(out, cv)
	}
	return out
}
