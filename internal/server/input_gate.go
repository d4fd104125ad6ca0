package server

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"unicode/utf8"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// The input gate: every form value, query parameter and path reaches a
// handler as valid UTF-8 without control characters. What a person cannot
// type by accident is refused with a message naming the field, rather than
// silently changed or handed to PostgreSQL (which refuses a NUL with an
// error that used to become a 500). Invisible formatting characters (bidi
// overrides, zero-width space) are not refused here: the domain's
// CleanLine and CleanText drop them, since the user cannot see them.
const (
	inputEncodingKey = "input.error.encoding"
	inputControlKey  = "input.error.control"
	// inputFormField is the field named when a parameter's name itself is
	// unusable.
	inputFormField = "form"
)

// inputProblem returns the message key for what is wrong with s, or "".
// Tab, line feed and carriage return are the only control characters a
// form sends; everything else below U+0020, DEL and the C1 range is
// refused.
func inputProblem(s string) string {
	if !utf8.ValidString(s) {
		return inputEncodingKey
	}
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return inputControlKey
		}
	}
	return ""
}

// checkValues is the gate for a set of form or query values: nil, or a
// ValidationError keyed by each offending field.
func checkValues(vals url.Values) error {
	var v helpdesk.ValidationError
	for name, list := range vals {
		if inputProblem(name) != "" {
			v.Add(inputFormField, inputControlKey)
			continue
		}
		for _, s := range list {
			if key := inputProblem(s); key != "" {
				v.Add(name, key)
				break
			}
		}
	}
	return v.Err()
}

// inputGate refuses a request whose path or query carries bytes no link
// of ours produces: a path as not found, a query parameter with the 422
// page naming it. Bodies are checked where they are parsed (parseForm,
// readUpload), because the body limits live there.
func (s *Server) inputGate(next http.Handler) http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		if inputProblem(r.URL.Path) != "" {
			return errNotFound
		}
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				return &helpdesk.ValidationError{Fields: map[string]string{inputFormField: "error.form"}}
			}
			if err := checkValues(q); err != nil {
				return err
			}
		}
		next.ServeHTTP(w, r)
		return nil
	})
}

// inputMessage is what the 422 page says about input the gate refused:
// the first offending field by name, in the user's language. ok is false
// when err is not the gate's.
func inputMessage(l i18n.Lang, err error) (string, bool) {
	var v *helpdesk.ValidationError
	if !errors.As(err, &v) {
		return "", false
	}
	names := make([]string, 0, len(v.Fields))
	for name, key := range v.Fields {
		if key == inputEncodingKey || key == inputControlKey {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "", false
	}
	sort.Strings(names)
	return l.T(v.Fields[names[0]]+".page", fieldLabel(l, names[0])), true
}

// fieldLabel is how a form field is called on the page; a field without a
// label of its own is named as the form sends it.
func fieldLabel(l i18n.Lang, name string) string {
	if key := "input.field." + name; l.Has(key) {
		return l.T(key)
	}
	return name
}
