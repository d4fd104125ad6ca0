package mail

import (
	"regexp"
	"strings"
)

// Quoted history: a reply usually carries the conversation below the new
// text. SplitQuote cuts the plain text at the first line that starts the
// history in the shapes common clients write it (Gmail, Apple Mail and
// Thunderbird "On … wrote:" in English and Spanish, Outlook's separator
// line or "From:/Sent:" header block, "-----Original Message-----"), or at
// a trailing block of "> " lines. Both parts are kept; the history is
// folded when shown.

var (
	// "On Tue, 3 Mar 2026 at 10:00, Ana <ana@example.com> wrote:" and
	// "El mar, 3 mar 2026 a las 10:00, Ana (<ana@example.com>) escribió:";
	// Gmail may wrap it over two lines.
	wroteLine = regexp.MustCompile(`(?i)^(on|el)\s.{4,300}(wrote|escribió|escribio)\s*:\s*$`)
	// Outlook and others.
	separatorLine = regexp.MustCompile(`(?i)^\s*(-{2,}\s*(original message|mensaje original|forwarded message|mensaje reenviado)\s*-{2,}|_{20,})\s*$`)
	headerFrom    = regexp.MustCompile(`(?i)^\s*\*?(from|de)\s*:\*?\s+\S`)
	headerNext    = regexp.MustCompile(`(?i)^\s*\*?(sent|date|enviado|fecha|to|para)\s*:\*?\s`)
)

// SplitQuote separates the new text of a message from the quoted history
// below it. text is returned whole (and quoted empty) when no history is
// found, or when cutting would leave no new text at all.
func SplitQuote(text string) (fresh, quoted string) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	cut := -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case wroteLine.MatchString(t):
			cut = i
		case i+1 < len(lines) && wroteLine.MatchString(t+" "+strings.TrimSpace(lines[i+1])) && (strings.HasPrefix(strings.ToLower(t), "on ") || strings.HasPrefix(strings.ToLower(t), "el ")):
			cut = i
		case separatorLine.MatchString(t):
			cut = i
		case headerFrom.MatchString(t) && i+1 < len(lines) && headerNext.MatchString(lines[i+1]):
			cut = i
		}
		if cut >= 0 {
			break
		}
	}
	if cut < 0 {
		cut = trailingQuote(lines)
	}
	if cut < 0 {
		return strings.TrimSpace(text), ""
	}
	fresh = strings.TrimSpace(strings.Join(lines[:cut], "\n"))
	quoted = strings.TrimSpace(strings.Join(lines[cut:], "\n"))
	if fresh == "" {
		return strings.TrimSpace(text), ""
	}
	return fresh, quoted
}

// trailingQuote returns the first line of a block of "> " lines (and blank
// lines) that runs to the end of the text, or -1.
func trailingQuote(lines []string) int {
	cut := -1
	for i := len(lines) - 1; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(t, ">"):
			cut = i
		case t == "":
		default:
			return cut
		}
	}
	return cut
}
