package console

import (
	"io"
	"strings"
)

// The console's hottest markup is written in Go (timelineItems here, the
// queue's rows in queue_rows.go, options and the sidebar's views in
// shell_lists.go): templ spends two allocations on every { value }
// (fmt.Sprint of the string, then its escaped copy) and several on every
// class={ … } list, while pageWriter escapes a value straight into the
// page's buffer.

// htmlEscaper escapes as html.EscapeString (and so templ) does; its
// WriteString writes a value without copying it when nothing needs
// escaping.
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// pageWriter writes markup, keeping the first error.
type pageWriter struct {
	w   io.Writer
	err error
}

// raw writes markup as it is: constants of this file only.
func (p *pageWriter) raw(s string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, s)
	}
}

// text writes s escaped, as text or as an attribute value.
func (p *pageWriter) text(s string) {
	if p.err == nil {
		_, p.err = htmlEscaper.WriteString(p.w, s)
	}
}
