package server

import (
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

// parseForm reads a urlencoded body within the size limit.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return &helpdesk.ValidationError{Fields: map[string]string{"form": "error.form"}}
	}
	return nil
}
