package console

import (
	"context"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"github.com/atiende/atiende/internal/i18n"
)

// The two lists every console page repeats, written in Go for the reason
// queue_rows.go gives: a templ expression costs a fmt.Sprint, a class
// attribute a class builder. The markup is what shell.templ wrote.

// viewList is the sidebar's list of views with their counts.
func viewList(views []View) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		h := pageWriter{w: w}
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
			h.raw(countText(*v))
			h.raw(`</span></a></li>`)
		}
		h.raw(`</ul>`)
		return h.err
	})
}

// options are a select's choices.
func options(opts []Option) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		h := pageWriter{w: w}
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

// shortcutHelp is the keyboard help dialog. It says the same on every
// console page in a language, so it is rendered once per language and
// written as it was since.
func shortcutHelp(l i18n.Lang) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		html, ok := shortcutHelpHTML.Load(l)
		if !ok {
			var b strings.Builder
			if err := shortcutHelpMarkup(l).Render(ctx, &b); err != nil {
				return err
			}
			html, _ = shortcutHelpHTML.LoadOrStore(l, b.String())
		}
		_, err := io.WriteString(w, html.(string))
		return err
	})
}

// shortcutHelpHTML holds shortcutHelp's markup by language.
var shortcutHelpHTML sync.Map // i18n.Lang → string

// countText is a view's count, or "99+" for a count that stopped at 100.
func countText(v View) string {
	if v.More && v.Count > 0 {
		return strconv.Itoa(v.Count-1) + "+"
	}
	return strconv.Itoa(v.Count)
}
