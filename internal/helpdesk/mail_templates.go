package helpdesk

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Mail templates: a desk may write, in Spanish and English, its own text
// for the automatic notices to requesters (acknowledgement, pending,
// solved). The text is plain, with placeholders; the subject ("[#n]
// subject"), the tracking and survey links and the threading headers stay
// Atiende's, so a template can neither break threading nor drop the
// links. An empty text goes back to Atiende's own.

// MailTemplate is a desk's text for one notice in one language.
type MailTemplate struct {
	Kind      MailKind
	Language  string
	Body      string
	UpdatedAt time.Time
}

// MaxTemplateLen bounds a template, in characters.
const MaxTemplateLen = 5000

// TemplateKinds are the notices a desk may rewrite.
func TemplateKinds() []MailKind { return []MailKind{MailAck, MailPending, MailSolved} }

// TemplatePlaceholders are the values a template may use.
var TemplatePlaceholders = []string{"{{ticket.number}}", "{{ticket.subject}}", "{{requester.name}}", "{{desk.name}}"}

var placeholder = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// TemplateStore keeps mail templates.
type TemplateStore interface {
	MailTemplates(ctx context.Context, tenant TenantID) ([]MailTemplate, error)
	// SaveMailTemplate writes t; an empty Body deletes it.
	SaveMailTemplate(ctx context.Context, tenant TenantID, t MailTemplate) error
}

// MailTemplates lists the desk's templates (admins only).
func (s *Service) MailTemplates(ctx context.Context, by Actor) ([]MailTemplate, error) {
	if !by.IsAdmin() {
		return nil, fmt.Errorf("helpdesk: mail templates: %w", ErrNotFound)
	}
	var out []MailTemplate
	err := s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		var err error
		out, err = tx.MailTemplates(ctx, by.Tenant)
		return err
	})
	return out, err
}

// CheckMailTemplate cleans a template's text and checks it: bounded, and
// only known placeholders. Problems are reported on field.
func CheckMailTemplate(field, body string) (string, error) {
	body = strings.TrimSpace(CleanText(body))
	var v ValidationError
	if runeLen(body) > MaxTemplateLen {
		v.Add(field, "error.too_long")
	}
	for _, p := range placeholder.FindAllString(body, -1) {
		if !slices.Contains(TemplatePlaceholders, strings.ReplaceAll(p, " ", "")) {
			v.Add(field, "error.placeholder_unknown")
		}
	}
	return body, v.Err()
}

// SetMailTemplate saves the desk's text for kind in language (admins only);
// an empty text restores Atiende's own.
func (s *Service) SetMailTemplate(ctx context.Context, by Actor, kind MailKind, language, body string) error {
	if !by.IsAdmin() {
		return fmt.Errorf("helpdesk: set mail template: %w", ErrNotFound)
	}
	if !slices.Contains(TemplateKinds(), kind) || (language != "es" && language != "en") {
		return fmt.Errorf("helpdesk: mail template %s/%s: %w", kind, language, ErrNotFound)
	}
	field := "body_" + string(kind) + "_" + language
	body, err := CheckMailTemplate(field, body)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, by.Tenant, func(tx Store) error {
		return tx.SaveMailTemplate(ctx, by.Tenant, MailTemplate{Kind: kind, Language: language, Body: body, UpdatedAt: s.now()})
	})
}

// ExpandMailTemplate fills a template's placeholders.
func ExpandMailTemplate(body string, t Ticket, desk string) string {
	return placeholder.ReplaceAllStringFunc(body, func(p string) string {
		switch strings.ReplaceAll(p, " ", "") {
		case "{{ticket.number}}":
			return t.Number.String()
		case "{{ticket.subject}}":
			return t.Subject
		case "{{requester.name}}":
			return t.Requester.Name
		case "{{desk.name}}":
			return desk
		}
		return p
	})
}
