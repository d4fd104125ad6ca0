package console

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// timeline is a ticket's history, written in Go for the reason
// queue_rows.go gives (a long ticket has hundreds of entries, each a
// class builder and a dozen templ expressions), with its words looked up
// once. The markup is the one ticket.templ wrote, byte for byte.
func timeline(vm Workspace) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		l := vm.Frame.Chrome.L
		words := timelineWords{newEntry: l.T("console.ticket.new_entry"), note: l.T("console.ticket.note_label"),
			public: l.T("console.ticket.public_label"), quoted: l.T("console.mail.quoted")}
		h := newHTMLWriter(w)
		h.raw(`<h2 class="visually-hidden">`)
		h.text(l.T("console.ticket.history"))
		h.raw(`</h2><ol class="timeline" data-testid="timeline">`)
		for i := range vm.Timeline {
			e := &vm.Timeline[i]
			if e.Kind == EntryEvent {
				writeEvent(&h, &words, e)
				continue
			}
			merged := ""
			if e.MergedFrom != "" {
				merged = l.T("console.ticket.merged_from", e.MergedFrom)
			}
			writeComment(&h, &words, e, merged)
		}
		h.raw(`</ol>`)
		return h.err
	})
}

// timelineWords are the labels the timeline's entries repeat.
type timelineWords struct{ newEntry, note, public, quoted string }

func writeEvent(h *htmlWriter, words *timelineWords, e *Entry) {
	h.raw(`<li class="event`)
	if e.New {
		h.raw(` is-new`)
	}
	h.raw(`" id="`)
	h.text(e.ID)
	h.raw(`" data-testid="event">`)
	h.text(e.Text)
	h.raw(` <time datetime="`)
	h.text(e.AtISO)
	h.raw(`">· `)
	h.text(e.At)
	h.raw(`</time> `)
	if e.New {
		h.raw(`<span class="new-label">`)
		h.text(words.newEntry)
		h.raw(`</span>`)
	}
	h.raw(`</li>`)
}

// writeComment writes a reply or a note; merged is its "copied from"
// line, "" when it was not.
func writeComment(h *htmlWriter, words *timelineWords, e *Entry, merged string) {
	h.raw(`<li class="comment`)
	if e.Kind == EntryNote {
		h.raw(` comment-internal`)
	}
	if e.Staff && e.Kind == EntryReply {
		h.raw(` comment-staff`)
	}
	if e.New {
		h.raw(` is-new`)
	}
	h.raw(`" id="`)
	h.text(e.ID)
	h.raw(`" data-testid="`)
	h.text(e.Kind)
	h.raw(`"><div class="comment-meta"><strong>`)
	h.text(e.Author)
	h.raw(`</strong> `)
	if e.Kind == EntryNote {
		h.raw(`<span class="note-label" data-testid="note-label">`)
		h.text(words.note)
		h.raw(`</span> `)
	} else if e.Staff {
		h.raw(`<span>`)
		h.text(words.public)
		h.raw(`</span> `)
	}
	h.raw(`<time datetime="`)
	h.text(e.AtISO)
	h.raw(`">`)
	h.text(e.At)
	h.raw(`</time> `)
	if merged != "" {
		h.raw(`<span>`)
		h.text(merged)
		h.raw(`</span> `)
	}
	if e.New {
		h.raw(`<span class="new-label">`)
		h.text(words.newEntry)
		h.raw(`</span>`)
	}
	h.raw(`</div><div class="comment-body">`)
	h.text(e.Text)
	h.raw(`</div>`)
	if e.Quoted != "" {
		h.raw(`<details class="mail-quote" data-testid="mail-quote"><summary>`)
		h.text(words.quoted)
		h.raw(`</summary><pre>`)
		h.text(e.Quoted)
		h.raw(`</pre></details> `)
	}
	if len(e.Attachments) > 0 {
		h.raw(`<ul class="attachment-list">`)
		for _, a := range e.Attachments {
			h.raw(`<li><a href="`)
			h.text(a.URL)
			h.raw(`" download>`)
			h.text(a.Name)
			h.raw(`</a> <span class="muted">(`)
			h.text(a.Size)
			h.raw(`)</span></li>`)
		}
		h.raw(`</ul>`)
	}
	h.raw(`</li>`)
}
