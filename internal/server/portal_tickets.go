package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/atiende/atiende/internal/helpdesk"
)

// portalTicketRoutes are the customer portal's ticket pages under /{tenant}.
// Every one needs a signed-in customer of the tenant; everything else about
// who may see what is decided by the domain, and a ticket the customer may
// not see answers 404.
func (s *Server) portalTicketRoutes(r chi.Router) {
	opener := newTicketOpener()
	r.Group(func(r chi.Router) {
		r.Use(s.guestTicketForm(), s.requireCustomer) // guests: see portal_guest.go
		r.Get("/tickets", s.h(s.portalTickets))
		r.Get("/tickets/new", s.h(s.portalNewTicket))
		r.With(s.perUserLeft(openTicketScope, openTicketLimit), withBodyLimit(uploadBodyBytes), s.uploadGate).
			Post("/tickets/new", s.h(s.portalOpenTicket(opener)))
		r.Get("/tickets/{number}", s.h(s.portalTicket))
		r.Get("/tickets/{number}/received", s.h(s.portalTicketReceived))
		r.Get("/tickets/{number}/live", s.h(s.portalTicketLive))
		r.With(s.perUser("reply", replyLimit), withBodyLimit(uploadBodyBytes), s.uploadGate).
			Post("/tickets/{number}/reply", s.h(s.portalReply))
		r.Post("/tickets/{number}/confirm", s.h(s.portalConfirm))
		r.Get("/tickets/{number}/attachments/{id}", s.h(s.portalAttachment))
	})
}

// requireCustomer lets signed-in customers through. A signed-out visitor
// (which includes one signed in at another tenant) is sent to this tenant's
// login page; staff are sent to the console, which is where they work on
// tickets (the portal would show them less than they may see).
func (s *Server) requireCustomer(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		t := tenantFrom(r)
		u, ok := userFrom(r)
		safe := r.Method == http.MethodGet || r.Method == http.MethodHead
		switch {
		case !ok:
			login := tenantPath(t, "/login")
			if safe {
				login += "?next=" + urlQueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, login, http.StatusSeeOther)
			return nil
		case u.Role.IsStaff():
			if !safe {
				return errNotFound
			}
			http.Redirect(w, r, consolePathFor(t, r.URL.Path), http.StatusSeeOther)
			return nil
		case u.Role != helpdesk.RoleCustomer:
			return errNotFound
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// consolePathFor maps a portal ticket path to the console's page for the
// same ticket, or the console's home.
func consolePathFor(t helpdesk.Tenant, p string) string {
	rest := strings.TrimPrefix(p, tenantPath(t, "/tickets/"))
	if rest != p {
		num, _, _ := strings.Cut(rest, "/")
		if n, err := helpdesk.ParseTicketNumber(num); err == nil {
			return tenantPath(t, "/agent/tickets/"+strconv.FormatInt(int64(n), 10))
		}
	}
	return tenantPath(t, "/agent/")
}

// customer returns the signed-in customer; requireCustomer guarantees one.
func customer(r *http.Request) helpdesk.User {
	u, _ := userFrom(r)
	return u
}

// ticketNumber reads the {number} path parameter; anything but a positive
// number is ErrNotFound.
func ticketNumber(r *http.Request) (helpdesk.TicketNumber, error) {
	return helpdesk.ParseTicketNumber(chi.URLParam(r, "number"))
}

// ticketPath is the portal path of ticket n, plus suffix.
func ticketPath(t helpdesk.Tenant, n helpdesk.TicketNumber, suffix string) string {
	return tenantPath(t, "/tickets/"+strconv.FormatInt(int64(n), 10)+suffix)
}
