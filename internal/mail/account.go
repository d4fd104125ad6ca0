package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jhillyerd/enmime/v2"
	"github.com/riverqueue/river"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// Account mail (helpdesk/account_mail.go): set-password links,
// invitations and security notices, delivered like ticket notifications
// (same worker, same retries) but belonging to no ticket. Everything goes
// through helpdesk.Service, which mints a link's token the first time the
// message is rendered.

// DeliverAccount renders account message id of tenant (once) and sends it,
// returning the state reached: sent, or local without SMTP. A message no
// longer queued is left as it is.
func (d *Deliverer) DeliverAccount(ctx context.Context, tenant helpdesk.TenantID, id helpdesk.AccountMailID) (helpdesk.OutboundState, error) {
	c, err := d.Service.PrepareAccountMail(ctx, tenant, id)
	if err != nil {
		return "", err
	}
	m := c.Mail
	if m.State != helpdesk.OutboundQueued {
		return m.State, nil
	}
	inbound := c.Tenant.Slug + "@" + d.Domain
	if m.Raw == nil {
		if m.Kind.CarriesLink() && c.Token == "" {
			// An invitation revoked or accepted before it went out: nothing
			// to send.
			return helpdesk.OutboundFailed, nil
		}
		r, err := RenderAccount(AccountMessage{Content: c, Inbound: inbound, From: d.From, Domain: d.Domain, BaseURL: d.BaseURL, Now: d.now()})
		if err != nil {
			return "", err
		}
		if err := d.Service.SaveRenderedAccountMail(ctx, tenant, id, r.MessageID, r.Subject, r.Raw); err != nil {
			return "", err
		}
		m.Raw = r.Raw
	}
	if d.SMTP == nil {
		return helpdesk.OutboundLocal, nil
	}
	if err := d.SMTP.Send(ctx, inbound, m.To, bytes.Clone(m.Raw)); err != nil {
		return "", err
	}
	return helpdesk.OutboundSent, nil
}

// AccountMessage is everything RenderAccount needs.
type AccountMessage struct {
	Content helpdesk.AccountMailContent
	Inbound string // the desk's address: envelope sender and Reply-To
	From    string // configured sender; Inbound when empty
	Domain  string
	BaseURL string
	Now     time.Time
}

// RenderAccount builds the MIME message (plain + HTML) of an account mail
// in the recipient's language, else the desk's.
func RenderAccount(m AccountMessage) (Rendered, error) {
	c := m.Content
	lang, ok := i18n.Parse(c.Mail.Language)
	if !ok {
		if lang, ok = i18n.Parse(c.Tenant.Language); !ok {
			lang = i18n.Default
		}
	}
	subject, b := composeAccount(m, lang)
	var text strings.Builder
	if b.Greeting != "" {
		text.WriteString(b.Greeting + "\n\n")
	}
	for _, p := range b.Paras {
		text.WriteString(p + "\n\n")
	}
	if b.Link != "" {
		text.WriteString(b.LinkLabel + ": " + b.Link + "\n\n")
	}
	text.WriteString("-- \n" + b.Footer + "\n")
	var html bytes.Buffer
	if err := htmlTemplate.Execute(&html, b); err != nil {
		return Rendered{}, fmt.Errorf("mail: render account %s: %w", c.Mail.Kind, err)
	}
	rnd := make([]byte, 12)
	_, _ = rand.Read(rnd)
	id := "acct." + strconv.FormatInt(int64(c.Tenant.ID), 10) + "." + strconv.FormatInt(int64(c.Mail.ID), 10) + "." +
		hex.EncodeToString(rnd) + "@" + m.Domain
	from := m.From
	if from == "" {
		from = m.Inbound
	}
	part, err := enmime.Builder().
		From(c.Tenant.Name, from).
		To(c.Mail.ToName, c.Mail.To).
		Subject(subject).
		Date(m.Now).
		Header("Message-ID", "<"+id+">").
		Header("Content-Language", string(lang)).
		// Automatic: no out-of-office answers (RFC 3834).
		Header("Auto-Submitted", "auto-generated").
		Header("X-Auto-Response-Suppress", "All").
		Text([]byte(text.String())).
		HTML(html.Bytes()).
		Build()
	if err != nil {
		return Rendered{}, fmt.Errorf("mail: build account %s: %w", c.Mail.Kind, err)
	}
	var raw bytes.Buffer
	if err := part.Encode(&raw); err != nil {
		return Rendered{}, fmt.Errorf("mail: encode account %s: %w", c.Mail.Kind, err)
	}
	return Rendered{MessageID: id, Subject: subject, Raw: raw.Bytes()}, nil
}

// composeAccount returns the subject and text of an account mail.
func composeAccount(m AccountMessage, l i18n.Lang) (string, body) {
	c := m.Content
	base := strings.TrimSuffix(m.BaseURL, "/") + "/" + c.Tenant.Slug
	desk := c.Tenant.Name
	b := body{Lang: l, Desk: desk, Footer: l.T("mail.account.footer", desk)}
	if c.Mail.ToName != "" {
		b.Greeting = l.T("mail.greeting", c.Mail.ToName)
	}
	until := func() string { return formatWhen(l, c.ExpiresAt, c.Tenant.TimeZone) }
	var subject string
	switch c.Mail.Kind {
	case helpdesk.AccountMailReset:
		subject = l.T("mail.account.reset.subject", desk)
		b.Paras = []string{l.T("mail.account.reset.body", desk), l.T("mail.account.link_expires", until()), l.T("mail.account.not_you")}
		b.LinkLabel, b.Link = l.T("mail.account.reset.link"), base+"/reset/"+c.Token
	case helpdesk.AccountMailClaim:
		subject = l.T("mail.account.claim.subject", desk)
		b.Paras = []string{l.T("mail.account.claim.body", desk), l.T("mail.account.link_expires", until()), l.T("mail.account.not_you")}
		b.LinkLabel, b.Link = l.T("mail.account.claim.link"), base+"/reset/"+c.Token
	case helpdesk.AccountMailInvitation:
		subject = l.T("mail.account.invitation.subject", desk)
		b.Paras = []string{l.T("mail.account.invitation.body", desk, roleName(l, c.Role)), l.T("mail.account.link_expires", until())}
		b.LinkLabel, b.Link = l.T("mail.account.invitation.link"), base+"/invitations/"+c.Token
	case helpdesk.AccountMailNewSignIn:
		subject = l.T("mail.account.new_signin.subject", desk)
		b.Paras = []string{l.T("mail.account.new_signin.body", desk, c.Mail.Detail), l.T("mail.account.check_sessions")}
		b.LinkLabel, b.Link = l.T("mail.account.sessions_link"), base+"/account"
	case helpdesk.AccountMailPasswordChanged:
		subject = l.T("mail.account.password_changed.subject", desk)
		b.Paras = []string{l.T("mail.account.password_changed.body", desk), l.T("mail.account.if_not_you")}
		b.LinkLabel, b.Link = l.T("mail.account.forgot_link"), base+"/forgot"
	case helpdesk.AccountMailTwoFactorOff:
		subject = l.T("mail.account.twofa_off.subject", desk)
		b.Paras = []string{l.T("mail.account.twofa_off.body", desk), l.T("mail.account.if_not_you")}
		b.LinkLabel, b.Link = l.T("mail.account.sessions_link"), base+"/account"
	case helpdesk.AccountMailPasskeyAdded, helpdesk.AccountMailPasskeyRemoved, helpdesk.AccountMailPasskeyClone:
		k := "mail.account." + string(c.Mail.Kind)
		subject = l.T(k+".subject", desk)
		b.Paras = []string{l.T(k+".body", desk, c.Mail.Detail), l.T("mail.account.if_not_you")}
		b.LinkLabel, b.Link = l.T("mail.account.passkeys_link"), base+"/account/passkeys"
	}
	return subject, b
}

func roleName(l i18n.Lang, r helpdesk.Role) string {
	switch r {
	case helpdesk.RoleAdmin:
		return l.T("mail.account.role.admin")
	case helpdesk.RoleAgent:
		return l.T("mail.account.role.agent")
	}
	return l.T("mail.account.role.customer")
}

// formatWhen writes t in the desk's time zone, to the minute.
func formatWhen(l i18n.Lang, t time.Time, zone string) string {
	if loc, err := time.LoadLocation(zone); err == nil {
		t = t.In(loc)
	}
	if l == i18n.EN {
		return t.Format("2 Jan 2006, 15:04 MST")
	}
	return t.Format("02/01/2006 15:04 MST")
}

// handleAccount works an account mail job: deliver, then record the
// outcome; a failed attempt is recorded and retried like ticket mail.
func (w *Worker) handleAccount(ctx context.Context, tenant helpdesk.TenantID, mailID int64, attempt int) error {
	id := helpdesk.AccountMailID(mailID)
	svc := w.Outbound.Service
	state, err := w.Outbound.DeliverAccount(ctx, tenant, id)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		final := Permanent(err) || attempt >= w.MaxOutbound
		next := helpdesk.OutboundQueued
		if final {
			next = helpdesk.OutboundFailed
		}
		w.Log.WarnContext(ctx, "mail attempt failed", "mail", "account", "tenant", tenant, "id", mailID, "attempt", attempt, "final", final, "err", err)
		if ferr := svc.FinishAccountMail(ctx, tenant, id, next, err.Error()); ferr != nil {
			w.Log.ErrorContext(ctx, "mail: record failure", "mail", "account", "tenant", tenant, "id", mailID, "err", ferr)
		}
		if final {
			return river.JobCancel(err)
		}
		return err
	}
	switch state {
	case helpdesk.OutboundSent, helpdesk.OutboundLocal:
		return svc.FinishAccountMail(ctx, tenant, id, state, "")
	case helpdesk.OutboundFailed:
		return svc.FinishAccountMail(ctx, tenant, id, state, "nothing to send: the invitation is no longer pending")
	}
	return nil
}

// withClaimLink makes an acknowledgement's link the first-password link
// when the message carries one: the ticket's own page asks to sign in,
// which a requester without a password cannot do yet.
func withClaimLink(b body, m Message, l i18n.Lang) body {
	if m.Content.ClaimToken == "" {
		return b
	}
	base := strings.TrimSuffix(m.BaseURL, "/") + "/" + m.Tenant.Slug
	b.Paras = append(b.Paras, l.T("mail.account.claim.in_ack"))
	b.LinkLabel, b.Link = l.T("mail.account.claim.link"), base+"/reset/"+m.Content.ClaimToken
	return b
}
