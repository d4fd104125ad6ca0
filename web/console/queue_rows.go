package console

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/atiende/atiende/internal/i18n"
)

// The queue's rows are written here in Go rather than in queue.templ: a
// page of 50 rows is some 500 cells, and templ turns every expression into
// a fmt.Sprint and every class attribute into a class builder (maps and
// slices), which made the rows most of the page's render time and nearly
// all of its allocations. The markup is the one queue.templ wrote before,
// byte for byte; every value is escaped as templ escapes it (pageWriter,
// ticket_markup.go).

// rowLabels are the words every row of one page repeats, looked up once.
type rowLabels struct {
	cols []rowColumn // the optional columns shown, in columnOrder
	// selectPrefix and selectSuffix surround the ticket number in the
	// checkbox's label ("Seleccionar #1042"); selectFormat is used
	// instead when the message is not a plain "…%s…".
	selectPrefix, selectSuffix, selectFormat string
	take, unassigned                         string
}

// rowColumn is an optional column with its cell's opening tag, fixed for
// the page.
type rowColumn struct {
	name string
	open string // `<td data-label="…" data-testid="col-…"` and its class if any
}

func newRowLabels(l i18n.Lang, columns map[string]bool) rowLabels {
	rl := rowLabels{take: templ.EscapeString(l.T("console.take")), unassigned: templ.EscapeString(l.T("console.unassigned"))}
	for _, c := range columnOrder {
		if !columns[c] {
			continue
		}
		class := "" // no empty attribute: 50 rows of them add up
		if c == "created" || c == "updated" || c == "due" {
			class = ` class="cell-time"`
		}
		rl.cols = append(rl.cols, rowColumn{name: c, open: `<td data-label="` + templ.EscapeString(l.T(colKey(c))) +
			`" data-testid="` + templ.EscapeString("col-"+c) + `"` + class + `>`})
	}
	// T without arguments gives the message itself, the format string.
	msg := l.T("console.bulk.select_one")
	if pre, post, ok := strings.Cut(msg, "%s"); ok && !strings.Contains(pre, "%") && !strings.Contains(post, "%") {
		rl.selectPrefix, rl.selectSuffix = pre, post
	} else {
		rl.selectFormat = "console.bulk.select_one"
	}
	return rl
}

// queueRows is the table's body rows.
func queueRows(vm Queue) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		l := vm.Frame.Chrome.L
		rl := newRowLabels(l, vm.Columns)
		h := pageWriter{w: w}
		for i := range vm.Rows {
			writeQueueRow(&h, l, &rl, &vm, &vm.Rows[i])
		}
		return h.err
	})
}

func writeQueueRow(h *pageWriter, l i18n.Lang, rl *rowLabels, vm *Queue, row *Row) {
	h.raw(`<tr data-testid="ticket-row" data-number="`)
	h.text(row.Number)
	h.raw(`" data-row><td class="cell-select"><input type="checkbox" name="ticket" value="`)
	h.text(row.Select)
	h.raw(`"`)
	if vm.Keep.Has(row.Number) {
		h.raw(` checked`)
	}
	h.raw(` form="bulk-form" id="sel-`)
	h.text(row.Select)
	h.raw(`" aria-label="`)
	if rl.selectFormat != "" {
		h.text(l.T(rl.selectFormat, row.Number))
	} else {
		h.text(rl.selectPrefix)
		h.text(row.Number)
		h.text(rl.selectSuffix)
	}
	h.raw(`" data-testid="select"></td><td class="cell-num">`)
	h.text(row.Number)
	h.raw(`</td><td class="cell-subject"><a href="`)
	h.text(row.URL)
	h.raw(`" data-testid="ticket-link" data-row-link>`)
	h.text(row.Subject)
	h.raw(`</a></td>`)
	for _, c := range rl.cols {
		h.raw(c.open)
		writeQueueCell(h, rl, vm, row, c.name)
		h.raw(`</td>`)
	}
	h.raw(`</tr>`)
}

func writeQueueCell(h *pageWriter, rl *rowLabels, vm *Queue, row *Row, c string) {
	switch c {
	case "requester":
		h.text(row.Requester)
	case "status":
		writeBadge(h, "badge badge-", "status", row.Status, row.StatusLabel)
	case "priority":
		writeBadge(h, "prio prio-", "priority", row.Priority, row.PriorityLabel)
	case "group":
		h.text(row.Group)
	case "assignee":
		switch {
		case row.Assignee != "":
			h.text(row.Assignee)
		case row.TakeURL != "":
			h.raw(`<form method="post" action="`)
			h.text(row.TakeURL)
			h.raw(`" class="inline-form" data-take><input type="hidden" name="version" value="`)
			h.raw(strconv.Itoa(row.Version))
			h.raw(`"> <input type="hidden" name="next" value="`)
			h.text(vm.Return)
			h.raw(`"> <button type="submit" class="btn btn-secondary btn-sm" data-testid="take">`)
			h.raw(rl.take)
			h.raw(`</button></form>`)
		default:
			h.raw(`<span class="muted">`)
			h.raw(rl.unassigned)
			h.raw(`</span>`)
		}
	case "channel":
		h.text(row.Channel)
	case "created":
		writeTime(h, row.CreatedISO, row.CreatedFull, row.Created)
	case "updated":
		writeTime(h, row.UpdatedISO, row.UpdatedFull, row.Updated)
	case "due":
		if b := row.SLA; b.Text != "" {
			h.raw(`<span class="sla-badge sla-`)
			h.text(b.Level)
			h.raw(`" data-testid="sla-badge" data-level="`)
			h.text(b.Level)
			h.raw(`">`)
			writeTime(h, b.ISO, b.Title, b.Text)
			h.raw(`</span>`)
		}
	}
}

// writeBadge is StatusBadge and PriorityLabel: class is the classes'
// prefix, kind the data-testid and data-* name.
func writeBadge(h *pageWriter, class, kind, value, label string) {
	h.raw(`<span class="`)
	h.text(class)
	h.text(value)
	h.raw(`" data-testid="`)
	h.raw(kind)
	h.raw(`" data-`)
	h.raw(kind)
	h.raw(`="`)
	h.text(value)
	h.raw(`">`)
	h.text(label)
	h.raw(`</span>`)
}

func writeTime(h *pageWriter, iso, full, text string) {
	h.raw(`<time datetime="`)
	h.text(iso)
	h.raw(`" title="`)
	h.text(full)
	h.raw(`">`)
	h.text(text)
	h.raw(`</time>`)
}
