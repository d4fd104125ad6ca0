// Package mail is Atiende's email channel outside the domain: it parses
// received messages into helpdesk.InboundEmail, renders notifications into
// MIME messages, receives mail over SMTP and delivers the outbox over SMTP.
// What a message means for the desk (who sent it, which ticket it
// answers, whether it may be acknowledged) is decided by helpdesk.Service.
package mail

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/atiende/atiende/internal/helpdesk"
)

// syntheticDomain marks a Message-ID Atiende made up for a message that
// had none (a hash of its bytes, so a redelivery is still a duplicate).
const syntheticDomain = "atiende.invalid"

// maxReferences bounds how many ids of In-Reply-To and References are read.
const maxReferences = 50

// MessageID returns the message's Message-ID without angle brackets, read
// from its header only; a message without a usable one gets a stable id
// made from the hash of its bytes.
func MessageID(raw []byte) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	if err == nil || len(h) > 0 {
		ids := msgIDs(h.Get("Message-Id"))
		if len(ids) > 0 && len(ids[0]) <= 900 {
			return ids[0]
		}
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16]) + "@" + syntheticDomain
}

// msgIDs extracts the "<…>" ids of a header value, without brackets; a
// value without brackets counts as one id.
func msgIDs(v string) []string {
	v = cleanString(v)
	var out []string
	for len(out) < maxReferences {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(v[i+1 : i+j]); id != "" && !strings.ContainsAny(id, " \t\r\n") {
			out = append(out, id)
		}
		v = v[i+j+1:]
	}
	if len(out) == 0 {
		if t := strings.TrimSpace(v); t != "" && !strings.ContainsAny(t, " \t\r\n<>") {
			out = append(out, t)
		}
	}
	return out
}

// Parse reads a received message. nullSender is true when it arrived with
// an empty SMTP MAIL FROM (<>), which only bounces and other automatic
// reports use. It fails only when the bytes are not a message at all;
// damaged parts are skipped.
func Parse(raw []byte, nullSender bool) (in helpdesk.InboundEmail, err error) {
	defer func() {
		// enmime is well tested, but a poison message must never take the
		// worker down: a panic is this message's failure.
		if r := recover(); r != nil {
			err = fmt.Errorf("mail: parse panicked: %v", r)
		}
	}()
	p := enmime.NewParser(enmime.SkipMalformedParts(true), enmime.MaxStoredPartErrors(20))
	env, err := p.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return helpdesk.InboundEmail{}, fmt.Errorf("mail: parse: %w", err)
	}
	in.MessageID = MessageID(raw)
	in.Subject = cleanString(env.GetHeader("Subject"))
	in.From = parseFrom(raw, env.GetHeader("From"))
	in.CC = parseCC(env)
	in.References = append(msgIDs(env.GetHeader("In-Reply-To")), msgIDs(env.GetHeader("References"))...)
	if len(in.References) > maxReferences {
		in.References = in.References[:maxReferences]
	}
	in.Auto = autoKind(env, nullSender, in.From.Email)

	text := cleanString(env.Text)
	in.Text, in.Quoted = SplitQuote(text)
	if in.Quoted == "" && env.HTML != "" {
		in.HTML = SanitizeHTML(env.HTML)
	}
	in.Attachments = attachments(env)
	return in, nil
}

// attachments collects attached files and inline parts (images shown in
// the body) as the comment's files. Content types are sniffed from the
// bytes, never taken from the message.
func attachments(env *enmime.Envelope) []helpdesk.NewAttachment {
	var out []helpdesk.NewAttachment
	seen := map[*enmime.Part]bool{}
	add := func(p *enmime.Part) {
		if seen[p] || len(p.Content) == 0 {
			return
		}
		seen[p] = true
		name := cleanString(p.FileName)
		if name == "" {
			if p.ContentID != "" {
				name = "inline-" + sanitizeCID(p.ContentID)
			} else {
				name = "attachment"
			}
		}
		out = append(out, helpdesk.NewAttachment{Filename: name, ContentType: http.DetectContentType(p.Content), Data: p.Content})
	}
	for _, p := range env.Attachments {
		add(p)
	}
	for _, p := range env.Inlines {
		add(p)
	}
	for _, p := range env.OtherParts {
		if p.FileName != "" || strings.HasPrefix(p.ContentType, "image/") {
			add(p)
		}
	}
	return out
}

func sanitizeCID(cid string) string {
	var b strings.Builder
	for _, r := range cid {
		if r < 128 && (r == '.' || r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')) {
			b.WriteRune(r)
		}
		if b.Len() >= 60 {
			break
		}
	}
	return b.String()
}

// autoKind tells mail written by a machine (RFC 3834 Auto-Submitted, the
// de-facto X-Autoreply and Precedence headers, list headers, delivery
// status notifications of RFC 3464, MAILER-DAEMON senders, and the subject
// lines of out-of-office notices).
func autoKind(env *enmime.Envelope, nullSender bool, from string) helpdesk.AutoKind {
	ct := strings.ToLower(env.GetHeader("Content-Type"))
	local, _, _ := strings.Cut(strings.ToLower(from), "@")
	if nullSender || local == "mailer-daemon" || local == "postmaster" ||
		strings.HasPrefix(ct, "multipart/report") && strings.Contains(ct, "delivery-status") {
		return helpdesk.AutoBounce
	}
	if a := strings.ToLower(strings.TrimSpace(env.GetHeader("Auto-Submitted"))); a != "" && a != "no" {
		return helpdesk.AutoReply
	}
	if env.GetHeader("X-Autoreply") != "" || env.GetHeader("X-Autorespond") != "" {
		return helpdesk.AutoReply
	}
	switch strings.ToLower(strings.TrimSpace(env.GetHeader("Precedence"))) {
	case "auto_reply":
		return helpdesk.AutoReply
	case "bulk", "junk", "list":
		return helpdesk.AutoBulk
	}
	subj := strings.ToLower(env.GetHeader("Subject"))
	for _, p := range []string{"automatic reply", "auto-reply", "autoreply", "out of office", "out of the office",
		"respuesta automática", "respuesta automatica", "fuera de la oficina", "ausencia", "auto:"} {
		if strings.HasPrefix(subj, p) || strings.Contains(subj, p+":") {
			return helpdesk.AutoReply
		}
	}
	if env.GetHeader("List-Id") != "" || env.GetHeader("List-Unsubscribe") != "" {
		return helpdesk.AutoBulk
	}
	return helpdesk.AutoNone
}
