package console

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/atiende/atiende/internal/i18n"
)

// timelineItems renders the timeline's entries in Go rather than templ
// (see ticket_markup.go): a long history is most of a ticket page's
// markup, and with 40 entries most of its allocations
// (BenchmarkTicketPage). The markup is what the templ component it
// replaced wrote, to the byte (TestTimelineItemsMarkup).
func timelineItems(l i18n.Lang, entries []Entry) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		p := pageWriter{w: w}
		labels := timelineLabels{
			newEntry: l.T("console.ticket.new_entry"), note: l.T("console.ticket.note_label"),
			public: l.T("console.ticket.public_label"), quoted: l.T("console.mail.quoted"),
		}
		for i := range entries {
			e := &entries[i]
			if e.Kind == EntryEvent {
				p.event(e, &labels)
			} else {
				p.comment(l, e, &labels)
			}
		}
		return p.err
	})
}

// timelineLabels are the timeline's fixed texts, translated once a page.
type timelineLabels struct{ newEntry, note, public, quoted string }

// event is an event's <li>.
func (p *pageWriter) event(e *Entry, labels *timelineLabels) {
	if e.New {
		p.raw(`<li class="event is-new" id="`)
	} else {
		p.raw(`<li class="event" id="`)
	}
	p.text(e.ID)
	p.raw(`" data-testid="event">`)
	p.text(e.Text)
	p.raw(` <time datetime="`)
	p.text(e.AtISO)
	p.raw(`">· `)
	p.text(e.At)
	p.raw(`</time> `)
	if e.New {
		p.newLabel(labels)
	}
	p.raw(`</li>`)
}

// comment is a reply's or a note's <li>.
func (p *pageWriter) comment(l i18n.Lang, e *Entry, labels *timelineLabels) {
	p.raw(`<li class="comment`)
	switch {
	case e.Kind == EntryNote:
		p.raw(` comment-internal`)
	case e.Staff && e.Kind == EntryReply:
		p.raw(` comment-staff`)
	}
	if e.New {
		p.raw(` is-new`)
	}
	p.raw(`" id="`)
	p.text(e.ID)
	p.raw(`" data-testid="`)
	p.text(e.Kind)
	p.raw(`"><div class="comment-meta"><strong>`)
	p.text(e.Author)
	p.raw(`</strong> `)
	if e.Kind == EntryNote {
		p.raw(`<span class="note-label" data-testid="note-label">`)
		p.text(labels.note)
		p.raw(`</span> `)
	} else if e.Staff {
		p.raw(`<span>`)
		p.text(labels.public)
		p.raw(`</span> `)
	}
	p.raw(`<time datetime="`)
	p.text(e.AtISO)
	p.raw(`">`)
	p.text(e.At)
	p.raw(`</time> `)
	if e.MergedFrom != "" {
		p.raw(`<span>`)
		p.text(l.T("console.ticket.merged_from", e.MergedFrom))
		p.raw(`</span> `)
	}
	if e.New {
		p.newLabel(labels)
	}
	p.raw(`</div><div class="comment-body">`)
	p.text(e.Text)
	p.raw(`</div>`)
	if e.Quoted != "" {
		p.raw(`<details class="mail-quote" data-testid="mail-quote"><summary>`)
		p.text(labels.quoted)
		p.raw(`</summary><pre>`)
		p.text(e.Quoted)
		p.raw(`</pre></details> `)
	}
	if len(e.Attachments) > 0 {
		p.raw(`<ul class="attachment-list">`)
		for _, a := range e.Attachments {
			p.raw(`<li><a href="`)
			p.text(a.URL)
			p.raw(`" download>`)
			p.text(a.Name)
			p.raw(`</a> <span class="muted">(`)
			p.text(a.Size)
			p.raw(`)</span></li>`)
		}
		p.raw(`</ul>`)
	}
	p.raw(`</li>`)
}

func (p *pageWriter) newLabel(labels *timelineLabels) {
	p.raw(`<span class="new-label">`)
	p.text(labels.newEntry)
	p.raw(`</span>`)
}
