package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/admin"
)

// adminAudit is the audit log: filters by action, object kind, actor and
// date range (days in the desk's time zone, both ends included), newest
// first, with a link to the next (older) page. A forged filter or cursor
// is shown as a field error with the filters as typed, never run.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	by := adminActor(r)
	in := r.URL.Query()
	loc := deskLocation(t)
	q := helpdesk.AuditQuery{Action: in.Get("action"), Kind: in.Get("kind")}
	errs := map[string]string{}
	if v := in.Get("actor"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs["actor"] = l.T("error.invalid")
		}
		q.Actor = helpdesk.UserID(id)
	}
	if v := in.Get("from"); v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			errs["from"] = l.T("error.date")
		}
		q.From = d.UTC()
	}
	if v := in.Get("to"); v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			errs["to"] = l.T("error.date")
		}
		// The whole day "to" is included.
		q.To = d.AddDate(0, 0, 1).UTC()
	}
	var err error
	if q.After, err = helpdesk.ParseAuditCursor(in.Get("after")); err != nil {
		errs["after"] = l.T("error.invalid")
	}
	var page helpdesk.AuditPage
	status := http.StatusOK
	if len(errs) == 0 {
		page, err = s.svc.AuditLog(ctx, by, q)
		if err != nil {
			fe, ok := fieldErrors(l, err)
			if !ok {
				return err
			}
			errs = fe
		}
	}
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
		page = helpdesk.AuditPage{}
	}
	facets, err := s.svc.AuditFacets(ctx, by)
	if err != nil {
		return err
	}
	vm := admin.AuditView{
		Frame:     s.adminFrame(r, l.T("admin.audit.title"), "audit"),
		ActionURL: adminPath(t, "/audit"),
		ResetURL:  adminPath(t, "/audit"),
		From:      in.Get("from"),
		To:        in.Get("to"),
		Errors:    errs,
		Filtered:  in.Get("action") != "" || in.Get("kind") != "" || in.Get("actor") != "" || in.Get("from") != "" || in.Get("to") != "",
	}
	if e, ok := errs["after"]; ok {
		// The cursor has no field of its own: say it on the page.
		vm.Frame.Flash = flashError(e)
	}
	for _, a := range facets.Actions {
		vm.Actions = append(vm.Actions, admin.Option{Value: a, Label: auditActionLabel(l, a), Selected: a == in.Get("action")})
	}
	for _, k := range facets.Kinds {
		vm.Kinds = append(vm.Kinds, admin.Option{Value: k, Label: auditKindLabel(l, k), Selected: k == in.Get("kind")})
	}
	for _, u := range facets.Actors {
		id := strconv.FormatInt(int64(u.ID), 10)
		vm.Actors = append(vm.Actors, admin.Option{Value: id, Label: u.Name, Selected: id == in.Get("actor")})
	}
	words, err := s.auditWords(r, l)
	if err != nil {
		return err
	}
	for _, e := range page.Entries {
		vm.Rows = append(vm.Rows, auditRow(words, loc, e))
	}
	if !page.Next.IsZero() {
		next := url.Values{}
		for _, k := range []string{"action", "kind", "actor", "from", "to"} {
			if v := in.Get(k); v != "" {
				next.Set(k, v)
			}
		}
		next.Set("after", page.Next.String())
		vm.NextURL = adminPath(t, "/audit") + "?" + next.Encode()
	}
	return s.render(w, r, status, admin.AuditPage(vm))
}
