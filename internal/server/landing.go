package server

import (
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/landing"
)

func (s *Server) landing(w http.ResponseWriter, r *http.Request) error {
	c := s.chrome(r, "")
	return s.render(w, r, http.StatusOK, landing.Page(landing.Landing{Chrome: c, BaseURL: s.cfg.BaseURL, Extra: servedClaims(s.router)}))
}

// createDesk signs up a new help desk and signs its admin in.
func (s *Server) createDesk(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	l := s.lang(r)
	in := helpdesk.NewDesk{
		Name: r.PostForm.Get("name"), Slug: r.PostForm.Get("slug"), AdminName: r.PostForm.Get("admin_name"),
		Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password"), Language: l.String(),
	}
	form := landing.DeskForm{Name: in.Name, Slug: in.Slug, AdminName: in.AdminName, Email: in.Email}
	if err := s.allow(r.Context(), "desk-ip", s.clientIP(r), s.limits.deskIP); err != nil {
		return err
	}
	t, admin, err := s.svc.CreateDesk(r.Context(), in)
	if err != nil {
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		form.Errors = errs
		c := s.chrome(r, l.T("landing.form.title"))
		return s.render(w, r, http.StatusUnprocessableEntity, landing.Page(landing.Landing{Chrome: c, Form: form, BaseURL: s.cfg.BaseURL, Extra: servedClaims(s.router)}))
	}
	if err := s.signIn(r.Context(), admin); err != nil {
		return err
	}
	if err := s.noteSignIn(w, r, admin, true); err != nil {
		return err
	}
	s.flash(r.Context(), "success", l.T("landing.created", t.Name))
	http.Redirect(w, r, tenantPath(t, "/agent/"), http.StatusSeeOther)
	return nil
}
