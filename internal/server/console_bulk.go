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

// maxBulk bounds one bulk submission: a page of the queue.
const maxBulk = helpdesk.MaxPageSize

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

// consoleBulk applies one action to the selected tickets of a queue. Each
// ticket goes through the domain on its own, with the version the agent
// saw, so each ticket's rules apply; the flash says how many changed and
// which were refused and why.
func (s *Server) consoleBulk(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), agent(r), s.lang(r)
	by := u.Actor()
	next, ok := consoleNext(t, r.PostForm.Get("next"))
	if !ok {
		next = tenantPath(t, "/agent/")
	}
	back := func(kind, msg string) error {
		s.flash(ctx, kind, msg)
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}

	kind, value, _ := strings.Cut(r.PostForm.Get("action"), ":")
	var apply func(at helpdesk.TicketVersion) error
	var skip helpdesk.TicketNumber // a selected ticket the action leaves alone
	switch kind {
	case "take":
		me := u.ID
		apply = func(at helpdesk.TicketVersion) error {
			_, err := s.svc.Assign(ctx, by, at, helpdesk.Assignment{Agent: &me})
			return err
		}
	case "status":
		st, err := helpdesk.ParseStatus(value)
		if err != nil {
			return back("error", l.T("console.bulk.bad_action"))
		}
		apply = func(at helpdesk.TicketVersion) error {
			_, err := s.svc.ChangeStatus(ctx, by, at, st)
			return err
		}
	case "priority":
		p, err := helpdesk.ParsePriority(value)
		if err != nil {
			return back("error", l.T("console.bulk.bad_action"))
		}
		apply = func(at helpdesk.TicketVersion) error {
			_, err := s.svc.SetPriority(ctx, by, at, p)
			return err
		}
	case "assign":
		id, err := formID(value)
		if err != nil || id == 0 {
			return back("error", l.T("console.bulk.bad_action"))
		}
		agent := helpdesk.UserID(id)
		apply = func(at helpdesk.TicketVersion) error {
			_, err := s.svc.Assign(ctx, by, at, helpdesk.Assignment{Agent: &agent})
			return err
		}
	case "group":
		id, err := formID(value)
		if err != nil || id == 0 {
			return back("error", l.T("console.bulk.bad_action"))
		}
		group := helpdesk.GroupID(id)
		apply = func(at helpdesk.TicketVersion) error {
			_, err := s.svc.Assign(ctx, by, at, helpdesk.Assignment{Group: &group})
			return err
		}
	case "tag":
		tags, err := helpdesk.NormaliseTags([]string{r.PostForm.Get("arg")})
		if err != nil || len(tags) != 1 {
			return back("error", l.T("console.bulk.bad_tag"))
		}
		apply = func(at helpdesk.TicketVersion) error {
			_, err := s.svc.AddTags(ctx, by, at, tags)
			return err
		}
	case "merge":
		target, err := helpdesk.ParseTicketNumber(strings.TrimSpace(r.PostForm.Get("arg")))
		if err != nil {
			return back("error", l.T("console.bulk.bad_target"))
		}
		if _, err := s.svc.Ticket(ctx, by, target); err != nil {
			if errors.Is(err, helpdesk.ErrNotFound) {
				return back("error", l.T("console.bulk.bad_target"))
			}
			return err
		}
		apply = func(at helpdesk.TicketVersion) error {
			_, err := s.svc.Merge(ctx, by, at, target)
			return err
		}
		skip = target // the target stays: the others merge into it
	default:
		return back("error", l.T("console.bulk.bad_action"))
	}

	selected := r.PostForm["ticket"]
	if len(selected) == 0 {
		return back("error", l.T("console.bulk.none"))
	}
	if len(selected) > maxBulk {
		return back("error", l.T("console.bulk.too_many", maxBulk))
	}
	done := 0
	var refused []string
	for _, raw := range selected {
		at, ok := parseTicketVersion(raw)
		if !ok {
			refused = append(refused, l.T("console.bulk.refused_one", raw, l.T("console.bulk.why_invalid")))
			continue
		}
		if at.Number == skip {
			continue
		}
		err := apply(at)
		if err == nil {
			done++
			continue
		}
		why, known := bulkReason(l, err)
		if !known {
			return err
		}
		refused = append(refused, l.T("console.bulk.refused_one", at.Number.String(), why))
	}
	msg := l.T("console.bulk.done", done)
	if len(refused) == 0 {
		return back("success", msg)
	}
	return back("error", msg+" "+l.T("console.bulk.refused", strings.Join(refused, "; ")))
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

// bulkReason says why the domain refused one ticket of a bulk action;
// known is false for an unexpected failure.
func bulkReason(l i18n.Lang, err error) (why string, known bool) {
	switch {
	case errors.Is(err, helpdesk.ErrNotFound):
		return l.T("console.bulk.why_not_found"), true
	case errors.Is(err, helpdesk.ErrConflict):
		return l.T("console.bulk.why_conflict"), true
	case errors.Is(err, helpdesk.ErrTicketClosed):
		return l.T("console.bulk.why_closed"), true
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		return l.T("console.bulk.why_transition"), true
	case errors.Is(err, helpdesk.ErrForbidden):
		return l.T("console.bulk.why_forbidden"), true
	}
	if errs, ok := fieldErrors(l, err); ok {
		msgs := make([]string, 0, len(errs))
		for _, m := range errs {
			msgs = append(msgs, m)
		}
		return strings.Join(msgs, " "), true
	}
	return "", false
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
