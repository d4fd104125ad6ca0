package helpdesk

import "strings"

// The text of mailed messages: subject references, the subject of a
// ticket opened by mail, and the folded quoted history.

// SubjectReference finds "[#1042]" in a subject.
func SubjectReference(subject string) (TicketNumber, bool) {
	for {
		i := strings.Index(subject, "[#")
		if i < 0 {
			return 0, false
		}
		subject = subject[i+2:]
		j := strings.IndexByte(subject, ']')
		if j > 0 && j <= 18 {
			if n, err := ParseTicketNumber(subject[:j]); err == nil {
				return n, true
			}
		}
	}
}

// replyPrefixes are the answer and forward prefixes of common clients.
var replyPrefixes = []string{"re:", "fw:", "fwd:", "rv:", "reenviar:", "aw:", "wg:", "tr:", "sv:", "vs:"}

// mailSubject is the subject of a ticket opened by mail: without reply
// prefixes and our own reference, or the first line of the text when the
// mail has none.
func mailSubject(in InboundEmail) string {
	s := CleanLine(in.Subject)
	for changed := true; changed; {
		changed = false
		low := strings.ToLower(s)
		for _, p := range replyPrefixes {
			if strings.HasPrefix(low, p) {
				s, changed = strings.TrimSpace(s[len(p):]), true
				break
			}
		}
	}
	if s == "" {
		first, _, _ := strings.Cut(strings.TrimSpace(in.Text), "\n")
		s = CleanLine(first)
	}
	if s == "" {
		s = NormaliseEmail(in.From.Email)
	}
	if r := []rune(s); len(r) > MaxSubjectLen {
		s = string(r[:MaxSubjectLen-1]) + "…"
	}
	return s
}

// foldedHTML is the comment's HTML: the new part, then the quoted history
// in a closed <details> (kept, not shown by default). in.HTML is already
// sanitised; plain text is escaped here.
func foldedHTML(in InboundEmail) string {
	if in.Quoted == "" {
		return in.HTML
	}
	main := in.HTML
	if main == "" {
		main = "<p>" + escapeHTML(in.Text) + "</p>"
	}
	return main + quoteOpen + escapeHTML(in.Quoted) + quoteClose
}

// quoteOpen and quoteClose wrap the folded history in a comment's HTML.
const (
	quoteOpen  = `<details class="mail-quote"><summary>…</summary><pre>`
	quoteClose = `</pre></details>`
)

// QuotedHistory returns, as plain text, the quoted history a mailed
// comment's HTML keeps folded (see foldedHTML); "" when there is none.
func QuotedHistory(html string) string {
	i := strings.LastIndex(html, quoteOpen)
	if i < 0 || !strings.HasSuffix(html, quoteClose) {
		return ""
	}
	return htmlUnescaper.Replace(strings.TrimSuffix(html[i+len(quoteOpen):], quoteClose))
}

var htmlUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&")

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")

func escapeHTML(s string) string { return htmlEscaper.Replace(s) }
