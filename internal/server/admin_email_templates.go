package server

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/jhillyerd/enmime/v2"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/internal/mail"
	"github.com/atiende/atiende/web/admin"
)

// The desk's own texts for the automatic notices (helpdesk/mail_templates.go):
// one form per notice and language, each with a preview rendered exactly
// as the mail would be, from a sample ticket.

func templatesPath(t helpdesk.Tenant) string { return emailPath(t) + "/templates" }

func mailKindTitle(l i18n.Lang, k helpdesk.MailKind) string { return mailKindLabel(l, k) }

func langTitle(l i18n.Lang, code string) string {
	if lang, ok := i18n.Parse(code); ok {
		return lang.Name()
	}
	return code
}

// templateForms builds the page's forms from the stored templates; edited,
// when set, replaces one form's text (what was typed) with its problem or
// preview.
func (s *Server) templateForms(l i18n.Lang, stored []helpdesk.MailTemplate, edited *admin.TemplateForm) []admin.TemplateForm {
	var out []admin.TemplateForm
	for _, k := range helpdesk.TemplateKinds() {
		for _, code := range []string{"es", "en"} {
			lang, _ := i18n.Parse(code)
			f := admin.TemplateForm{ID: string(k) + "-" + code, Kind: string(k), Language: code,
				Title: mailKindTitle(l, k) + " · " + langTitle(l, code), Body: mail.DefaultTemplate(lang, k)}
			for _, t := range stored {
				if t.Kind == k && t.Language == code {
					f.Body, f.Custom = t.Body, true
				}
			}
			if edited != nil && edited.ID == f.ID {
				f.Body, f.Error, f.Preview = edited.Body, edited.Error, edited.Preview
			}
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) adminMailTemplates(w http.ResponseWriter, r *http.Request) error {
	return s.renderMailTemplates(w, r, http.StatusOK, nil)
}

func (s *Server) renderMailTemplates(w http.ResponseWriter, r *http.Request, status int, edited *admin.TemplateForm) error {
	t, l := tenantFrom(r), s.lang(r)
	stored, err := s.svc.MailTemplates(r.Context(), adminActor(r))
	if err != nil {
		return err
	}
	vm := admin.MailTemplates{Frame: s.adminFrame(r, l.T("admin.email.templates.title"), "email"),
		Title: l.T("admin.email.templates.title"), Intro: l.T("admin.email.templates.intro"),
		Placeholders: helpdesk.TemplatePlaceholders, ActionURL: templatesPath(t), BackURL: emailPath(t),
		Forms: s.templateForms(l, stored, edited)}
	return s.render(w, r, status, admin.MailTemplatesPage(vm))
}

// adminSaveMailTemplate saves, resets or previews one form.
func (s *Server) adminSaveMailTemplate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	kind, code := helpdesk.MailKind(r.PostForm.Get("kind")), r.PostForm.Get("language")
	if !slices.Contains(helpdesk.TemplateKinds(), kind) || (code != "es" && code != "en") {
		return errNotFound
	}
	form := admin.TemplateForm{ID: string(kind) + "-" + code, Body: r.PostForm.Get("body")}
	switch r.PostForm.Get("action") {
	case "preview":
		body, err := helpdesk.CheckMailTemplate("body", form.Body)
		if err == nil {
			form.Preview, err = s.previewTemplate(t, kind, code, body)
		}
		var ve *helpdesk.ValidationError
		if errors.As(err, &ve) {
			form.Error = l.T(ve.Fields["body"])
			return s.renderMailTemplates(w, r, http.StatusUnprocessableEntity, &form)
		}
		if err != nil {
			return err
		}
		return s.renderMailTemplates(w, r, http.StatusOK, &form)
	case "reset":
		form.Body = ""
	}
	if err := s.svc.SetMailTemplate(ctx, adminActor(r), kind, code, form.Body); err != nil {
		var ve *helpdesk.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for _, msg := range ve.Fields {
			form.Error = l.T(msg)
		}
		return s.renderMailTemplates(w, r, http.StatusUnprocessableEntity, &form)
	}
	s.flash(ctx, "success", l.T("admin.email.templates.saved"))
	http.Redirect(w, r, templatesPath(t), http.StatusSeeOther)
	return nil
}

// previewTemplate renders the notice as it would go out for a sample
// ticket and returns its text part.
func (s *Server) previewTemplate(t helpdesk.Tenant, kind helpdesk.MailKind, code, body string) (string, error) {
	lang, _ := i18n.Parse(code)
	sample := helpdesk.Ticket{Number: 1042, Subject: lang.T("admin.email.templates.sample_subject"),
		Requester: helpdesk.Requester{Name: lang.T("admin.email.templates.sample_name"), Email: "cliente@example.com"}}
	content := helpdesk.MailContent{Ticket: sample, Templates: map[string]string{code: body}}
	if kind == helpdesk.MailSolved {
		content.RatingToken = "preview"
	}
	r, err := mail.Render(mail.Message{
		Mail:   helpdesk.OutboundMail{Kind: kind, Language: code, To: sample.Requester.Email, ToName: sample.Requester.Name, Auto: true},
		Tenant: t, Content: content, Inbound: t.Slug + "@" + s.cfg.InboundDomain, Domain: s.cfg.InboundDomain,
		BaseURL: s.cfg.BaseURL, Now: time.Now(),
	})
	if err != nil {
		return "", err
	}
	env, err := enmime.ReadEnvelope(bytes.NewReader(r.Raw))
	if err != nil {
		return "", err
	}
	return "Subject: " + env.GetHeader("Subject") + "\n\n" + env.Text, nil
}
