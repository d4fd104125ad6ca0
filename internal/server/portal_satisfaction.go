package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/layout"
	"github.com/atiende/atiende/web/portal"
)

// Allowances of the rating forms. A rating is one row per resolution, but
// every change is an event: bound how many one person or client can make.
var (
	rateLimit     = limit{60, time.Hour} // per signed-in customer
	rateLinkLimit = limit{60, time.Hour} // per client, through survey links
)

// portalSatisfactionRoutes are the satisfaction (CSAT) rating pages under
// /{tenant}: the signed-in requester rates from the ticket page; anyone
// holding a survey link rates through /rate/{token} without signing in.
func (s *Server) portalSatisfactionRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireCustomer)
		r.With(s.perUser("rate", rateLimit)).Post("/tickets/{number}/rating", s.h(s.portalRate))
	})
	r.Get("/rate/thanks", s.h(s.ratingThanks))
	r.With(noReferrer).Get("/rate/{token}", s.h(s.ratingLinkPage))
	r.With(noReferrer).Post("/rate/{token}", s.h(s.rateByLink))
}

// readRatingForm decodes the rating form. A missing or malformed score is
// 0, which the domain refuses with a message next to the choices.
func readRatingForm(r *http.Request) (portal.RatingForm, error) {
	if err := parseForm(r); err != nil {
		return portal.RatingForm{}, err
	}
	f := portal.RatingForm{Comment: r.PostForm.Get("comment")}
	if n, err := strconv.Atoi(r.PostForm.Get("rating")); err == nil && n >= helpdesk.MinRating && n <= helpdesk.MaxRating {
		f.Score = n
	}
	return f, nil
}

// ratingBlock builds the rating card from the domain's state; nil when the
// ticket has nothing to rate.
func ratingBlock(st helpdesk.RatingState, action string, form portal.RatingForm) *portal.RatingBlock {
	if st.Resolution == 0 || (st.Rating == nil && !st.CanRate) {
		return nil
	}
	b := &portal.RatingBlock{Action: action, CanRate: st.CanRate, Form: form}
	if st.Rating != nil {
		b.Current, b.Comment = st.Rating.Score, st.Rating.Comment
		if form.Score == 0 && len(form.Errors) == 0 {
			// The change form starts from the current rating.
			b.Form = portal.RatingForm{Score: st.Rating.Score, Comment: st.Rating.Comment}
		}
	}
	return b
}

// satisfactionBlock is the rating card of the ticket page: only its
// requester sees it, once the ticket is solved or closed.
func (s *Server) satisfactionBlock(r *http.Request, tk helpdesk.Ticket, requester bool, form portal.RatingForm) (*portal.RatingBlock, error) {
	if !requester || (tk.Status != helpdesk.StatusSolved && tk.Status != helpdesk.StatusClosed) {
		return nil, nil
	}
	st, err := s.svc.Rating(r.Context(), customer(r).Actor(), tk.Number)
	if err != nil {
		return nil, err
	}
	return ratingBlock(st, ticketPath(tenantFrom(r), tk.Number, "/rating"), form), nil
}

// portalRate records the requester's rating (post/redirect/get). Refused
// input shows the ticket page again, with what was typed.
func (s *Server) portalRate(w http.ResponseWriter, r *http.Request) error {
	n, err := ticketNumber(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, u, l := tenantFrom(r), customer(r), s.lang(r)
	form, err := readRatingForm(r)
	if err == nil {
		var rt helpdesk.Rating
		rt, err = s.svc.Rate(ctx, u.Actor(), n, form.Score, form.Comment)
		if err == nil {
			msg := "portal.rating.thanks"
			if !rt.UpdatedAt.Equal(rt.CreatedAt) {
				msg = "portal.rating.updated"
			}
			s.flash(ctx, "success", l.T(msg))
			http.Redirect(w, r, ticketPath(t, n, "#satisfaction"), http.StatusSeeOther)
			return nil
		}
	}
	errs, invalid := fieldErrors(l, err)
	switch {
	case errors.Is(err, helpdesk.ErrTicketClosed):
		s.flash(ctx, "error", l.T("portal.rating.closed"))
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		s.flash(ctx, "error", l.T("portal.rating.not_now"))
	case invalid:
		form.Errors = errs
		return s.renderRatedTicketPage(w, r, http.StatusUnprocessableEntity, n, form)
	default:
		return err
	}
	http.Redirect(w, r, ticketPath(t, n, ""), http.StatusSeeOther)
	return nil
}

// renderRatedTicketPage shows the ticket page with the rating form as
// typed.
func (s *Server) renderRatedTicketPage(w http.ResponseWriter, r *http.Request, status int, n helpdesk.TicketNumber, form portal.RatingForm) error {
	u := customer(r)
	tk, err := s.svc.Ticket(r.Context(), u.Actor(), n)
	if err != nil {
		return err
	}
	vm, err := s.ticketPage(r, tk, portal.ReplyForm{})
	if err != nil {
		return err
	}
	if vm.Satisfaction, err = s.satisfactionBlock(r, tk, tk.Requester.User == u.ID, form); err != nil {
		return err
	}
	return s.render(w, r, status, portal.TicketShowPage(vm))
}

// ratingLinkPage is the survey page of a link: the ticket's reference and
// subject and the rating form, without signing in. A link that does not
// work, for whatever reason, is the same friendly 404.
func (s *Server) ratingLinkPage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.RatingByLink(r.Context(), tenantFrom(r).ID, chi.URLParam(r, "token"))
	if err != nil {
		return s.ratingLinkError(w, r, err)
	}
	// The survey email links each score (?rating=n): the page opens with
	// that score chosen, and one press of the button records it. A GET
	// never records anything.
	var form portal.RatingForm
	if n, err := strconv.Atoi(r.URL.Query().Get("rating")); err == nil && n >= helpdesk.MinRating && n <= helpdesk.MaxRating {
		form.Score = n
	}
	return s.renderRatingLink(w, r, http.StatusOK, st, form)
}

// rateByLink records a rating through a survey link. While the rating can
// still change it returns to the survey page, which shows it; once it is
// final, to a thank-you page that shows nothing of the ticket.
func (s *Server) rateByLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	token := chi.URLParam(r, "token")
	if err := s.allow(ctx, "rate-link", s.clientIP(r), rateLinkLimit); err != nil {
		return err
	}
	form, err := readRatingForm(r)
	if err == nil {
		_, err = s.svc.RateByLink(ctx, t.ID, token, form.Score, form.Comment)
	}
	if errs, invalid := fieldErrors(l, err); invalid {
		st, lerr := s.svc.RatingByLink(ctx, t.ID, token)
		if lerr != nil {
			return s.ratingLinkError(w, r, lerr)
		}
		form.Errors = errs
		return s.renderRatingLink(w, r, http.StatusUnprocessableEntity, st, form)
	}
	if err != nil {
		return s.ratingLinkError(w, r, err)
	}
	if _, err := s.svc.RatingByLink(ctx, t.ID, token); err == nil {
		s.flash(ctx, "success", l.T("portal.rating.link_thanks"))
		http.Redirect(w, r, tenantPath(t, "/rate/"+token), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, tenantPath(t, "/rate/thanks"), http.StatusSeeOther)
	return nil
}

func (s *Server) renderRatingLink(w http.ResponseWriter, r *http.Request, status int, st helpdesk.RatingState, form portal.RatingForm) error {
	t, l := tenantFrom(r), s.lang(r)
	vm := portal.RatingLinkPage{
		Chrome:  s.chrome(r, l.T("portal.rating.link_title")),
		Number:  st.Ticket.Number.String(),
		Subject: st.Subject,
		// The form posts back to the page's own URL: the token is never
		// written anywhere else.
		Block: ratingBlockOrEmpty(ratingBlock(st, tenantPath(t, "/rate/"+chi.URLParam(r, "token")), form)),
	}
	return s.render(w, r, status, portal.RatingLinkShowPage(vm))
}

// ratingBlockOrEmpty keeps the survey page whole if the domain offered
// nothing to rate (it does not: RatingByLink refuses such a link).
func ratingBlockOrEmpty(b *portal.RatingBlock) portal.RatingBlock {
	if b == nil {
		return portal.RatingBlock{}
	}
	return *b
}

// ratingLinkError answers a link that does not work with one friendly
// 404 page, whichever the reason (malformed, unknown, another tenant's,
// expired, already used on a closed ticket); other errors go to the usual
// error page.
func (s *Server) ratingLinkError(w http.ResponseWriter, r *http.Request, err error) error {
	if !errors.Is(err, helpdesk.ErrNotFound) {
		return err
	}
	l := s.lang(r)
	c := s.chrome(r, l.T("portal.rating.gone_title"))
	return s.render(w, r, http.StatusNotFound, layout.ErrorPage(c, http.StatusNotFound, l.T("portal.rating.gone_title"), l.T("portal.rating.gone_message"), ""))
}

func (s *Server) ratingThanks(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, portal.RatingThanksPage(s.chrome(r, s.lang(r).T("portal.rating.thanks_title"))))
}
