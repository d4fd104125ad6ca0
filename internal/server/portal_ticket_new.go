package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/portal"
)

// sessOpened prefixes the session keys that remember which ticket a form
// submission opened: sessOpened+key → ticket number. A resubmitted form
// (reload, back and submit again) finds its key and lands on the same
// ticket instead of opening a second one.
const sessOpened = "opened:"

// newFormKey returns a fresh idempotency key for one rendering of a form.
func newFormKey() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validFormKey accepts only keys shaped like newFormKey's, so a forged key
// cannot grow the session with arbitrary data.
func validFormKey(k string) bool {
	if len(k) != 24 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(k)
	return err == nil
}

// ticketOpener makes concurrent submissions of one form (a double click)
// open one ticket: the second waits for the first and shares its result.
// The session remembers the key once the first response is written; this
// covers the moment before, within one server process. Results stay for
// a minute, longer than a session write takes.
type ticketOpener struct {
	mu    sync.Mutex
	calls map[string]*openCall
}

type openCall struct {
	done    chan struct{}
	res     openResult
	err     error
	expires time.Time
}

// openResult is what opening a ticket did.
type openResult struct {
	number helpdesk.TicketNumber
	// dropped is set when the files were refused and the ticket was opened
	// without them: it holds the domain's message key about the files.
	dropped string
}

func newTicketOpener() *ticketOpener { return &ticketOpener{calls: map[string]*openCall{}} }

// do runs open once per key; a concurrent or recent call with the same key
// returns the first call's result. A call that failed is forgotten, and
// its waiters run open themselves: a browser that cancels the first of two
// clicks must not turn the second into an error page.
func (o *ticketOpener) do(ctx context.Context, key string, open func() (openResult, error)) (openResult, error) {
	for {
		now := time.Now()
		o.mu.Lock()
		for k, c := range o.calls {
			if !c.expires.IsZero() && now.After(c.expires) {
				delete(o.calls, k)
			}
		}
		c, ok := o.calls[key]
		if !ok {
			c = &openCall{done: make(chan struct{})}
			o.calls[key] = c
			o.mu.Unlock()
			return o.run(key, c, open)
		}
		o.mu.Unlock()
		select {
		case <-c.done:
			if c.err == nil {
				return c.res, nil
			}
		case <-ctx.Done():
			return openResult{}, ctx.Err()
		}
	}
}

func (o *ticketOpener) run(key string, c *openCall, open func() (openResult, error)) (openResult, error) {
	c.res, c.err = open()
	o.mu.Lock()
	if c.err != nil {
		delete(o.calls, key)
	} else {
		c.expires = time.Now().Add(time.Minute)
	}
	o.mu.Unlock()
	close(c.done)
	return c.res, c.err
}

// attachmentLimits are the limits the forms state and enforce while
// reading: the desk's limits, within what one request may carry. The
// domain keeps a desk's limits in its TicketSettings but offers no way to
// read them outside a ticket operation yet, so these are the defaults; the
// domain checks the real ones when the files are saved.
func attachmentLimits() helpdesk.AttachmentLimits {
	lim := helpdesk.DefaultAttachmentLimits()
	room := int64(uploadBodyBytes - uploadOverhead)
	lim.MaxFileBytes = min(lim.MaxFileBytes, room)
	lim.MaxCommentBytes = min(lim.MaxCommentBytes, room)
	return lim
}

func (s *Server) portalNewTicket(w http.ResponseWriter, r *http.Request) error {
	form := portal.NewTicketForm{Key: newFormKey(), Urgency: string(helpdesk.UrgencyMedium), Impact: string(helpdesk.ImpactMedium)}
	return s.renderNewTicket(w, r, http.StatusOK, form)
}

func (s *Server) renderNewTicket(w http.ResponseWriter, r *http.Request, status int, form portal.NewTicketForm) error {
	l := s.lang(r)
	c := s.chrome(r, l.T("portal.new.title"))
	cats, err := s.svc.Categories(r.Context(), customer(r).Actor())
	if err != nil {
		return err
	}
	options := make([]portal.Option, 0, len(cats))
	for _, cat := range cats {
		options = append(options, portal.Option{Value: strconv.FormatInt(int64(cat.ID), 10), Label: cat.Name})
	}
	return s.render(w, r, status, portal.NewTicketPage(portal.NewTicket{
		Chrome:     c,
		Form:       form,
		Categories: options,
		Limits:     limitsText(l, attachmentLimits()),
		ErrorOrder: errorOrder(portal.NewTicketOrder, form.Errors),
	}))
}

// portalOpenTicket opens a ticket for the signed-in customer. Input the
// domain refuses is shown again with every typed value; files cannot be
// kept across a refused submission, so the page names them to choose again.
// When only the files are refused, the ticket is opened without them and
// the confirmation says which were left out: the request is never lost over
// an attachment.
func (s *Server) portalOpenTicket(o *ticketOpener) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		t, u, l := tenantFrom(r), customer(r), s.lang(r)
		up, err := readUpload(w, r, attachmentLimits())
		if err != nil {
			errs, ok := fieldErrors(l, err)
			if !ok {
				return err
			}
			return s.renderNewTicket(w, r, http.StatusUnprocessableEntity, portal.NewTicketForm{Key: newFormKey(), Errors: errs})
		}
		key := up.get("key")
		if !validFormKey(key) {
			key = ""
		}
		if key != "" {
			if n := s.sessions.GetInt64(ctx, sessOpened+key); n > 0 {
				http.Redirect(w, r, ticketPath(t, helpdesk.TicketNumber(n), "/received"), http.StatusSeeOther)
				return nil
			}
		}
		in := helpdesk.NewTicket{
			Subject:     up.get("subject"),
			Description: up.get("description"),
			Channel:     helpdesk.ChannelWeb,
			Urgency:     helpdesk.Urgency(up.get("urgency")),
			Impact:      helpdesk.Impact(up.get("impact")),
			Category:    formCategory(up.get("category")),
			Attachments: up.files,
		}
		// Once started, opening runs to its end even if the browser gives up
		// on the request (a double click cancels the first one): the second
		// submission then finds the ticket instead of a half-known outcome.
		octx := context.WithoutCancel(ctx)
		open := func() (openResult, error) {
			created, err := s.svc.OpenTicket(octx, u.Actor(), in)
			var v *helpdesk.ValidationError
			if errors.As(err, &v) && onlyField(v, attachmentsField) {
				dropped := v.Fields[attachmentsField]
				in.Attachments = nil
				created, err = s.svc.OpenTicket(octx, u.Actor(), in)
				return openResult{number: created.Number, dropped: dropped}, err
			}
			return openResult{number: created.Number}, err
		}
		var res openResult
		if key == "" {
			res, err = open()
		} else {
			res, err = o.do(ctx, fmt.Sprintf("%d:%d:%s", t.ID, u.ID, key), open)
		}
		if err != nil {
			errs, ok := fieldErrors(l, err)
			if !ok {
				return err
			}
			return s.renderNewTicket(w, r, http.StatusUnprocessableEntity, portal.NewTicketForm{
				Key:         newFormKey(),
				Subject:     up.get("subject"),
				Description: up.get("description"),
				Urgency:     up.get("urgency"),
				Impact:      up.get("impact"),
				Category:    up.get("category"),
				Errors:      errs,
				Rechoose:    up.fileNames(),
			})
		}
		if key != "" {
			s.sessions.Put(ctx, sessOpened+key, int64(res.number))
		}
		if msg := leftOutMessage(l, "portal.upload.left_out", up, res.dropped); msg != "" {
			s.flash(ctx, "warning", msg)
		}
		http.Redirect(w, r, ticketPath(t, res.number, "/received"), http.StatusSeeOther)
		return nil
	}
}

// formCategory reads the category choice; anything but a positive number is
// "none", and an id the desk does not have is refused by the domain.
func formCategory(v string) helpdesk.CategoryID {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return helpdesk.CategoryID(id)
}

// onlyField reports whether v is about field alone.
func onlyField(v *helpdesk.ValidationError, field string) bool {
	_, ok := v.Fields[field]
	return ok && len(v.Fields) == 1
}

// leftOutMessage says, with the message key msg, which chosen files were
// not attached and why, or "" when all were. dropped is the domain's
// message key when it refused the files that were read.
func leftOutMessage(l i18n.Lang, msg string, up *upload, dropped string) string {
	var parts []string
	if dropped != "" {
		for _, f := range up.files {
			parts = append(parts, l.T("portal.upload.file_reason", f.Filename, l.T(dropped)))
		}
	}
	for _, f := range up.rejected {
		parts = append(parts, l.T("portal.upload.file_reason", f.Name, l.T(f.Reason)))
	}
	if len(parts) == 0 {
		return ""
	}
	return l.T(msg, strings.Join(parts, "; "))
}

// errorOrder is the order of a form's error summary: the form's fields
// first, then any other field the domain named (a custom field, say), so
// that no error is left out of the summary.
func errorOrder(order []string, errs map[string]string) []string {
	out := slices.Clone(order)
	var extra []string
	for f := range errs {
		if !slices.Contains(order, f) {
			extra = append(extra, f)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

func (s *Server) portalTicketReceived(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	t, u, l := tenantFrom(r), customer(r), s.lang(r)
	tk, err := s.svc.Ticket(r.Context(), u.Actor(), n)
	if err != nil {
		return err
	}
	c := s.chrome(r, l.T("portal.received.title", tk.Number.String()))
	return s.render(w, r, http.StatusOK, portal.TicketReceivedPage(portal.TicketReceived{
		Chrome:    c,
		Number:    tk.Number.String(),
		Subject:   tk.Subject,
		TicketURL: ticketPath(t, tk.Number, ""),
	}))
}
