package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/jhillyerd/enmime/v2"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/i18n"
)

// Message is everything Render needs for one outbox message.
type Message struct {
	Mail    helpdesk.OutboundMail
	Tenant  helpdesk.Tenant
	Content helpdesk.MailContent
	// Thread holds the Message-IDs received on the ticket, oldest first.
	Thread []string
	// Inbound is the tenant's inbound address ({slug}@{domain}); replies go
	// there. From is the configured sender address, or Inbound when empty.
	Inbound string
	From    string
	// Domain is the right-hand side of our Message-IDs.
	Domain  string
	BaseURL string
	Signer  helpdesk.ThreadSigner
	Now     time.Time
}

// Rendered is a message ready for SMTP.
type Rendered struct {
	MessageID string // without angle brackets
	Subject   string
	Raw       []byte
}

// body is one message's text as paragraphs, shared by both parts.
type body struct {
	Lang      i18n.Lang
	Desk      string
	Greeting  string
	Paras     []string
	Quote     string // an agent's or requester's reply, shown as a block
	LinkLabel string
	Link      string
	Ratings   []ratingLink
	Footer    string
}

type ratingLink struct {
	Label string
	URL   string
}

// Render builds the MIME message (multipart plain + HTML, with the reply's
// files) for m. Its Message-ID carries the signed threading token; its
// In-Reply-To and References name the mail received on the ticket, so
// clients thread it with the conversation.
func Render(m Message) (Rendered, error) {
	lang, ok := i18n.Parse(m.Mail.Language)
	if !ok {
		if lang, ok = i18n.Parse(m.Tenant.Language); !ok {
			lang = i18n.Default
		}
	}
	t := m.Content.Ticket
	subject := "[" + t.Number.String() + "] " + t.Subject
	b := withClaimLink(compose(m, lang), m, lang)

	var text strings.Builder
	if b.Greeting != "" {
		text.WriteString(b.Greeting + "\n\n")
	}
	for _, p := range b.Paras {
		text.WriteString(p + "\n\n")
	}
	if b.Quote != "" {
		text.WriteString(b.Quote + "\n\n")
	}
	if b.Link != "" {
		text.WriteString(b.LinkLabel + ": " + b.Link + "\n\n")
	}
	for _, r := range b.Ratings {
		text.WriteString(r.Label + ": " + r.URL + "\n")
	}
	if len(b.Ratings) > 0 {
		text.WriteString("\n")
	}
	text.WriteString("-- \n" + b.Footer + "\n")

	var html bytes.Buffer
	if err := htmlTemplate.Execute(&html, b); err != nil {
		return Rendered{}, fmt.Errorf("mail: render %s: %w", m.Mail.Kind, err)
	}

	id := m.Signer.Token(m.Tenant.ID, t.Number, int64(m.Mail.ID)) + "@" + m.Domain
	from := m.From
	if from == "" {
		from = m.Inbound
	}
	bld := enmime.Builder().
		From(m.Tenant.Name, from).
		To(m.Mail.ToName, m.Mail.To).
		ReplyTo(m.Tenant.Name, m.Inbound).
		Subject(subject).
		Date(m.Now).
		Header("Message-ID", "<"+id+">").
		Header("Content-Language", string(lang)).
		Text([]byte(text.String())).
		HTML(html.Bytes())
	if refs := references(m); len(refs) > 0 {
		bld = bld.Header("In-Reply-To", refs[len(refs)-1]).Header("References", strings.Join(refs, " "))
	}
	if m.Mail.Auto {
		// RFC 3834: automatic; X-Auto-Response-Suppress asks Exchange not
		// to answer it with an out-of-office notice.
		bld = bld.Header("Auto-Submitted", "auto-generated").Header("X-Auto-Response-Suppress", "All")
	}
	for _, f := range m.Content.Files {
		bld = bld.AddAttachment(f.Data, f.ContentType, f.Filename)
	}
	part, err := bld.Build()
	if err != nil {
		return Rendered{}, fmt.Errorf("mail: build %s: %w", m.Mail.Kind, err)
	}
	var raw bytes.Buffer
	if err := part.Encode(&raw); err != nil {
		return Rendered{}, fmt.Errorf("mail: encode %s: %w", m.Mail.Kind, err)
	}
	return Rendered{MessageID: id, Subject: subject, Raw: raw.Bytes()}, nil
}

// references are the ids the message answers: the mail received on the
// ticket (first and latest few) and a stable id of the ticket itself, so
// every message of one ticket shares a root even when it began on the web.
func references(m Message) []string {
	root := "<" + m.Signer.Token(m.Tenant.ID, m.Content.Ticket.Number, 0) + "@" + m.Domain + ">"
	refs := []string{root}
	th := m.Thread
	if len(th) > 10 {
		th = append(th[:1:1], th[len(th)-9:]...)
	}
	for _, id := range th {
		refs = append(refs, "<"+id+">")
	}
	return refs
}

func compose(m Message, l i18n.Lang) body {
	t := m.Content.Ticket
	n := t.Number.String()
	base := strings.TrimSuffix(m.BaseURL, "/") + "/" + m.Tenant.Slug
	b := body{Lang: l, Desk: m.Tenant.Name, Footer: l.T("mail.footer", m.Tenant.Name)}
	if m.Mail.ToName != "" {
		b.Greeting = l.T("mail.greeting", m.Mail.ToName)
	}
	requesterLink := base + "/tickets/" + strconv.FormatInt(int64(t.Number), 10)
	if m.Content.TrackToken != "" {
		requesterLink = base + "/track/" + m.Content.TrackToken
	}
	agentLink := base + "/agent/tickets/" + strconv.FormatInt(int64(t.Number), 10)
	comment := ""
	if m.Content.Comment != nil {
		comment = m.Content.Comment.Body
	}
	if own := m.Content.Templates[string(l)]; own != "" {
		// The desk's own text replaces Atiende's greeting and paragraphs;
		// the links stay.
		b.Greeting, b.Paras = "", paragraphs(helpdesk.ExpandMailTemplate(own, t, m.Tenant.Name))
		b.LinkLabel, b.Link = l.T("mail.track"), requesterLink
		if m.Mail.Kind == helpdesk.MailSolved {
			b.Ratings = ratingLinks(m, l, base)
		}
		return b
	}
	switch m.Mail.Kind {
	case helpdesk.MailAck:
		b.Paras = []string{l.T("mail.ack.received", t.Subject), l.T("mail.ack.reference", n), l.T("mail.reply_to_add")}
		b.LinkLabel, b.Link = l.T("mail.track"), requesterLink
	case helpdesk.MailReply:
		// The agent's own words, greeting included: nothing added before.
		b.Greeting = ""
		b.Paras = []string{comment}
		b.LinkLabel, b.Link = l.T("mail.track"), requesterLink
	case helpdesk.MailPending:
		b.Paras = []string{l.T("mail.pending.body", n), l.T("mail.reply_to_add")}
		b.LinkLabel, b.Link = l.T("mail.track"), requesterLink
	case helpdesk.MailSolved:
		b.Paras = []string{l.T("mail.solved.body", n), l.T("mail.solved.reopen")}
		b.LinkLabel, b.Link = l.T("mail.track"), requesterLink
		if m.Content.RatingToken != "" {
			b.Paras = append(b.Paras, l.T("mail.solved.survey"))
			b.Ratings = ratingLinks(m, l, base)
		}
	case helpdesk.MailGuestLink:
		b.Paras = []string{l.T("mail.guest_link.body", n)}
		b.LinkLabel, b.Link = l.T("mail.track"), requesterLink
	case helpdesk.MailAssigned:
		b.Paras = []string{l.T("mail.assigned.body", n, t.Subject)}
		b.LinkLabel, b.Link = l.T("mail.open_console"), agentLink
	case helpdesk.MailMention:
		author := ""
		if m.Content.Comment != nil {
			author = m.Content.Comment.Author.Name
		}
		b.Paras = []string{l.T("mail.mention.body", author, n)}
		b.Quote = comment
		b.LinkLabel, b.Link = l.T("mail.open_console"), agentLink
	case helpdesk.MailSLAWarning, helpdesk.MailSLABreach:
		metric, percent, _ := strings.Cut(m.Mail.Detail, ":")
		label := slaMetricLabel(l, metric)
		if m.Mail.Kind == helpdesk.MailSLABreach {
			b.Paras = []string{l.T("mail.sla.breach", n, t.Subject, label)}
		} else {
			b.Paras = []string{l.T("mail.sla.warning", n, t.Subject, label, percent)}
		}
		b.LinkLabel, b.Link = l.T("mail.open_console"), agentLink
	case helpdesk.MailRuleNotice:
		// The rule's own words (placeholders filled when it ran), then the
		// link the recipient can act on: the console for agents, the
		// ticket's page for the requester. No greeting of ours: the rule's
		// text is the whole message and usually greets already.
		b.Greeting = ""
		b.Paras = append(paragraphs(m.Mail.Body), l.T("mail.rule_notice.reference", n, t.Subject))
		b.LinkLabel, b.Link = l.T("mail.track"), requesterLink
		if m.Mail.Recipient != 0 && m.Mail.Recipient != t.Requester.User {
			b.LinkLabel, b.Link = l.T("mail.open_console"), agentLink
		}
	case helpdesk.MailRequesterReply:
		b.Paras = []string{l.T("mail.requester_reply.body", t.Requester.Name, n)}
		b.Quote = comment
		b.LinkLabel, b.Link = l.T("mail.open_console"), agentLink
	}
	return b
}

// The HTML part: a plain, accessible layout with the desk's name; every
// value is escaped by html/template.
var htmlTemplate = template.Must(template.New("mail").
	Funcs(template.FuncMap{"lines": func(s string) []string { return strings.Split(s, "\n") }}).
	Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Desk}}</title></head>
<body>
<div role="article" aria-label="{{.Desk}}">
<p><strong>{{.Desk}}</strong></p>
{{if .Greeting}}<p>{{.Greeting}}</p>{{end}}
{{range .Paras}}<p>{{.}}</p>
{{end}}{{if .Quote}}<blockquote>{{range lines .Quote}}{{.}}<br>
{{end}}</blockquote>{{end}}
{{if .Link}}<p><a href="{{.Link}}">{{.LinkLabel}}</a></p>{{end}}
{{if .Ratings}}<p>{{range .Ratings}}<a href="{{.URL}}">{{.Label}}</a><br>
{{end}}</p>{{end}}
<hr>
<p><small>{{range lines .Footer}}{{.}}<br>{{end}}</small></p>
</div>
</body></html>
`))

func slaMetricLabel(l i18n.Lang, m string) string {
	switch m {
	case "first_reply":
		return l.T("sla.metric.first_reply")
	case "next_reply":
		return l.T("sla.metric.next_reply")
	case "resolution":
		return l.T("sla.metric.resolution")
	}
	return m
}

// ratingLinks are the survey's one-click links, best score first.
func ratingLinks(m Message, l i18n.Lang, base string) []ratingLink {
	if m.Content.RatingToken == "" {
		return nil
	}
	var out []ratingLink
	for score := helpdesk.MaxRating; score >= helpdesk.MinRating; score-- {
		out = append(out, ratingLink{Label: l.T("mail.solved.rating", score),
			URL: base + "/rate/" + m.Content.RatingToken + "?rating=" + strconv.Itoa(score)})
	}
	return out
}

// paragraphs splits a text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// DefaultTemplate is Atiende's own text for a notice a desk may rewrite,
// written with placeholders: what the template editor starts from.
func DefaultTemplate(l i18n.Lang, kind helpdesk.MailKind) string {
	var ps []string
	switch kind {
	case helpdesk.MailAck:
		ps = []string{l.T("mail.greeting", "{{requester.name}}"), l.T("mail.ack.received", "{{ticket.subject}}"),
			l.T("mail.ack.reference", "{{ticket.number}}"), l.T("mail.reply_to_add")}
	case helpdesk.MailPending:
		ps = []string{l.T("mail.greeting", "{{requester.name}}"), l.T("mail.pending.body", "{{ticket.number}}"), l.T("mail.reply_to_add")}
	case helpdesk.MailSolved:
		ps = []string{l.T("mail.greeting", "{{requester.name}}"), l.T("mail.solved.body", "{{ticket.number}}"),
			l.T("mail.solved.reopen"), l.T("mail.solved.survey")}
	}
	return strings.Join(ps, "\n\n")
}
