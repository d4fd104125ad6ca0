package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
)

// recorder keeps what a handler answers, to store it for retries.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// apiIdempotent runs a POST once per Idempotency-Key of the token: the
// first request runs and its answer (unless a 5xx, which a retry may
// repair) is stored; a retry with the same key and the same request gets
// that answer again, marked Idempotent-Replayed; a concurrent one waits
// for it. The same key with another request is refused.
func (s *Server) apiIdempotent(w http.ResponseWriter, r *http.Request, c *apiCall, fn apiHandler) {
	ctx := r.Context()
	key := r.Header.Get("Idempotency-Key")
	fp, err := fingerprint(r)
	if err != nil {
		s.apiFail(w, r, c, err)
		return
	}
	stored, err := s.svc.BeginIdempotent(ctx, c.tenant.ID, c.token.ID, key, fp)
	if err != nil {
		s.apiFail(w, r, c, err)
		return
	}
	if stored != nil {
		writeStored(w, *stored, true)
		return
	}
	rec := &recorder{ResponseWriter: w}
	if err := fn(rec, r, c); err != nil {
		s.apiFail(rec, r, c, err)
	}
	// The answer is kept even when the client has gone (a timeout), so its
	// retry finds it: a context that outlives the request.
	done := context.WithoutCancel(ctx)
	if rec.status >= 500 || rec.status == 0 {
		if err := s.svc.ReleaseIdempotent(done, c.tenant.ID, c.token.ID, key); err != nil {
			s.log.ErrorContext(ctx, "release idempotency key", "err", err)
		}
		return
	}
	resp := helpdesk.StoredResponse{Status: rec.status, ContentType: w.Header().Get("Content-Type"),
		Location: w.Header().Get("Location"), Body: rec.body.Bytes()}
	if err := s.svc.FinishIdempotent(done, c.tenant.ID, c.token.ID, key, resp); err != nil {
		s.log.ErrorContext(ctx, "store idempotent answer", "err", err)
	}
}

// fingerprint reads the request's body (putting it back for the handler)
// and returns the hash of the request a retry must repeat: method, path,
// query and body.
func fingerprint(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery + "\n"))
	h.Write(body)
	return h.Sum(nil), nil
}

// writeStored answers a kept answer; a replay is marked Idempotent-Replayed.
func writeStored(w http.ResponseWriter, a helpdesk.StoredResponse, replay bool) {
	if a.Location != "" {
		w.Header().Set("Location", a.Location)
	}
	w.Header().Set("Content-Type", a.ContentType)
	if replay {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
}
