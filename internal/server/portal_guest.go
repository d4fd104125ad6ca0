package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/portal"
)

// The guest pages: a visitor without an account opens a ticket through the
// public form at /{tenant}/tickets/new (served by guestTicketForm in front
// of requireCustomer), follows it through its tracking link
// /{tenant}/track/{token}, and asks for the link again at /{tenant}/track.
// The rules are the domain's (internal/helpdesk/guest.go).

// guestLimits are the allowances of the guest pages, per client IP and per
// email. Only submissions that pass validation count, so a visitor fixing a
// typo is not held back; a filled honeypot counts too.
var guestLimits = struct {
	formIP, formEmail, lookupIP, lookupEmail, replyIP limit
}{
	formIP:      limit{5, time.Hour},
	formEmail:   limit{10, 24 * time.Hour},
	lookupIP:    limit{10, time.Hour},
	lookupEmail: limit{5, 24 * time.Hour},
	replyIP:     limit{30, time.Hour},
}

// sessGuestOpened prefixes the session keys that remember which ticket a
// guest form submission opened (→ its number). Only the number is kept:
// the tracking token is never stored, so a form sent again later is told
// the request was already received and where to ask for the link.
const sessGuestOpened = "guest-opened:"

// guestNewTicketPattern is the route the guest form shares with the
// signed-in one.
const guestNewTicketPattern = "/{tenant}/tickets/new"

// portalGuestRoutes are the tracking link's pages and "send me my link
// again". Anyone may call them; a token names one ticket of one tenant, and
// anything else answers 404 (the domain decides).
func (s *Server) portalGuestRoutes(r chi.Router) {
	r.Get("/track", s.h(s.guestLookupForm))
	r.Post("/track", s.h(s.guestLookup))
	r.Group(func(r chi.Router) {
		r.Use(noReferrer)
		r.Get("/track/{token}", s.h(s.guestTrack))
		r.Get("/track/{token}/received", s.h(s.guestReceived))
		r.Get("/track/{token}/live", s.h(s.guestTrackLive))
		r.With(withBodyLimit(uploadBodyBytes), s.uploadGate).Post("/track/{token}/reply", s.h(s.guestReply))
		r.Get("/track/{token}/attachments/{id}", s.h(s.guestAttachment))
	})
}

// guestTicketForm returns the middleware that serves the guest form at
// /{tenant}/tickets/new to a signed-out visitor (a session of another
// tenant is signed out here) when the desk takes guests. Everyone else
// goes on to requireCustomer: a customer gets the signed-in form, a
// visitor of a desk without guests the login page.
func (s *Server) guestTicketForm() func(http.Handler) http.Handler {
	opener := newOnce[guestOpened]()
	// The form takes files like the signed-in one: the upload body limit
	// and the upload gate apply to it too.
	post := withBodyLimit(uploadBodyBytes)(s.uploadGate(s.h(func(w http.ResponseWriter, r *http.Request) error {
		return s.guestOpen(w, r, opener)
	})))
	return func(next http.Handler) http.Handler {
		return s.h(func(w http.ResponseWriter, r *http.Request) error {
			_, signedIn := userFrom(r)
			if signedIn || !tenantFrom(r).GuestTickets || chi.RouteContext(r.Context()).RoutePattern() != guestNewTicketPattern {
				next.ServeHTTP(w, r)
				return nil
			}
			switch r.Method {
			case http.MethodGet, http.MethodHead:
				form := portal.GuestTicketForm{Key: newFormKey(), Urgency: string(helpdesk.UrgencyMedium), Impact: string(helpdesk.ImpactMedium)}
				return s.renderGuestForm(w, r, http.StatusOK, form)
			case http.MethodPost:
				post.ServeHTTP(w, r)
				return nil
			}
			next.ServeHTTP(w, r)
			return nil
		})
	}
}

func (s *Server) renderGuestForm(w http.ResponseWriter, r *http.Request, status int, form portal.GuestTicketForm) error {
	l := s.lang(r)
	c := s.chrome(r, l.T("portal.new.title"))
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "3600")
	}
	// The desk's categories and customer-visible fields, read as the
	// system: the visitor has no account.
	by := helpdesk.System(tenantFrom(r).ID)
	cats, err := s.svc.Categories(r.Context(), by)
	if err != nil {
		return err
	}
	defs, err := s.svc.CustomerFields(r.Context(), by)
	if err != nil {
		return err
	}
	fields := customFields(defs)
	return s.render(w, r, status, portal.GuestNewTicketPage(portal.GuestNewTicket{
		Chrome:     c,
		Form:       form,
		Categories: categoryOptions(cats),
		Fields:     fields,
		Limits:     limitsText(l, attachmentLimits()),
		ErrorOrder: errorOrder(withFieldOrder(append(append([]string{"form"}, helpdesk.GuestTicketOrder...), attachmentsField), fields), form.Errors),
	}))
}

// guestOpen opens a ticket from the public form. A filled honeypot gets a
// page that looks like success and nothing is created. Refused input and
// rate limits show the form again with everything typed and the files to
// choose again. When only the files are refused, the ticket is opened
// without them and the received page says which were left out, as on the
// signed-in form.
func (s *Server) guestOpen(w http.ResponseWriter, r *http.Request, o *guestOpener) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	// Read like the signed-in form, files included.
	up, err := readUpload(w, r, attachmentLimits())
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderGuestForm(w, r, http.StatusUnprocessableEntity, portal.GuestTicketForm{Key: newFormKey(), Errors: errs})
	}
	ip := s.clientIP(r)
	if strings.TrimSpace(up.get(portal.HoneypotField)) != "" {
		if err := s.allow(ctx, "guest-form-ip", ip, guestLimits.formIP); err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, portal.GuestReceivedPage(portal.GuestReceived{Chrome: s.chrome(r, l.T("guest.received.generic_title"))}))
	}
	// Only the desk's customer-visible fields are read, as on the
	// signed-in form.
	defs, err := s.svc.CustomerFields(ctx, helpdesk.System(t.ID))
	if err != nil {
		return err
	}
	values, typed := readCustomFields(up, defs)
	form := portal.GuestTicketForm{
		Key: up.get("key"), Name: up.get("name"), Email: up.get("email"), Subject: up.get("subject"),
		Description: up.get("description"), Urgency: up.get("urgency"), Impact: up.get("impact"),
		Category: up.get("category"), Fields: typed, Rechoose: up.fileNames(),
	}
	key := form.Key
	if !validFormKey(key) {
		key, form.Key = "", newFormKey()
	}
	if key != "" {
		if n := s.sessions.GetInt64(ctx, sessGuestOpened+key); n > 0 {
			return s.render(w, r, http.StatusOK, portal.GuestReceivedPage(portal.GuestReceived{
				Chrome: s.chrome(r, l.T("guest.received.generic_title")), Number: helpdesk.TicketNumber(n).String(),
			}))
		}
	}
	in := helpdesk.GuestTicketInput{
		Name: form.Name, Email: form.Email, Subject: form.Subject, Description: form.Description,
		Urgency: helpdesk.Urgency(form.Urgency), Impact: helpdesk.Impact(form.Impact),
		Category: formCategory(form.Category), Fields: values, Once: helpdesk.GuestKey(key),
	}
	refuse := func(status int, errs map[string]string) error {
		form.Errors = errs
		return s.renderGuestForm(w, r, status, form)
	}
	// The text and the custom fields are checked first, without the
	// files: refused files alone never hold the ticket back (see open
	// below).
	errs := map[string]string{}
	if err := in.Validate(); err != nil {
		var ok bool
		if errs, ok = fieldErrors(l, err); !ok {
			return err
		}
	}
	if errs = customFieldErrors(l, errs, defs, values); len(errs) > 0 {
		return refuse(http.StatusUnprocessableEntity, errs)
	}
	in.Attachments = up.files
	// As on the signed-in form, opening runs to its end even if the
	// browser gives up on the request, and a second click waits for the
	// first and shares its result.
	octx := context.WithoutCancel(ctx)
	open := func() (guestOpened, error) {
		if err := s.allow(octx, "guest-form-ip", ip, guestLimits.formIP); err != nil {
			return guestOpened{}, err
		}
		if err := s.allow(octx, "guest-form-email", in.Email, guestLimits.formEmail); err != nil {
			return guestOpened{}, err
		}
		tk, token, err := s.svc.OpenGuestTicket(octx, t, in)
		var v *helpdesk.ValidationError
		if errors.As(err, &v) && onlyField(v, attachmentsField) {
			dropped := v.Fields[attachmentsField]
			in.Attachments = nil
			tk, token, err = s.svc.OpenGuestTicket(octx, t, in)
			return guestOpened{number: tk.Number, token: token, dropped: dropped}, err
		}
		return guestOpened{number: tk.Number, token: token}, err
	}
	var res guestOpened
	if key == "" {
		res, err = open()
	} else {
		// The result carries the tracking token, a bearer credential: only
		// the same client may share it (a double click), never whoever
		// replays the form's key from elsewhere.
		res, err = o.do(ctx, strconv.FormatInt(int64(t.ID), 10)+":"+s.clientIP(r)+":"+r.UserAgent()+":"+key, open)
	}
	switch {
	case errors.Is(err, helpdesk.ErrRateLimited):
		return refuse(http.StatusTooManyRequests, map[string]string{"form": l.T("guest.rate_limited")})
	case err != nil:
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return refuse(http.StatusUnprocessableEntity, customFieldErrors(l, errs, defs, values))
	}
	if res.token == "" {
		// This form was received before (the first response was lost):
		// the number, never the tracking link, which was shown once.
		return s.render(w, r, http.StatusOK, portal.GuestReceivedPage(portal.GuestReceived{
			Chrome: s.chrome(r, l.T("guest.received.generic_title")), Number: res.number.String(),
		}))
	}
	if key != "" {
		s.sessions.Put(ctx, sessGuestOpened+key, int64(res.number))
	}
	if msg := leftOutMessage(l, "portal.upload.left_out", up, res.dropped); msg != "" {
		s.flash(ctx, "warning", msg)
	}
	http.Redirect(w, r, trackPath(t, res.token, "/received"), http.StatusSeeOther)
	return nil
}

// guestOpened is what opening a guest ticket did.
type guestOpened struct {
	number helpdesk.TicketNumber
	token  string
	// dropped is the domain's message key when the files were refused and
	// the ticket opened without them.
	dropped string
}

// guestOpener opens one guest ticket per submitted form, see once. Its
// result carries the tracking token, which stays in memory for a minute only.
type guestOpener = once[guestOpened]

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

func (s *Server) guestLookupForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderGuestLookup(w, r, http.StatusOK, portal.GuestLookupForm{})
}

func (s *Server) renderGuestLookup(w http.ResponseWriter, r *http.Request, status int, form portal.GuestLookupForm) error {
	l := s.lang(r)
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "3600")
	}
	return s.render(w, r, status, portal.GuestLookupPage(portal.GuestLookup{Chrome: s.chrome(r, l.T("guest.lookup.title")), Form: form}))
}

// guestLookup records a request for a ticket's link and answers the same
// whether or not the pair exists: the domain reads nothing to decide, and
// the neutral message comes after a redirect, as for every pair.
func (s *Server) guestLookup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	if err := parseForm(r); err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderGuestLookup(w, r, http.StatusUnprocessableEntity, portal.GuestLookupForm{Errors: errs})
	}
	in := helpdesk.GuestLinkLookup{Number: r.PostForm.Get("number"), Email: r.PostForm.Get("email")}
	form := portal.GuestLookupForm{Number: in.Number, Email: in.Email}
	req, err := in.Validate()
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		form.Errors = errs
		return s.renderGuestLookup(w, r, http.StatusUnprocessableEntity, form)
	}
	if err := s.limitLookup(ctx, s.clientIP(r), req.Email); err != nil {
		if !errors.Is(err, helpdesk.ErrRateLimited) {
			return err
		}
		form.Errors = map[string]string{"form": l.T("guest.rate_limited")}
		return s.renderGuestLookup(w, r, http.StatusTooManyRequests, form)
	}
	if err := s.svc.RequestGuestLink(ctx, t.ID, in); err != nil {
		return err
	}
	s.flash(ctx, "success", l.T("guest.lookup.sent"))
	http.Redirect(w, r, tenantPath(t, "/track"), http.StatusSeeOther)
	return nil
}

// limitLookup counts a lookup against the client's and the email's
// allowances.
func (s *Server) limitLookup(ctx context.Context, ip, email string) error {
	if err := s.allow(ctx, "guest-lookup-ip", ip, guestLimits.lookupIP); err != nil {
		return err
	}
	return s.allow(ctx, "guest-lookup-email", email, guestLimits.lookupEmail)
}
