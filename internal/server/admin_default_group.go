package server

import (
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/admin"
)

// defaultGroupForm is the groups page's default-group form: the desk's
// active groups, the current one chosen.
func (s *Server) defaultGroupForm(r *http.Request, groups []helpdesk.Group) (admin.DefaultGroupForm, error) {
	cur, err := s.svc.DefaultGroup(r.Context(), adminActor(r))
	if err != nil {
		return admin.DefaultGroupForm{}, err
	}
	f := admin.DefaultGroupForm{URL: adminPath(tenantFrom(r), "/groups/default")}
	if cur != 0 {
		f.Current = idString(cur)
	}
	for _, g := range groups {
		if !g.Archived() {
			f.Options = append(f.Options, admin.Option{Value: idString(g.ID), Label: g.Name})
		}
	}
	return f, nil
}

// adminSetDefaultGroup sets the desk's default group; a group that is not
// the desk's (or archived) is refused as a field error.
func (s *Server) adminSetDefaultGroup(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	l := s.lang(r)
	id := helpdesk.GroupID(optionalID(r.PostForm.Get("default_group")))
	err := s.svc.SetDefaultGroup(r.Context(), adminActor(r), id)
	if errs, ok := fieldErrors(l, err); ok {
		s.flash(r.Context(), "error", l.T("admin.default_group.refused", errs["default_group"]))
	} else if err != nil {
		return err
	} else {
		s.flash(r.Context(), "success", l.T("admin.default_group.saved"))
	}
	http.Redirect(w, r, adminPath(tenantFrom(r), "/groups"), http.StatusSeeOther)
	return nil
}
