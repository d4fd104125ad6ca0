package server

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jhillyerd/enmime/v2"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/admin"
)

// adminEmailRoutes are the mail log pages under /{tenant}/admin (admins
// only; the domain checks it again).
func (s *Server) adminEmailRoutes(r chi.Router) {
	r.Get("/email", s.h(s.adminEmail))
	r.Get("/email/out/{id}", s.h(s.adminEmailMessage))
	r.Post("/email/in/{id}/retry", s.h(s.adminEmailRetryIn))
	r.Post("/email/out/{id}/retry", s.h(s.adminEmailRetryOut))
	r.Get("/email/templates", s.h(s.adminMailTemplates))
	r.Post("/email/templates", s.h(s.adminSaveMailTemplate))
	r.Get("/email/imap", s.h(s.adminIMAP))
	r.Post("/email/imap", s.h(s.adminSaveIMAP))
}

func emailPath(t helpdesk.Tenant) string { return tenantPath(t, "/admin/email") }

// inboundOutcome says what a received message did, in the reader's
// language.
func inboundOutcome(l i18n.Lang, m helpdesk.InboundMail) string {
	switch {
	case m.State == helpdesk.InboundFailed:
		return l.T("admin.email.outcome.failed")
	case m.State == helpdesk.InboundPending:
		return l.T("admin.email.outcome.pending")
	}
	switch m.Outcome {
	case helpdesk.OutcomeNewTicket:
		return l.T("admin.email.outcome.new_ticket", m.Ticket.String())
	case helpdesk.OutcomeReply:
		return l.T("admin.email.outcome.reply", m.Ticket.String())
	case helpdesk.OutcomeFollowUp:
		return l.T("admin.email.outcome.follow_up", m.Ticket.String())
	case helpdesk.OutcomeDuplicate:
		return l.T("admin.email.outcome.duplicate")
	case helpdesk.OutcomeLoopSuppressed:
		return l.T("admin.email.outcome.loop_suppressed")
	case helpdesk.OutcomeRateLimited:
		return l.T("admin.email.outcome.rate_limited")
	case helpdesk.OutcomeBlocked:
		return l.T("admin.email.outcome.blocked")
	}
	return l.T("admin.email.outcome.rejected")
}

func mailKindLabel(l i18n.Lang, k helpdesk.MailKind) string {
	switch k {
	case helpdesk.MailAck:
		return l.T("admin.email.kind.ack")
	case helpdesk.MailReply:
		return l.T("admin.email.kind.reply")
	case helpdesk.MailPending:
		return l.T("admin.email.kind.pending")
	case helpdesk.MailSolved:
		return l.T("admin.email.kind.solved")
	case helpdesk.MailAssigned:
		return l.T("admin.email.kind.assigned")
	case helpdesk.MailRequesterReply:
		return l.T("admin.email.kind.requester_reply")
	case helpdesk.MailGuestLink:
		return l.T("admin.email.kind.guest_link")
	case helpdesk.MailMention:
		return l.T("admin.email.kind.mention")
	case helpdesk.MailSLAWarning:
		return l.T("admin.email.kind.sla_warning")
	case helpdesk.MailSLABreach:
		return l.T("admin.email.kind.sla_breach")
	case helpdesk.MailRuleNotice:
		return l.T("admin.email.kind.rule_notice")
	}
	return string(k)
}

func mailStateLabel(l i18n.Lang, st helpdesk.OutboundState) string {
	switch st {
	case helpdesk.OutboundSent:
		return l.T("admin.email.state.sent")
	case helpdesk.OutboundLocal:
		return l.T("admin.email.state.local")
	case helpdesk.OutboundFailed:
		return l.T("admin.email.state.failed")
	}
	return l.T("admin.email.state.queued")
}

// inboundDetail explains the reasons the domain records; anything else
// (a field and a message key of a rejected mail) is shown as recorded.
func inboundDetail(l i18n.Lang, d string) string {
	switch {
	case d == "auto_reply":
		return l.T("admin.email.detail.auto_reply")
	case d == "bounce":
		return l.T("admin.email.detail.bounce")
	case d == "staff_sender":
		return l.T("admin.email.detail.staff_sender")
	case d == "attachments_dropped":
		return l.T("admin.email.detail.attachments_dropped")
	case strings.HasPrefix(d, "from:"):
		return l.T("admin.email.detail.from")
	case strings.HasPrefix(d, "#"):
		return "" // the closed ticket a follow-up came from: the outcome says it
	}
	return d
}

func mailID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// adminEmailMessage shows one outbox message: its threading headers and
// its text part (the HTML part is not shown, so nothing in it runs here).
func (s *Server) adminEmailMessage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, l := tenantFrom(r), s.lang(r)
	id, err := mailID(r)
	if err != nil {
		return err
	}
	m, err := s.svc.OutboundMail(ctx, adminActor(r), helpdesk.OutboundMailID(id))
	if err != nil {
		return err
	}
	if m.Raw == nil {
		return errNotFound
	}
	env, err := enmime.ReadEnvelope(bytes.NewReader(m.Raw))
	if err != nil {
		return err
	}
	frame := s.adminFrame(r, l.T("admin.email.message_title", m.Number.String()), "email")
	vm := admin.MailMessage{Frame: frame, Title: env.GetHeader("Subject"), Text: env.Text, BackURL: emailPath(t)}
	for _, h := range []string{"From", "To", "Reply-To", "Date", "Subject", "Message-Id", "In-Reply-To", "References", "Auto-Submitted", "Content-Language"} {
		if v := env.GetHeader(h); v != "" {
			vm.Headers = append(vm.Headers, admin.MailHeader{Name: h, Value: v})
		}
	}
	for _, a := range env.Attachments {
		vm.Headers = append(vm.Headers, admin.MailHeader{Name: "Attachment", Value: a.FileName})
	}
	return s.render(w, r, http.StatusOK, admin.MailMessagePage(vm))
}

func (s *Server) adminEmailRetryIn(w http.ResponseWriter, r *http.Request) error {
	id, err := mailID(r)
	if err != nil {
		return err
	}
	if err := s.svc.RetryInboundMail(r.Context(), adminActor(r), helpdesk.InboundMailID(id)); err != nil {
		return err
	}
	return s.retried(w, r)
}

func (s *Server) adminEmailRetryOut(w http.ResponseWriter, r *http.Request) error {
	id, err := mailID(r)
	if err != nil {
		return err
	}
	if err := s.svc.RetryOutboundMail(r.Context(), adminActor(r), helpdesk.OutboundMailID(id)); err != nil {
		return err
	}
	return s.retried(w, r)
}

func (s *Server) retried(w http.ResponseWriter, r *http.Request) error {
	s.flash(r.Context(), "success", s.lang(r).T("admin.email.retried"))
	http.Redirect(w, r, emailPath(tenantFrom(r)), http.StatusSeeOther)
	return nil
}
