package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/portal"
	"github.com/go-chi/chi/v5"
)

// trackPath is the path of a tracking link's page, plus suffix.
func trackPath(t helpdesk.Tenant, token, suffix string) string {
	return tenantPath(t, "/track/"+token+suffix)
}

// noReferrer keeps a page's URL, which carries a bearer token (tracking or
// survey link), out of the Referer header of anything the page links to.
// Logs never print raw paths (see logRequests).
func noReferrer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// token reads the {token} path parameter, which the domain checks.
func token(r *http.Request) string { return chi.URLParam(r, "token") }

func (s *Server) guestTrack(w http.ResponseWriter, r *http.Request) error {
	return s.renderGuestTrack(w, r, http.StatusOK, portal.ReplyForm{})
}

// renderGuestTrack shows the ticket a tracking link opens.
func (s *Server) renderGuestTrack(w http.ResponseWriter, r *http.Request, status int, form portal.ReplyForm) error {
	t, tok := tenantFrom(r), token(r)
	tk, entries, err := s.svc.GuestTicket(r.Context(), t.ID, tok)
	if err != nil {
		return err
	}
	vm := s.guestTicketPage(r, tk, entries, form)
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
	}
	return s.render(w, r, status, portal.GuestTrackPage(portal.GuestTrack{
		Chrome: vm.Chrome, Ticket: vm, ReplyURL: trackPath(t, tok, "/reply"), Reply: form,
	}))
}

// guestTrackLive answers the tracking page's poll as portalTicketLive
// answers the ticket page's: 204 while the ticket is at the version the
// page shows, else the changed parts of the page, never the reply box. It
// is for htmx; a browser that opens it gets the tracking page.
func (s *Server) guestTrackLive(w http.ResponseWriter, r *http.Request) error {
	t, tok := tenantFrom(r), token(r)
	tk, entries, err := s.svc.GuestTicket(r.Context(), t.ID, tok)
	if err != nil {
		return err
	}
	if r.Header.Get("HX-Request") != "true" {
		http.Redirect(w, r, trackPath(t, tok, ""), http.StatusSeeOther)
		return nil
	}
	if strconv.Itoa(tk.Version) == r.URL.Query().Get("v") {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	vm := s.guestTicketPage(r, tk, entries, portal.ReplyForm{})
	return s.render(w, r, http.StatusOK, portal.GuestTrackLiveUpdate(portal.GuestTrack{Chrome: vm.Chrome, Ticket: vm}))
}

// guestTicketPage builds the tracking page's view of tk, which the domain
// returned as the guest may see it, with only the public comments.
func (s *Server) guestTicketPage(r *http.Request, tk helpdesk.Ticket, entries []helpdesk.TimelineEntry, form portal.ReplyForm) portal.TicketPage {
	t, l, tok := tenantFrom(r), s.lang(r), token(r)
	loc := tenantLocation(t)
	vm := portal.TicketPage{
		Number:     tk.Number.String(),
		Subject:    tk.Subject,
		Status:     tk.Status.ForCustomer().String(),
		Priority:   tk.Priority.String(),
		Assignee:   tk.AssigneeName,
		Created:    formatTime(l, loc, tk.CreatedAt),
		CreatedISO: isoTime(tk.CreatedAt),
		Updated:    formatTime(l, loc, tk.UpdatedAt),
		UpdatedISO: isoTime(tk.UpdatedAt),
		Version:    tk.Version,
		ReplyURL:   trackPath(t, tok, "/reply"),
		LiveURL:    trackPath(t, tok, "/live?v="+strconv.Itoa(tk.Version)),
		Limits:     limitsText(l, attachmentLimits()),
		Reply:      form,
	}
	vm.Comments = customerComments(l, loc, entries, trackPath(t, tok, "/attachments/"))
	c := s.chrome(r, tk.Number.String()+" "+tk.Subject)
	c.Path = trackPath(t, tok, "")
	vm.Chrome = c
	return vm
}

func (s *Server) guestReceived(w http.ResponseWriter, r *http.Request) error {
	t, l, tok := tenantFrom(r), s.lang(r), token(r)
	tk, _, err := s.svc.GuestTicket(r.Context(), t.ID, tok)
	if err != nil {
		return err
	}
	c := s.chrome(r, l.T("portal.received.title", tk.Number.String()))
	c.Path = trackPath(t, tok, "/received")
	return s.render(w, r, http.StatusOK, portal.GuestReceivedPage(portal.GuestReceived{
		Chrome:    c,
		Number:    tk.Number.String(),
		Subject:   tk.Subject,
		TrackURL:  s.cfg.BaseURL + trackPath(t, tok, ""),
		TrackPath: trackPath(t, tok, ""),
	}))
}

// guestReply adds the guest's public reply; the domain applies the
// requester's lifecycle (and opens a linked ticket for a reply to a closed
// one, with a link of its own). A stale version or refused input shows the
// page again with the reply as typed.
func (s *Server) guestReply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l, tok := tenantFrom(r), s.lang(r), token(r)
	up, err := readUpload(w, r, attachmentLimits())
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderGuestTrack(w, r, http.StatusUnprocessableEntity, portal.ReplyForm{Errors: errs})
	}
	form := portal.ReplyForm{Body: up.get("body")}
	if err := s.allow(ctx, "guest-reply-ip", s.clientIP(r), guestLimits.replyIP); err != nil {
		if !errors.Is(err, helpdesk.ErrRateLimited) {
			return err
		}
		form.Notice = l.T("guest.rate_limited")
		form.Rechoose = up.fileNames()
		return s.renderGuestTrack(w, r, http.StatusTooManyRequests, form)
	}
	if len(up.rejected) > 0 {
		// As on the signed-in page: the reply goes in whole or not at all,
		// and the page says which files to choose again.
		form.Errors = map[string]string{attachmentsField: leftOutMessage(l, "portal.reply.files_refused", up, "")}
		form.Rechoose = up.fileNames()
		return s.renderGuestTrack(w, r, http.StatusUnprocessableEntity, form)
	}
	res, err := s.svc.GuestReplyWithFiles(ctx, t.ID, tok, formVersion(up.get("version")), helpdesk.GuestReplyInput{Body: form.Body, Attachments: up.files})
	switch {
	case errors.Is(err, helpdesk.ErrConflict):
		form.Notice = l.T("portal.reply.conflict")
		form.Rechoose = up.fileNames()
		return s.renderGuestTrack(w, r, http.StatusConflict, form)
	case err != nil:
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		form.Errors = errs
		form.Rechoose = up.fileNames()
		return s.renderGuestTrack(w, r, http.StatusUnprocessableEntity, form)
	case res.FollowUp != nil:
		s.flash(ctx, "success", l.T("portal.reply.follow_up", res.FollowUp.Number.String(), res.Ticket.Number.String()))
		http.Redirect(w, r, trackPath(t, res.FollowUpToken, "/received"), http.StatusSeeOther)
		return nil
	}
	s.flash(ctx, "success", l.T("portal.reply.sent"))
	http.Redirect(w, r, trackPath(t, tok, ""), http.StatusSeeOther)
	return nil
}

// guestAttachment serves a file of the public conversation a tracking link
// opens, with the headers serveAttachment sends.
func (s *Server) guestAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	a, err := s.svc.GuestAttachment(r.Context(), tenantFrom(r).ID, token(r), helpdesk.AttachmentID(id))
	if err != nil {
		return err
	}
	writeAttachment(w, r, a)
	return nil
}
