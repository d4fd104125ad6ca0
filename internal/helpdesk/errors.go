package helpdesk

import (
	"errors"
	"sort"
	"strings"
)

// Sentinel errors. Callers test them with errors.Is; the HTTP layer maps them
// to statuses in one place. A foreign or forbidden object is reported as
// ErrNotFound so that its existence does not leak.
var (
	ErrNotFound          = errors.New("not found")
	ErrForbidden         = errors.New("forbidden")
	ErrConflict          = errors.New("conflict")
	ErrInvalidTransition = errors.New("invalid status transition")
	ErrUnauthenticated   = errors.New("invalid credentials")
	ErrRateLimited       = errors.New("too many attempts")
)

// ConflictError is a value that must be unique and is taken, as the store
// reports it. Field names the form field the value came from ("name",
// "domains", ...) when the store knows it, "" otherwise. It matches
// ErrConflict with errors.Is; callers that word the refusal per field use
// errors.As.
type ConflictError struct {
	Field string
}

func (e *ConflictError) Error() string {
	if e.Field == "" {
		return ErrConflict.Error()
	}
	return ErrConflict.Error() + ": " + e.Field + " taken"
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

// ValidationError reports input that breaks a rule. Fields maps a form field
// name to a message key of the i18n catalogue (never to prose), so every
// surface can show it in the user's language next to the field.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, k := range keys {
		b.WriteString(" " + k + "=" + e.Fields[k])
	}
	return b.String()
}

// Add records a problem with field; the first message per field wins.
func (e *ValidationError) Add(field, msgKey string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msgKey
	}
}

// Err returns e when it holds at least one problem, nil otherwise.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}
