package mail

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/atiende/atiende/internal/helpdesk"
)

// wordDecoder decodes RFC 2047 encoded words in any charset a browser
// knows, not only UTF-8 and Latin-1.
var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, in io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("mail: charset %q: %w", charset, err)
	}
	return enc.NewDecoder().Reader(in), nil
}}

// parseFrom reads the sender from the message's raw From header. The
// structure (display name, angle address) is parsed before encoded words
// are decoded, as RFC 2047 requires: a display name that decodes to
// markup, quotes, commas or even "<someone@else>" is only text and never
// changes the address. decoded is the header as enmime decoded it, the
// last resort for a header too broken for both parsers.
func parseFrom(raw []byte, decoded string) helpdesk.MailAddress {
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	v := h.Get("From")
	if v == "" {
		v = decoded
	}
	if encodedName(v) {
		// Mailers put quotes, commas and parentheses inside Q-encoded words
		// although RFC 2047 forbids it there; the grammar would cut the name
		// at them. The words are decoded as a whole instead.
		return looseFrom(v)
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	if a, err := p.Parse(v); err == nil {
		return helpdesk.MailAddress{Name: cleanString(a.Name), Email: cleanString(a.Address)}
	}
	if list, err := p.ParseList(v); err == nil && len(list) > 0 {
		return helpdesk.MailAddress{Name: cleanString(list[0].Name), Email: cleanString(list[0].Address)}
	}
	return looseFrom(v)
}

// encodedWords is a display name made of encoded words alone.
var encodedWords = regexp.MustCompile(`^\s*"?(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=\s*)+"?\s*$`)

// encodedName reports whether v is "encoded words <address>".
func encodedName(v string) bool {
	i := strings.LastIndexByte(v, '<')
	return i > 0 && strings.HasSuffix(strings.TrimSpace(v), ">") && encodedWords.MatchString(v[:i])
}

// looseFrom copes with senders that break the grammar (unquoted specials
// or raw 8-bit bytes in the display name): the address is the last
// "<…>" that parses, and everything before it is the name.
func looseFrom(v string) helpdesk.MailAddress {
	i := strings.LastIndexByte(v, '<')
	j := strings.LastIndexByte(v, '>')
	if i < 0 || j < i {
		if a, err := mail.ParseAddress(strings.TrimSpace(v)); err == nil {
			return helpdesk.MailAddress{Email: cleanString(a.Address)}
		}
		return helpdesk.MailAddress{}
	}
	a, err := mail.ParseAddress(v[i : j+1])
	if err != nil {
		return helpdesk.MailAddress{}
	}
	// Quotes around the raw name are syntax; quotes it decodes to are text.
	name := strings.TrimSpace(v[:i])
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		name = name[1 : len(name)-1]
	}
	if dec, err := wordDecoder.DecodeHeader(name); err == nil {
		name = dec
	}
	return helpdesk.MailAddress{Name: cleanString(name), Email: cleanString(a.Address)}
}
