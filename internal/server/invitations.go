package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/admin"
)

// invitationRoutes are the invitee's page: public, the token is the key.
func (s *Server) invitationRoutes(r chi.Router) {
	r.Get("/invitations/{token}", s.h(s.invitationForm))
	r.Post("/invitations/{token}", s.h(s.acceptInvitation))
}

func invitationPath(t helpdesk.Tenant, token string) string {
	return tenantPath(t, "/invitations/"+token)
}

func (s *Server) invitationForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderInvitation(w, r, http.StatusOK, "", nil)
}

// acceptInvitation creates the invitee's account and signs them in.
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	name := r.PostForm.Get("name")
	u, err := s.svc.AcceptInvitation(ctx, t.ID, chi.URLParam(r, "token"), helpdesk.AcceptInput{
		Name: name, Password: r.PostForm.Get("password"), Language: l.String(),
	})
	if err != nil {
		if errors.Is(err, helpdesk.ErrNotFound) {
			return s.renderInvitation(w, r, http.StatusNotFound, "", nil)
		}
		errs, ok := fieldErrors(l, err)
		if !ok {
			return err
		}
		return s.renderInvitation(w, r, http.StatusUnprocessableEntity, name, errs)
	}
	if err := s.signIn(ctx, u); err != nil {
		return err
	}
	if err := s.noteSignIn(w, r, u, true); err != nil {
		return err
	}
	s.flash(ctx, "success", l.T("admin.invitation.welcome", u.Name))
	http.Redirect(w, r, homeOf(t, u), http.StatusSeeOther)
	return nil
}

// renderInvitation shows the form of a pending invitation, or, with a
// 404, that the link does not work (whatever the reason: unknown,
// expired, used, revoked, another desk's).
func (s *Server) renderInvitation(w http.ResponseWriter, r *http.Request, status int, name string, errs map[string]string) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	token := chi.URLParam(r, "token")
	// The token is a bearer credential in the path: never send it on.
	w.Header().Set("Referrer-Policy", "no-referrer")
	c := s.chrome(r, l.T("admin.invitation.page_title"))
	vm := admin.InvitationView{Frame: admin.Frame{Chrome: c}, Desk: t.Name, ActionURL: invitationPath(t, token), Name: name, Errors: errs,
		LoginURL: tenantPath(t, "/login")}
	inv, err := s.svc.InvitationByToken(ctx, t.ID, token)
	switch {
	case errors.Is(err, helpdesk.ErrNotFound) || status == http.StatusNotFound:
		vm.Invalid = true
		status = http.StatusNotFound
	case err != nil:
		return err
	default:
		vm.Email, vm.Role = inv.Email, roleLabel(l, inv.Role)
		if vm.Name == "" && errs == nil {
			vm.Name = inv.Name
		}
	}
	return s.render(w, r, status, admin.InvitationPage(vm))
}
