package mail

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// unsafeHTML finds script and style elements and style, event-handler or
// htmx attributes inside a tag (text that merely reads "hx-" is fine).
var unsafeHTML = regexp.MustCompile(`(?i)<\s*(script|style)|<[^>]*\s(style|on[a-z]+|(data-)?hx-[a-z-]*)\s*=`)

// FuzzParse feeds the inbound parser arbitrary bytes, starting from the
// corpus: it must never panic, hang or hand the desk invalid text.
// Run it with: go test -run '^$' -fuzz FuzzParse ./internal/mail/
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x--"), true)
	f.Fuzz(func(t *testing.T, raw []byte, null bool) {
		if len(raw) > 1<<20 {
			return
		}
		id := MessageID(raw)
		if id == "" || !utf8.ValidString(id) {
			t.Fatalf("bad message id %q", id)
		}
		in, err := Parse(raw, null)
		if err != nil {
			if strings.Contains(err.Error(), "panicked") {
				t.Fatal(err)
			}
			return
		}
		for _, s := range []string{in.Subject, in.Text, in.Quoted, in.HTML, in.From.Name, in.From.Email} {
			if !utf8.ValidString(s) || strings.Contains(s, "\x00") {
				t.Fatalf("invalid text %q", s)
			}
		}
		for _, a := range in.Attachments {
			if !utf8.ValidString(a.Filename) || len(a.Data) == 0 {
				t.Fatalf("bad attachment %q", a.Filename)
			}
		}
		if unsafeHTML.MatchString(in.HTML) {
			t.Fatalf("unsafe html %q", in.HTML)
		}
	})
}
