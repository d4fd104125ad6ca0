package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/console"
)

// bulkOptions are what a queue's bulk form offers, as "kind:value":
// take, assign to an agent, move to a group, status, priority, add a tag
// and merge into one ticket (the last two take the form's extra field).
func bulkOptions(l i18n.Lang, agents []helpdesk.User, groups []helpdesk.Group) []console.Option {
	opts := []console.Option{{Value: "", Label: l.T("console.bulk.choose")}, {Value: "take", Label: l.T("console.take")}}
	for _, a := range agents {
		opts = append(opts, console.Option{Value: "assign:" + strconv.FormatInt(int64(a.ID), 10), Label: l.T("console.bulk.assign", a.Name)})
	}
	for _, g := range groups {
		opts = append(opts, console.Option{Value: "group:" + strconv.FormatInt(int64(g.ID), 10), Label: l.T("console.bulk.group", g.Name)})
	}
	for _, st := range []helpdesk.Status{helpdesk.StatusOpen, helpdesk.StatusPending, helpdesk.StatusOnHold, helpdesk.StatusSolved} {
		opts = append(opts, console.Option{Value: "status:" + st.String(), Label: l.T("console.bulk.set_status", statusLabel(l, st))})
	}
	ps := helpdesk.Priorities()
	for i := len(ps) - 1; i >= 0; i-- {
		opts = append(opts, console.Option{Value: "priority:" + ps[i].String(), Label: l.T("console.bulk.set_priority", priorityLabel(l, ps[i]))})
	}
	opts = append(opts,
		console.Option{Value: "tag", Label: l.T("console.bulk.add_tag")},
		console.Option{Value: "merge", Label: l.T("console.bulk.merge")})
	return opts
}

// consoleBulk applies one action to the selected tickets of a queue
// (helpdesk.Service.Bulk); the flash says how many changed and which were
// refused and why.
func (s *Server) consoleBulk(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	next, ok := consoleNext(t, r.PostForm.Get("next"))
	if !ok {
		next = tenantPath(t, "/agent/")
	}
	back := func(kind, msg string) error {
		s.flash(ctx, kind, msg)
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	req, selected := bulkRequest(r)
	res, err := s.svc.Bulk(ctx, agent(r).Actor(), req)
	var v *helpdesk.ValidationError
	if errors.As(err, &v) {
		return s.refusedBulk(w, r, next, bulkRefusedRequest(l, v))
	}
	if err != nil {
		return err
	}
	refused := make([]string, 0, len(res.Tickets))
	for i, o := range res.Tickets {
		if o.Outcome != helpdesk.BulkRefused {
			continue
		}
		which := selected[i] // an unreadable selection is named as sent
		if o.Ticket.Number > 0 {
			which = o.Ticket.Number.String()
		}
		refused = append(refused, l.T("console.bulk.refused_one", which, bulkReason(l, o.Err)))
	}
	msg := l.T("console.bulk.done", res.Done())
	if len(refused) == 0 {
		return back("success", msg)
	}
	return s.refusedBulk(w, r, next, msg+" "+l.T("console.bulk.refused", strings.Join(refused, "; ")))
}

// bulkRequest reads the bulk form: the action as "kind:value" (the tag and
// the merge target in the extra field "arg") and the selected tickets as
// "number:version", returned as sent too. What does not parse is passed on
// as zero, for the domain to refuse.
func bulkRequest(r *http.Request) (helpdesk.BulkRequest, []string) {
	kind, value, _ := strings.Cut(r.PostForm.Get("action"), ":")
	req := helpdesk.BulkRequest{Action: helpdesk.BulkAction(kind)}
	switch req.Action {
	case helpdesk.BulkAssign:
		id, _ := formID(value)
		req.Agent = helpdesk.UserID(id)
	case helpdesk.BulkGroup:
		id, _ := formID(value)
		req.Group = helpdesk.GroupID(id)
	case helpdesk.BulkStatus:
		req.Status = helpdesk.Status(value)
	case helpdesk.BulkPriority:
		req.Priority = helpdesk.Priority(value)
	case helpdesk.BulkTag:
		req.Tag = r.PostForm.Get("arg")
	case helpdesk.BulkMerge:
		req.Target, _ = helpdesk.ParseTicketNumber(strings.TrimSpace(r.PostForm.Get("arg")))
	}
	selected := r.PostForm["ticket"]
	for _, raw := range selected {
		at, _ := parseTicketVersion(raw)
		req.Tickets = append(req.Tickets, at)
	}
	return req, selected
}

// bulkRefusedRequest words a bulk request the domain refused as a whole.
func bulkRefusedRequest(l i18n.Lang, v *helpdesk.ValidationError) string {
	for _, f := range []string{"action", "tag", "target", "tickets"} {
		switch key := v.Fields[f]; key {
		case "":
		case "console.bulk.too_many":
			return l.T(key, helpdesk.MaxBulk)
		default:
			return l.T(key)
		}
	}
	return l.T("console.bulk.bad_action")
}

// parseTicketVersion reads a bulk checkbox value, "number:version".
func parseTicketVersion(s string) (helpdesk.TicketVersion, bool) {
	num, ver, ok := strings.Cut(s, ":")
	if !ok {
		return helpdesk.TicketVersion{}, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return helpdesk.TicketVersion{}, false
	}
	return helpdesk.TicketVersion{Number: helpdesk.TicketNumber(n), Version: formVersion(ver)}, true
}

// bulkReason says why the domain refused one ticket of a bulk action.
func bulkReason(l i18n.Lang, err error) string {
	switch {
	case errors.Is(err, helpdesk.ErrNotFound):
		return l.T("console.bulk.why_not_found")
	case errors.Is(err, helpdesk.ErrConflict):
		return l.T("console.bulk.why_conflict")
	case errors.Is(err, helpdesk.ErrTicketClosed):
		return l.T("console.bulk.why_closed")
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		return l.T("console.bulk.why_transition")
	case errors.Is(err, helpdesk.ErrForbidden):
		return l.T("console.bulk.why_forbidden")
	}
	errs, _ := fieldErrors(l, err)
	msgs := make([]string, 0, len(errs))
	for _, m := range errs {
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, " ")
}

// consoleRelate links the ticket to another, marks it as a duplicate of
// another (which solves it) or merges it into another (which closes it and
// goes to the target), by the other ticket's number.
func (s *Server) consoleRelate(w http.ResponseWriter, r *http.Request) error {
	at, seen, err := ticketForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	st := wsState{reply: console.ReplyDraft{Public: true}, seen: seen, relateOther: r.PostForm.Get("other")}
	other, perr := helpdesk.ParseTicketNumber(strings.TrimSpace(r.PostForm.Get("other")))
	if perr != nil {
		return s.written(w, r, at, &helpdesk.ValidationError{Fields: map[string]string{"other": "console.relate.bad_number"}}, "", st)
	}
	switch r.PostForm.Get("relation") {
	case "link":
		_, err = s.svc.Link(ctx, u.Actor(), at, other)
		return s.written(w, r, at, relateErr(err), l.T("console.done.linked", other.String()), st)
	case "duplicate":
		_, err = s.svc.MarkDuplicate(ctx, u.Actor(), at, other)
		return s.written(w, r, at, relateErr(err), l.T("console.done.duplicate", other.String()), st)
	case "merge":
		_, err = s.svc.Merge(ctx, u.Actor(), at, other)
		if errors.Is(err, helpdesk.ErrNotFound) {
			// The page's own ticket is checked again when the workspace is
			// shown, so only the target can be the missing one here.
			err = &helpdesk.ValidationError{Fields: map[string]string{"other": "console.relate.not_found"}}
		}
		if err != nil {
			return s.written(w, r, at, relateErr(err), "", st)
		}
		s.flash(ctx, "success", l.T("console.done.merged", at.Number.String(), other.String()))
		http.Redirect(w, r, consoleTicketPath(t, other, ""), http.StatusSeeOther)
		return nil
	}
	return s.written(w, r, at, &helpdesk.ValidationError{Fields: map[string]string{"relation": "error.invalid"}}, "", st)
}

// relateErr puts the domain's complaint about the other ticket on the
// form's "other" field: the domain names it link, duplicate_of or target.
func relateErr(err error) error {
	var v *helpdesk.ValidationError
	if errors.As(err, &v) {
		out := &helpdesk.ValidationError{}
		for f, k := range v.Fields {
			switch f {
			case "link", "duplicate_of", "target":
				f = "other"
			}
			out.Add(f, k)
		}
		return out
	}
	return err
}
