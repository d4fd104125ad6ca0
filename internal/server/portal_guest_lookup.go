package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/portal"
)

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
