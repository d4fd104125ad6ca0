package server

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/layout"
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

// keptLimit bounds what the refusal page echoes back: enough for any reply
// or description, not a way to reflect megabytes.
const keptLimit = 64 << 10

// keptInput is what the person typed in the form the gate refused, cleaned
// of the offending bytes, so the 422 page can show it for copying: nothing
// they wrote is lost even though nothing was saved. Secrets are never
// echoed, nor fields that carry no prose (ids, versions, form keys).
func keptInput(l i18n.Lang, r *http.Request) []layout.KeptValue {
	if r.Method != http.MethodPost {
		return nil
	}
	vals := r.PostForm
	if r.MultipartForm != nil {
		vals = r.MultipartForm.Value
	}
	names := make([]string, 0, len(vals))
	for name := range vals {
		if inputProblem(name) == "" && !secretField(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var out []layout.KeptValue
	size := 0
	for _, name := range names {
		for _, v := range vals[name] {
			text := cleanTyped(v)
			if !strings.ContainsFunc(text, unicode.IsLetter) || size+len(text) > keptLimit {
				continue
			}
			size += len(text)
			out = append(out, layout.KeptValue{Label: fieldLabel(l, name), Text: text})
		}
	}
	return out
}

// secretField reports whether a form field may hold a secret.
func secretField(name string) bool {
	n := strings.ToLower(name)
	for _, part := range []string{"password", "token", "secret", "code", "key"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// cleanTyped drops what the gate refuses: invalid bytes and control
// characters other than tab and line breaks.
func cleanTyped(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return r
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return -1
		}
		return r
	}, s)
}
