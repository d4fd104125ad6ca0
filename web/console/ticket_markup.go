package console

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"
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

// wsSelect is one of the workspace form's selects with its label and its
// error, as the templ component it replaces wrote it: the form shows six
// on every view of an open ticket.
func wsSelect(vm *Workspace, id, name, label string, opts []Option) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		h := pageWriter{w: w}
		msg := vm.Errors[name]
		if msg != "" {
			h.raw(`<div class="field has-error"><label for="`)
		} else {
			h.raw(`<div class="field"><label for="`)
		}
		h.text(id)
		h.raw(`">`)
		h.text(vm.Frame.Chrome.L.T(label))
		h.raw(`</label> `)
		if msg != "" {
			h.raw(`<p class="field-error" data-testid="error-`)
			h.text(name)
			h.raw(`">`)
			h.text(msg)
			h.raw(`</p>`)
		}
		h.raw(`<select id="`)
		h.text(id)
		h.raw(`" name="`)
		h.text(name)
		h.raw(`">`)
		if h.err != nil {
			return h.err
		}
		if err := options(opts).Render(ctx, w); err != nil {
			return err
		}
		h.raw(`</select></div>`)
		return h.err
	})
}

// otherTickets lists the requester's other tickets, as the templ loop it
// replaces wrote them.
func otherTickets(others []OtherTicket) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		h := pageWriter{w: w}
		h.raw(`<ul class="other-tickets" data-testid="requester-others">`)
		for i := range others {
			o := &others[i]
			h.raw(`<li><a href="`)
			h.text(o.URL)
			h.raw(`"><span class="muted num">`)
			h.text(o.Number)
			h.raw(`</span> `)
			h.text(o.Subject)
			h.raw(`</a> <span class="cluster">`)
			writeBadge(&h, "badge badge-", "status", o.Status, o.StatusLabel)
			h.raw(`<time class="muted small" datetime="`)
			h.text(o.UpdatedISO)
			h.raw(`">`)
			h.text(o.Updated)
			h.raw(`</time></span></li>`)
		}
		h.raw(`</ul>`)
		return h.err
	})
}
