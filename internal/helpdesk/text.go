package helpdesk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanLine normalises a one-line input (a name, a subject): invalid UTF-8
// becomes U+FFFD, control and bidi-override characters are dropped (they
// spoof how text reads), runs of white space fold to one space, and the
// result is trimmed. What remains is shown escaped, never interpreted.
func CleanLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), isBidiControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// CleanText normalises multi-line input (a description, a reply): like
// CleanLine, but line breaks and tabs are kept, CRLF becomes LF, and leading
// and trailing blank lines are trimmed.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == '\n' || r == '\t' {
			b.WriteRune(r)
			continue
		}
		if r == '\r' {
			b.WriteByte('\n')
			continue
		}
		if unicode.IsControl(r) || isBidiControl(r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// isBidiControl reports invisible characters used to make text read other
// than it is: the explicit directional formatting characters (LRE … PDI),
// the directional marks (LRM, RLM, ALM), and zero-width space, word joiner
// and byte-order mark. Zero-width (non-)joiners stay: scripts and emoji
// sequences need them.
func isBidiControl(r rune) bool {
	switch r {
	case '\u200B', '\u200E', '\u200F', '\u061C', '\u2060', '\uFEFF':
		return true
	}
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// runeLen counts characters, not bytes, for length limits users understand.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
