package console

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/layout"
)

// timelineOf is a ticket's history of n entries as the workspace builds
// it: replies from the requester and from agents, internal notes and
// events, some with attachments, a quoted mail, a merged comment and the
// entries that arrived after the page was loaded.
func timelineOf(l i18n.Lang, n int) Workspace {
	vm := Workspace{Frame: Frame{Chrome: layout.Chrome{L: l}}}
	for i := range n {
		e := Entry{ID: fmt.Sprintf("c%d", i), At: "22 nov 2026, 10:15", AtISO: "2026-11-22T09:15:00Z",
			Author: "Lucía Martínez", Text: "La impresora sigue sin imprimir <desde> la actualización & no sé qué \"hacer\".\nGracias."}
		switch i % 4 {
		case 0:
			e.Kind = EntryReply
		case 1:
			e.Kind, e.Staff, e.Author = EntryReply, true, "Ana García"
			e.Attachments = []AttachmentView{{Name: "captura 1.png", URL: "/acme/agent/attachments/9", Size: "120 KB"}, {Name: "log's.txt", URL: "/acme/agent/attachments/10", Size: "3 KB"}}
		case 2:
			e.Kind, e.Staff, e.Author = EntryNote, true, "Bruno Díaz"
		case 3:
			e.ID, e.Kind, e.Text = fmt.Sprintf("e%d", i), EntryEvent, "Ana García cambió el estado a Abierto"
		}
		if i == 4 {
			e.Quoted, e.MergedFrom = "> mensaje anterior\n> con <html>", "#1040"
		}
		e.New = i >= n-3
		vm.Timeline = append(vm.Timeline, e)
	}
	return vm
}

// BenchmarkTimeline40 renders a ticket's history of 40 entries, the part
// of the ticket page that grows with the ticket.
func BenchmarkTimeline40(b *testing.B) {
	vm := timelineOf(i18n.ES, 40)
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := timeline(vm).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
