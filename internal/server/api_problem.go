package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// problem is an RFC 9457 problem document. Type is about:blank throughout
// (the status says what happened); Code is a stable, machine-readable
// name of the problem, and Errors the field problems of a 422, each with
// the same message the forms show.
type problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Code      string         `json:"code"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []fieldProblem `json:"errors,omitempty"`
}

// fieldProblem is one field's problem: the JSON member (dotted for nested
// ones), the message in the token's language and the catalogue key.
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// apiFail answers err as a problem document in the caller's language (the
// token's, or before authentication the desk's). 500s are logged with
// their cause, which is never shown.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, c *apiCall, err error) {
	lang := apiLang(r, c)
	p := problem{Type: "about:blank", Status: http.StatusInternalServerError, Code: "server_error",
		Instance: r.URL.Path, RequestID: middleware.GetReqID(r.Context())}
	key := "api.problem.server"
	var args []any
	var invalid *helpdesk.ValidationError
	var scope errNoScope
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, helpdesk.ErrUnauthenticated):
		p.Status, p.Code, key = http.StatusUnauthorized, "unauthenticated", "api.problem.unauthenticated"
		w.Header().Set("WWW-Authenticate", `Bearer realm="atiende"`)
	case errors.As(err, &scope):
		p.Status, p.Code, key, args = http.StatusForbidden, "insufficient_scope", "api.problem.forbidden", []any{string(scope.scope)}
	case errors.Is(err, helpdesk.ErrNotFound):
		p.Status, p.Code, key = http.StatusNotFound, "not_found", "api.problem.not_found"
	case errors.Is(err, helpdesk.ErrForbidden):
		p.Status, p.Code, key, args = http.StatusForbidden, "forbidden", "api.problem.forbidden", []any{"-"}
	case errors.Is(err, helpdesk.ErrIdempotencyMismatch):
		p.Status, p.Code, key = http.StatusUnprocessableEntity, "idempotency_key_reused", "api.problem.idempotency"
	case errors.Is(err, helpdesk.ErrInFlight):
		p.Status, p.Code, key = http.StatusConflict, "idempotency_in_flight", "api.problem.in_flight"
		w.Header().Set("Retry-After", "1")
	case errors.As(err, &invalid):
		p.Status, p.Code, key = http.StatusUnprocessableEntity, "validation", "api.problem.validation"
		p.Errors = fieldProblems(lang, invalid)
	case errors.Is(err, errBadJSON):
		p.Status, p.Code, key = http.StatusBadRequest, "malformed_json", "api.error.json"
	case errors.Is(err, errBadMultipart):
		p.Status, p.Code, key = http.StatusBadRequest, "malformed_multipart", "api.error.multipart"
	case errors.Is(err, errTooManyUploads):
		p.Status, p.Code, key = http.StatusTooManyRequests, "too_many_uploads", "api.problem.uploads"
		args = []any{maxUploadsPerClient}
	case errors.Is(err, errUploadsBusy):
		p.Status, p.Code, key = http.StatusServiceUnavailable, "uploads_busy", "error.uploads_busy.title"
	case errors.Is(err, errMediaType):
		p.Status, p.Code, key = http.StatusUnsupportedMediaType, "unsupported_media_type", "api.problem.media_type"
	case errors.Is(err, errPrecondition):
		p.Status, p.Code, key = http.StatusPreconditionRequired, "if_match_required", "api.problem.precondition"
	case errors.Is(err, helpdesk.ErrConflict):
		p.Status, p.Code, key = http.StatusConflict, "stale_version", "api.problem.conflict"
	case errors.Is(err, helpdesk.ErrInvalidTransition):
		p.Status, p.Code, key = http.StatusConflict, "invalid_transition", "api.problem.transition"
	case errors.Is(err, helpdesk.ErrRateLimited):
		p.Status, p.Code, key, args = http.StatusTooManyRequests, "rate_limited", "api.problem.rate_limited", []any{retryAfter(w)}
	case errors.Is(err, errMethodNotAllowed):
		p.Status, p.Code, key = http.StatusMethodNotAllowed, "method_not_allowed", "api.problem.method"
	case errors.As(err, &tooBig):
		p.Status, p.Code, key = http.StatusRequestEntityTooLarge, "too_large", "api.problem.too_large"
	}
	if p.Status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "API request failed", "request_id", p.RequestID, "route", routeOf(r), "err", err)
	}
	p.Title = lang.T(key, args...)
	w.Header().Set("Content-Language", string(lang))
	w.Header().Set("Cache-Control", "no-store")
	b, merr := json.Marshal(p)
	if merr != nil {
		http.Error(w, http.StatusText(p.Status), p.Status)
		return
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(b, '\n'))
}

func retryAfter(w http.ResponseWriter) int {
	if n, err := strconv.Atoi(w.Header().Get("Retry-After")); err == nil {
		return n
	}
	return 1
}

// apiLang is the caller's language: the token's, else the desk's.
func apiLang(r *http.Request, c *apiCall) i18n.Lang {
	if c != nil {
		return c.lang
	}
	if hasTenant(r) {
		if l, ok := i18n.Parse(tenantFrom(r).Language); ok {
			return l
		}
	}
	return i18n.ES
}

// fieldProblems lists v's fields in a stable order with their messages.
func fieldProblems(l i18n.Lang, v *helpdesk.ValidationError) []fieldProblem {
	out := make([]fieldProblem, 0, len(v.Fields))
	for f, key := range v.Fields {
		out = append(out, fieldProblem{Field: f, Message: l.T(key), Code: key})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}
