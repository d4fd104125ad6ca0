package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// apiCall is who is calling the API: the desk, the token, the actor its
// calls run as, and the language of its messages.
type apiCall struct {
	tenant helpdesk.Tenant
	token  helpdesk.APIToken
	by     helpdesk.Actor
	lang   i18n.Lang
}

type apiCallKey struct{}

// apiHandler is an API endpoint: it returns an error that apiFail turns
// into a problem document.
type apiHandler func(w http.ResponseWriter, r *http.Request, c *apiCall) error

// errNoScope is a token without the scope an endpoint needs.
type errNoScope struct{ scope helpdesk.APIScope }

func (e errNoScope) Error() string { return "API token lacks scope " + string(e.scope) }

var (
	errPrecondition = errors.New("If-Match required")
	errMediaType    = errors.New("unsupported media type")
	errBadJSON      = errors.New("malformed JSON body")
)

// apiRoutes is the JSON API under /{tenant}/api/v1. It has no session and
// no cookie: a bearer token authenticates each request, so cross-origin
// protection (which guards cookies) is not needed here.
func (s *Server) apiRoutes(r chi.Router) {
	r.Use(s.apiTenant)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { s.apiFail(w, r, nil, helpdesk.ErrNotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { s.apiFail(w, r, nil, errMethodNotAllowed) })
	r.Get("/openapi.json", s.apiSpec)
	r.Get("/docs", s.h(s.apiDocs))
	r.Group(func(r chi.Router) {
		r.Use(s.apiAuth)
		s.apiTicketRoutes(r)
		s.apiDirectoryRoutes(r)
		s.apiKBRoutes(r)
		s.apiReportRoutes(r)
		s.apiWebhookRoutes(r)
	})
}

// apiTenant resolves the desk of the path; an unknown slug is a 404
// problem.
func (s *Server) apiTenant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := s.tenantBySlug(r.Context(), chi.URLParam(r, "tenant"))
		if err != nil {
			s.apiFail(w, r, nil, err)
			return
		}
		if info, ok := r.Context().Value(keyInfo).(*requestInfo); ok {
			info.tenant = t.Slug
		}
		defer s.dropAfterChange(r, t.ID)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), keyTenant, t)))
	})
}

// apiAuth checks the bearer token and its rate limit.
func (s *Server) apiAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := tenantFrom(r)
		scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || secret == "" {
			s.apiFail(w, r, nil, helpdesk.ErrUnauthenticated)
			return
		}
		tok, by, err := s.svc.AuthenticateAPI(r.Context(), t.ID, strings.TrimSpace(secret), s.clientIP(r))
		if err != nil {
			if errors.Is(err, helpdesk.ErrUnauthenticated) {
				s.log.InfoContext(r.Context(), "API authentication failed", "request_id", middleware.GetReqID(r.Context()), "tenant", t.Slug)
			}
			s.apiFail(w, r, nil, err)
			return
		}
		lang, ok := i18n.Parse(tok.Language)
		if !ok {
			lang = i18n.ES
		}
		c := &apiCall{tenant: t, token: tok, by: by, lang: lang}
		if wait, ok := s.apiLimits.take(t.ID, tok.ID, tok.RatePerMin, s.now(), w.Header()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(wait))
			s.apiFail(w, r, c, fmt.Errorf("API rate limit: %w", helpdesk.ErrRateLimited))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), apiCallKey{}, c)))
	})
}

// api wraps an endpoint: the token must hold scope; a POST with an
// Idempotency-Key runs once per key (see apiIdempotent).
func (s *Server) api(scope helpdesk.APIScope, fn apiHandler) http.HandlerFunc {
	return s.apiEndpoint(scope, fn, true)
}

// apiKeyed wraps an endpoint that keeps its Idempotency-Key itself, in the
// transaction of its own work (see apiCreateTicket): the token must hold
// scope, and that is all.
func (s *Server) apiKeyed(scope helpdesk.APIScope, fn apiHandler) http.HandlerFunc {
	return s.apiEndpoint(scope, fn, false)
}

// apiEndpoint is api, with the generic idempotency when keyed is true.
func (s *Server) apiEndpoint(scope helpdesk.APIScope, fn apiHandler, keyed bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Context().Value(apiCallKey{}).(*apiCall)
		if c == nil {
			s.apiFail(w, r, nil, helpdesk.ErrUnauthenticated)
			return
		}
		if !c.token.Has(scope) {
			s.apiFail(w, r, c, errNoScope{scope})
			return
		}
		if keyed && r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" {
			s.apiIdempotent(w, r, c, fn)
			return
		}
		if err := fn(w, r, c); err != nil {
			s.apiFail(w, r, c, err)
		}
	}
}

// decodeJSON reads a JSON body into v. Members v does not name are
// ignored (never assigned), as extra form fields are.
func decodeJSON(r *http.Request, v any) error {
	if err := jsonType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	return decodeJSONFrom(r.Body, v)
}

// jsonType accepts a JSON media type, or none (taken as JSON).
func jsonType(ct string) error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return errMediaType
	}
	return nil
}

// decodeJSONFrom reads one JSON value from rd into v; a body over its cap
// stays a *http.MaxBytesError (413), anything else is malformed JSON.
func decodeJSONFrom(rd io.Reader, v any) error {
	dec := json.NewDecoder(rd)
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return fmt.Errorf("%w: %v", errBadJSON, err)
	}
	return nil
}

// writeJSON answers v with status.
func apiJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// ifMatch reads the version an update was based on from If-Match ("3" or
// W/"3"); it is required, so no client overwrites a change it never saw.
func ifMatch(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	v = strings.TrimPrefix(v, "W/")
	v = strings.Trim(v, `"`)
	if v == "" {
		return 0, errPrecondition
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, &helpdesk.ValidationError{Fields: map[string]string{"If-Match": "error.invalid"}}
	}
	return n, nil
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }
