package console

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/i18n"
)

// timelineSamples are entries of every kind with every optional part.
func timelineSamples() []Entry {
	return []Entry{
		{ID: "c1", Kind: EntryReply, Author: "Lucía <Martínez>", Text: "No imprime & \"nada\" 'hoy'", At: "21 nov", AtISO: "2026-11-21T09:15:00Z",
			MergedFrom: "#9", Quoted: "> hola <b>", New: true,
			Attachments: []AttachmentView{{Name: "a&b.png", URL: "/x?a=1&b=2", Size: "3 kB"}, {Name: "c.txt", URL: "/y", Size: "1 B"}}},
		{ID: "c2", Kind: EntryNote, Author: "Ana", Staff: true, Text: "Nota", At: "22 nov", AtISO: "2026-11-22T09:15:00Z"},
		{ID: "c3", Kind: EntryReply, Author: "Ana", Staff: true, Text: "Respuesta", At: "22 nov", AtISO: "2026-11-22T09:16:00Z", New: true},
		{ID: "e4", Kind: EntryEvent, Author: "Ana", Text: "Cambió el estado", At: "22 nov", AtISO: "2026-11-22T09:17:00Z"},
		{ID: "e5", Kind: EntryEvent, Author: "Ana", Text: "Asignó <a>", At: "22 nov", AtISO: "2026-11-22T09:18:00Z", New: true},
	}
}

// The timeline's entries, written in Go for speed, keep the markup the
// templ component they replaced wrote, to the byte.
func TestTimelineItemsMarkup(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, timelineItems(i18n.ES, timelineSamples()).Render(context.Background(), &buf))
	assert.Equal(t, timelineGolden, buf.String())
}

const timelineGolden = `<li class="comment is-new" id="c1" data-testid="reply"><div class="comment-meta"><strong>Lucía &lt;Martínez&gt;</strong> <time datetime="2026-11-21T09:15:00Z">21 nov</time> <span>copiado de #9</span> <span class="new-label">Nuevo</span></div><div class="comment-body">No imprime &amp; &#34;nada&#34; &#39;hoy&#39;</div><details class="mail-quote" data-testid="mail-quote"><summary>Mensajes anteriores citados</summary><pre>&gt; hola &lt;b&gt;</pre></details> <ul class="attachment-list"><li><a href="/x?a=1&amp;b=2" download>a&amp;b.png</a> <span class="muted">(3 kB)</span></li><li><a href="/y" download>c.txt</a> <span class="muted">(1 B)</span></li></ul></li>` +
	`<li class="comment comment-internal" id="c2" data-testid="note"><div class="comment-meta"><strong>Ana</strong> <span class="note-label" data-testid="note-label">Nota interna</span> <time datetime="2026-11-22T09:15:00Z">22 nov</time> </div><div class="comment-body">Nota</div></li>` +
	`<li class="comment comment-staff is-new" id="c3" data-testid="reply"><div class="comment-meta"><strong>Ana</strong> <span>Respuesta pública</span> <time datetime="2026-11-22T09:16:00Z">22 nov</time> <span class="new-label">Nuevo</span></div><div class="comment-body">Respuesta</div></li>` +
	`<li class="event" id="e4" data-testid="event">Cambió el estado <time datetime="2026-11-22T09:17:00Z">· 22 nov</time> </li>` +
	`<li class="event is-new" id="e5" data-testid="event">Asignó &lt;a&gt; <time datetime="2026-11-22T09:18:00Z">· 22 nov</time> <span class="new-label">Nuevo</span></li>`

// Select options, written in Go for the ticket page's pickers (every
// group, agent, category and macro of the desk), write what templ's
// options component wrote.
func TestOptionsMarkup(t *testing.T) {
	t.Parallel()
	opts := []Option{{"", "—", false}, {"1", "Soporte & <ventas>", true}, {`"2"`, "Ana 'la' García", false}}
	var got bytes.Buffer
	require.NoError(t, options(opts).Render(context.Background(), &got))
	assert.Equal(t, `<option value="">—</option><option value="1" selected>Soporte &amp; &lt;ventas&gt;</option>`+
		`<option value="&#34;2&#34;">Ana &#39;la&#39; García</option>`, got.String())
}
