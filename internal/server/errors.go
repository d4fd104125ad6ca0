package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/web/layout"
)

// Errors of the HTTP layer itself; domain errors come from helpdesk.
var (
	errNotFound         = helpdesk.ErrNotFound
	errMethodNotAllowed = errors.New("method not allowed")
	errCrossOrigin      = errors.New("cross-origin request refused")
)

// handlerFunc is a handler that returns its error to one place, serveError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// h adapts a handlerFunc to http.HandlerFunc.
func (s *Server) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

// serveError maps an error to a status and a friendly page. Details are
// logged, never shown: a 500 says only that something failed.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	var maxBytes *http.MaxBytesError
	var invalid *helpdesk.ValidationError
	switch {
	case errors.Is(err, errSlowBody):
		// Before clientGone: the read deadline that cut the body also
		// cancelled the request's context.
		status = http.StatusRequestTimeout
	case clientGone(r, err):
		// Nobody is listening: no page, and no server error in the log.
		s.log.InfoContext(r.Context(), "client closed request", "request_id", middleware.GetReqID(r.Context()), "route", routeOf(r), "err", err)
		w.WriteHeader(statusClientClosed)
		return
	case errors.Is(err, errUploadsBusy):
		status = http.StatusServiceUnavailable
	case errors.Is(err, errTooManyUploads):
		status = http.StatusTooManyRequests
	case dbUnavailable(err):
		status = http.StatusServiceUnavailable
	case errors.Is(err, helpdesk.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, helpdesk.ErrForbidden), errors.Is(err, errCrossOrigin):
		status = http.StatusForbidden
	case errors.Is(err, helpdesk.ErrConflict), errors.Is(err, helpdesk.ErrInvalidTransition):
		status = http.StatusConflict
	case errors.As(err, &invalid):
		// Handlers show field errors next to their form; one that reaches
		// here came from input no form shows (a forged parameter).
		status = http.StatusUnprocessableEntity
	case errors.Is(err, helpdesk.ErrRateLimited):
		status = http.StatusTooManyRequests
	case errors.Is(err, errMethodNotAllowed):
		status = http.StatusMethodNotAllowed
	case errors.As(err, &maxBytes):
		status = http.StatusRequestEntityTooLarge
	}
	if r.ContentLength != 0 && status != http.StatusUnprocessableEntity && status != http.StatusNotFound {
		// The rest of a refused body is not worth reading: net/http would
		// otherwise wait for it before answering, to reuse the connection.
		w.Header().Set("Connection", "close")
	}
	if status == http.StatusServiceUnavailable {
		// Expected while PostgreSQL restarts; the pool reconnects by itself.
		s.log.WarnContext(r.Context(), "database unavailable", "request_id", middleware.GetReqID(r.Context()), "route", routeOf(r), "err", err)
		unavailableHeaders(w)
	}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", "request_id", middleware.GetReqID(r.Context()), "route", routeOf(r), "err", err)
	}
	// A body cut off by its read deadline cancels the request's context;
	// the page is still worth writing.
	r = r.WithContext(context.WithoutCancel(r.Context()))
	c := s.chrome(r, "")
	key := errorKey(status)
	c.Title = c.L.T(key + ".title")
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
	}
	if errors.Is(err, errUploadsBusy) {
		key = "error.uploads_busy"
		c.Title = c.L.T(key + ".title")
	}
	msg := c.L.T(key + ".message")
	var kept []layout.KeptValue
	if m, ok := inputMessage(c.L, err); ok {
		msg = m
		kept = keptInput(c.L, r)
	}
	if rerr := s.render(w, r, status, layout.ErrorPage(c, status, c.Title, msg, errorRef(r, status), kept...)); rerr != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

func errorKey(status int) string {
	switch status {
	case http.StatusNotFound:
		return "error.404"
	case http.StatusForbidden:
		return "error.403"
	case http.StatusConflict:
		return "error.409"
	case http.StatusUnprocessableEntity:
		return "error.422"
	case http.StatusTooManyRequests:
		return "error.429"
	case http.StatusMethodNotAllowed:
		return "error.405"
	case http.StatusRequestEntityTooLarge:
		return "error.413"
	case http.StatusServiceUnavailable:
		return "error.503"
	case http.StatusRequestTimeout:
		return "error.408"
	}
	return "error.500"
}

// routeOf is the route pattern r matched, for logs: never the raw path,
// which may carry a bearer token.
func routeOf(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		return rc.RoutePattern()
	}
	return ""
}

// errorRef is what an error page shows for support to find the log line: the
// request id of a server error, nothing for the user's own mistakes.
func errorRef(r *http.Request, status int) string {
	if status < 500 {
		return ""
	}
	return middleware.GetReqID(r.Context())
}
