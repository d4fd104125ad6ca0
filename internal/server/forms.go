package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// fieldErrors translates a domain ValidationError for a form. ok is false
// when err is some other error, which the caller returns as is.
func fieldErrors(l i18n.Lang, err error) (map[string]string, bool) {
	var v *helpdesk.ValidationError
	if !errors.As(err, &v) {
		return nil, false
	}
	out := make(map[string]string, len(v.Fields))
	for f, key := range v.Fields {
		out[f] = l.T(key)
	}
	return out, true
}

// parseForm reads a urlencoded body within the size limit and passes its
// values through the input gate (checkValues).
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return bodyError(r, err)
	}
	return checkValues(r.PostForm)
}

// bodyError is what a body that could not be read means: a slow or
// abandoned body or a full upload queue keeps its own error (a 408, a 499,
// a 503), anything else is a form that could not be read. The body's
// guard is asked too, because parsers report a cut-off body as a syntax
// error of their own.
func bodyError(r *http.Request, err error) error {
	if g, ok := r.Context().Value(keyRawBody).(*bodyGuard); ok {
		if gerr := g.failed(); gerr != nil {
			return gerr
		}
	}
	if errors.Is(err, errSlowBody) || errors.Is(err, errUploadsBusy) ||
		errors.Is(err, context.Canceled) || errors.Is(err, errClientAborted) {
		return err
	}
	return &helpdesk.ValidationError{Fields: map[string]string{"form": "error.form"}}
}

// formDone finishes a form handler after the domain call that returned err:
// input the domain refused shows the form again through rerender (with its
// field errors, typed values kept); any other error goes to serveError; on
// success it flashes msg and redirects to next (post/redirect/get).
func (s *Server) formDone(w http.ResponseWriter, r *http.Request, err error, rerender func(errs map[string]string) error, msg, next string) error {
	if err != nil {
		errs, ok := fieldErrors(s.lang(r), err)
		if !ok {
			return err
		}
		return rerender(errs)
	}
	s.flash(r.Context(), "success", msg)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
