package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/atiende/atiende/web/console"
)

// bulkKeepKey carries, in a request's context, the bulk form a refusal
// shows again: the queue is rendered for the page the form came from with
// the selection still ticked and the action and value as chosen.
type bulkKeepKey struct{}

// refusedBulk answers a bulk request that was refused (wholly, or for some
// tickets) with the queue it came from, status 422, msg as its flash, and
// the form as submitted.
func (s *Server) refusedBulk(w http.ResponseWriter, r *http.Request, next, msg string) error {
	t := tenantFrom(r)
	u, err := url.Parse(next)
	if err != nil {
		return err
	}
	keep := console.BulkKeep{Action: r.PostForm.Get("action"), Arg: r.PostForm.Get("arg")}
	for _, sel := range r.PostForm["ticket"] {
		if n, _, ok := strings.Cut(sel, ":"); ok {
			keep.Numbers = append(keep.Numbers, n)
		}
	}
	viewID := defaultView
	if rest, ok := strings.CutPrefix(u.Path, tenantPath(t, "/agent/views/")); ok && rest != "" && !strings.Contains(rest, "/") {
		viewID = rest
	}
	v, err := s.resolveView(r, viewID)
	if err != nil {
		return err
	}
	ctx := context.WithValue(r.Context(), bulkKeepKey{}, keep)
	s.flash(ctx, "error", msg)
	q := r.Clone(ctx)
	q.Method, q.URL, q.Form, q.PostForm = http.MethodGet, u, nil, nil
	return s.renderQueue(&statusWriter{ResponseWriter: w, status: http.StatusUnprocessableEntity}, q, v, viewForm{}, nil)
}

// bulkKeepView puts a refused bulk form back on the queue (see
// refusedBulk); nothing on any other request.
func bulkKeepView(r *http.Request, vm *console.Queue) {
	keep, ok := r.Context().Value(bulkKeepKey{}).(console.BulkKeep)
	if !ok {
		return
	}
	vm.Keep = keep
	for i := range vm.Bulk {
		vm.Bulk[i].Selected = vm.Bulk[i].Value == keep.Action
	}
}

// statusWriter answers with status instead of 200: a queue shown again
// after a refusal is a 422, whatever the queue's own rendering chose.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if code == http.StatusOK {
		code = w.status
	}
	w.ResponseWriter.WriteHeader(code)
}
