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
				form := portal.GuestTicketForm{Key: newFormKey(), Urgency: string(helpdesk.UrgencyMedium), Impact: string(helpdesk.ImpactMedium),
					Subject: prefillSubject(r)}
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
	defs, err := s.customerFields(r.Context(), by)
	if err != nil {
		return err
	}
	fields := customFields(defs)
	help, err := s.helpSuggestions(r, form.Key, form.Subject)
	if err != nil {
		return err
	}
	return s.render(w, r, status, portal.GuestNewTicketPage(portal.GuestNewTicket{
		Help:       help,
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
	defs, err := s.customerFields(ctx, helpdesk.System(t.ID))
	if err != nil {
		return err
	}
	form, in := guestFormInput(up, defs)
	key := form.Key
	if !validFormKey(key) {
		key, form.Key = "", newFormKey()
	}
	s.helpFormSubmitted(ctx, t.ID, key)
	if key != "" {
		if n := s.sessions.GetInt64(ctx, sessGuestOpened+key); n > 0 {
			return s.render(w, r, http.StatusOK, portal.GuestReceivedPage(portal.GuestReceived{
				Chrome: s.chrome(r, l.T("guest.received.generic_title")), Number: helpdesk.TicketNumber(n).String(),
			}))
		}
	}
	in.Once = helpdesk.GuestKey(key)
	refuse := func(status int, errs map[string]string) error {
		form.Errors = errs
		return s.renderGuestForm(w, r, status, form)
	}
	// The text and the custom fields are checked first, without the
	// files: refused files alone never hold the ticket back (see
	// openGuestOnce).
	errs := map[string]string{}
	if err := in.Validate(); err != nil {
		var ok bool
		if errs, ok = fieldErrors(l, err); !ok {
			return err
		}
	}
	if errs = customFieldErrors(l, errs, defs, in.Fields); len(errs) > 0 {
		return refuse(http.StatusUnprocessableEntity, errs)
	}
	in.Attachments = up.files
	res, err := s.openGuestOnce(r, o, key, in)
	switch {
	case errors.Is(err, helpdesk.ErrRateLimited):
		return refuse(http.StatusTooManyRequests, map[string]string{"form": l.T("guest.rate_limited")})
	case err != nil:
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return refuse(http.StatusUnprocessableEntity, customFieldErrors(l, errs, defs, in.Fields))
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

// guestFormInput reads the guest form as typed (to show it again) and as
// the domain's input. Only the desk's customer-visible fields are read, as
// on the signed-in form.
func guestFormInput(up *upload, defs []helpdesk.CustomFieldDef) (portal.GuestTicketForm, helpdesk.GuestTicketInput) {
	values, typed := readCustomFields(up, defs)
	form := portal.GuestTicketForm{
		Key: up.get("key"), Name: up.get("name"), Email: up.get("email"), Subject: up.get("subject"),
		Description: up.get("description"), Urgency: up.get("urgency"), Impact: up.get("impact"),
		Category: up.get("category"), Fields: typed, Rechoose: up.fileNames(),
	}
	in := helpdesk.GuestTicketInput{
		Name: form.Name, Email: form.Email, Subject: form.Subject, Description: form.Description,
		Urgency: helpdesk.Urgency(form.Urgency), Impact: helpdesk.Impact(form.Impact),
		Category: formCategory(form.Category), Fields: values,
	}
	return form, in
}

// openGuestOnce opens the guest ticket within the rate limits. As on the
// signed-in form, opening runs to its end even if the browser gives up on
// the request, and a second click (same form key) waits for the first and
// shares its result. Refused files alone never hold the ticket back: it
// opens without them and says which were left out.
func (s *Server) openGuestOnce(r *http.Request, o *guestOpener, key string, in helpdesk.GuestTicketInput) (guestOpened, error) {
	t, ip := tenantFrom(r), s.clientIP(r)
	octx := context.WithoutCancel(r.Context())
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
	if key == "" {
		return open()
	}
	// The result carries the tracking token, a bearer credential: only the
	// same client may share it (a double click), never whoever replays the
	// form's key from elsewhere.
	return o.do(r.Context(), strconv.FormatInt(int64(t.ID), 10)+":"+ip+":"+r.UserAgent()+":"+key, open)
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
