package console

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"
)

// The two lists every console page repeats, written in Go for the reason
// queue_rows.go gives: a templ expression costs a fmt.Sprint, a class
// attribute a class builder. The markup is what shell.templ wrote.

// viewList is the sidebar's list of views with their counts.
func viewList(views []View) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		h := newHTMLWriter(w)
		h.raw(`<ul class="view-list">`)
		for i := range views {
			v := &views[i]
			h.raw(`<li><a href="`)
			h.text(v.URL)
			h.raw(`" class="`)
			if v.Current {
				h.raw(`is-current`)
			}
			h.raw(`" aria-current="`)
			h.raw(currentAttr(v.Current))
			h.raw(`" data-testid="view-`)
			h.text(v.ID)
			h.raw(`"><span>`)
			h.text(v.Name)
			h.raw(`</span> <span class="count" data-testid="count-`)
			h.text(v.ID)
			h.raw(`">`)
			h.raw(strconv.Itoa(v.Count))
			h.raw(`</span></a></li>`)
		}
		h.raw(`</ul>`)
		return h.err
	})
}

// options are a select's choices.
func options(opts []Option) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		h := newHTMLWriter(w)
		for i := range opts {
			o := &opts[i]
			h.raw(`<option value="`)
			h.text(o.Value)
			h.raw(`"`)
			if o.Selected {
				h.raw(` selected`)
			}
			h.raw(`>`)
			h.text(o.Label)
			h.raw(`</option>`)
		}
		return h.err
	})
}
