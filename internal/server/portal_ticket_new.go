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

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/portal"
)

// sessOpened prefixes the session keys that remember which ticket a form
// submission opened: sessOpened+key → ticket number. A resubmitted form
// (reload, back and submit again) finds its key and lands on the same
// ticket instead of opening a second one. The portal form no longer
// writes it (its key is claimed in the ticket's transaction, and a
// session write is one more commit); the console's form still does.
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

// ticketOpener opens one ticket per submitted form, see once.
type ticketOpener = once[openResult]

// openResult is what opening a ticket did.
type openResult struct {
	number helpdesk.TicketNumber
	// dropped is set when the files were refused and the ticket was opened
	// without them: it holds the domain's message key about the files.
	dropped string
}

func newTicketOpener() *ticketOpener { return newOnce[openResult]() }

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
	form := portal.NewTicketForm{Key: newFormKey(), Urgency: string(helpdesk.UrgencyMedium), Impact: string(helpdesk.ImpactMedium),
		Subject: prefillSubject(r)}
	return s.renderNewTicket(w, r, http.StatusOK, form)
}

func (s *Server) renderNewTicket(w http.ResponseWriter, r *http.Request, status int, form portal.NewTicketForm) error {
	l := s.lang(r)
	c := s.chrome(r, l.T("portal.new.title"))
	by := customer(r).Actor()
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
	return s.render(w, r, status, portal.NewTicketPage(portal.NewTicket{
		Help:       help,
		Chrome:     c,
		Form:       form,
		Categories: categoryOptions(cats),
		Fields:     fields,
		Limits:     limitsText(l, attachmentLimits()),
		ErrorOrder: errorOrder(newTicketOrder(fields), form.Errors),
	}))
}

// categoryOptions are the choices of the forms' category select.
func categoryOptions(cats []helpdesk.Category) []portal.Option {
	options := make([]portal.Option, 0, len(cats))
	for _, cat := range cats {
		options = append(options, portal.Option{Value: strconv.FormatInt(int64(cat.ID), 10), Label: cat.Name, Help: cat.Description})
	}
	return options
}

// fieldName is the form name of custom field id.
func fieldName(id helpdesk.CustomFieldID) string {
	return "field_" + strconv.FormatInt(int64(id), 10)
}

// customFields turns the customer-visible definitions into the form's
// fields.
func customFields(defs []helpdesk.CustomFieldDef) []portal.CustomField {
	out := make([]portal.CustomField, 0, len(defs))
	for _, d := range defs {
		f := portal.CustomField{Name: fieldName(d.ID), Label: d.Label, Type: string(d.Type), Required: d.Required}
		for _, o := range d.Options {
			f.Options = append(f.Options, portal.Option{Value: o.Value, Label: o.Label})
		}
		out = append(out, f)
	}
	return out
}

// newTicketOrder is the summary order with the custom fields where the
// form shows them: after impact, before the attachments.
func newTicketOrder(fields []portal.CustomField) []string {
	return withFieldOrder(portal.NewTicketOrder, fields)
}

// withFieldOrder inserts the custom fields into a form's summary order
// before the attachments (at the end when there are none).
func withFieldOrder(base []string, fields []portal.CustomField) []string {
	order := slices.Clone(base)
	at := slices.Index(order, attachmentsField)
	if at < 0 {
		at = len(order)
	}
	names := make([]string, 0, len(fields))
	for _, f := range fields {
		names = append(names, f.Name)
	}
	return slices.Insert(order, at, names...)
}

// readCustomFields collects the submitted values of the customer-visible
// fields defs: for the domain by id, and for the form again by name. Any
// other field_* name (a hidden or unknown field, a forged one) is never
// read. An unticked checkbox is sent by the browser as nothing and read
// as "false", so a required one is refused rather than ignored.
func readCustomFields(up *upload, defs []helpdesk.CustomFieldDef) (map[helpdesk.CustomFieldID]string, map[string]string) {
	values := make(map[helpdesk.CustomFieldID]string, len(defs))
	typed := make(map[string]string, len(defs))
	for _, d := range defs {
		name := fieldName(d.ID)
		v := up.get(name)
		if d.Type == helpdesk.FieldMultiSelect {
			// Each ticked box sends one value; the domain reads them joined.
			v = strings.Join(up.all(name), helpdesk.MultiSelectSeparator)
		}
		if d.Type == helpdesk.FieldCheckbox {
			if strings.TrimSpace(v) == "" {
				v = "false"
			}
			if pv, ok, err := d.Parse(v); err == nil && ok && pv.Bool {
				typed[name] = "true"
			}
		} else {
			typed[name] = v
		}
		values[d.ID] = v
	}
	return values, typed
}

// customFieldErrors renames the domain's custom field errors ("field:" and
// the definition's key) to the form's names, and adds the custom fields'
// problems when the domain stopped at the rest of the form first, so that
// every problem shows at once.
func customFieldErrors(l i18n.Lang, errs map[string]string, defs []helpdesk.CustomFieldDef, values map[helpdesk.CustomFieldID]string) map[string]string {
	more := map[string]string{}
	if fe, ok := fieldErrors(l, helpdesk.CheckCustomerFields(defs, values)); ok {
		more = fe
	}
	for k, msg := range errs {
		if helpdesk.IsFieldErrorKey(k) {
			more[k] = msg
		}
	}
	for _, d := range defs {
		if msg, ok := more[helpdesk.FieldErrorKey(d)]; ok {
			errs[fieldName(d.ID)] = msg
		}
	}
	for k := range errs {
		if helpdesk.IsFieldErrorKey(k) {
			delete(errs, k)
		}
	}
	return errs
}

// openTicketScope names the portal form's per-user allowance.
const openTicketScope = "open-ticket"

// portalOpenTicket opens a ticket for the signed-in customer. Input the
// domain refuses is shown again with every typed value; files cannot be
// kept across a refused submission, so the page names them to choose again.
// When only the files are refused, the ticket is opened without them and
// the confirmation says which were left out: the request is never lost over
// an attachment.
func (s *Server) portalOpenTicket(o *ticketOpener) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		keepDeskCaches(r)
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
		defs, err := s.customerFields(ctx, u.Actor())
		if err != nil {
			return err
		}
		values, typed := readCustomFields(up, defs)
		key := up.get("key")
		if !validFormKey(key) {
			key = ""
		}
		in := helpdesk.NewTicket{
			Subject:     up.get("subject"),
			Description: up.get("description"),
			Channel:     helpdesk.ChannelWeb,
			Urgency:     helpdesk.Urgency(up.get("urgency")),
			Impact:      helpdesk.Impact(up.get("impact")),
			Category:    formCategory(up.get("category")),
			Fields:      values,
			Attachments: up.files,
			CCs:         helpdesk.SplitAddresses(up.get("ccs")),
		}
		res, err := s.openOnce(ctx, o, u, key, in)
		if err != nil {
			errs, ok := fieldErrors(l, err)
			if !ok {
				return err
			}
			return s.renderNewTicket(w, r, http.StatusUnprocessableEntity, portal.NewTicketForm{
				Key:         newFormKey(),
				Fields:      typed,
				Subject:     up.get("subject"),
				Description: up.get("description"),
				Urgency:     up.get("urgency"),
				Impact:      up.get("impact"),
				Category:    up.get("category"),
				CCs:         up.get("ccs"),
				Errors:      customFieldErrors(l, errs, defs, values),
				Rechoose:    up.fileNames(),
			})
		}
		if msg := leftOutMessage(l, "portal.upload.left_out", up, res.dropped); msg != "" {
			s.flash(ctx, "warning", msg)
		}
		http.Redirect(w, r, ticketPath(t, res.number, "/received"), http.StatusSeeOther)
		return nil
	}
}

// openOnce opens the form's ticket in one transaction that also claims
// the form's key and counts the customer's allowance, so one commit does
// all three. A resubmitted key (a double click, a reload, a retry after a
// lost response, on any server) lands on the first ticket and counts
// nothing. A refused submission counts against the allowance on its own,
// as every submission did when the count came first.
func (s *Server) openOnce(ctx context.Context, o *ticketOpener, u helpdesk.User, key string, in helpdesk.NewTicket) (openResult, error) {
	// Once started, opening runs to its end even if the browser gives up
	// on the request (a double click cancels the first one): the second
	// submission then finds the ticket instead of a half-known outcome.
	// The in-process once is only a shortcut; the key claimed in the
	// ticket's transaction is the guarantee.
	octx := context.WithoutCancel(ctx)
	once := helpdesk.PortalKey(u.ID, key)
	quota := userAllowance(openTicketScope, u, openTicketLimit)
	open := func() (openResult, error) {
		created, _, err := s.svc.OpenTicketOnce(octx, u.Actor(), once, quota, in)
		var v *helpdesk.ValidationError
		if errors.As(err, &v) && onlyField(v, attachmentsField) {
			dropped := v.Fields[attachmentsField]
			in.Attachments = nil
			created, _, err = s.svc.OpenTicketOnce(octx, u.Actor(), once, quota, in)
			return openResult{number: created.Number, dropped: dropped}, err
		}
		return openResult{number: created.Number}, err
	}
	if key == "" {
		return s.counted(octx, u, open)
	}
	t := u.Tenant
	return o.do(ctx, fmt.Sprintf("%d:%d:%s", t, u.ID, key), func() (openResult, error) { return s.counted(octx, u, open) })
}

// counted runs open and, when it fails other than by the allowance, counts
// the attempt against the allowance outside the rolled-back transaction.
func (s *Server) counted(ctx context.Context, u helpdesk.User, open func() (openResult, error)) (openResult, error) {
	res, err := open()
	if err != nil && !errors.Is(err, helpdesk.ErrRateLimited) {
		if cerr := s.allow(ctx, openTicketScope, userSubject(u), openTicketLimit); cerr != nil && !errors.Is(cerr, helpdesk.ErrRateLimited) {
			s.log.ErrorContext(ctx, "count refused ticket submission", "err", cerr)
		}
	}
	return res, err
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
