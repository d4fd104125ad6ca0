package console

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/layout"
)

// queueOf50 is a queue page as the server builds it: the console frame
// with its six views and a full page of 50 tickets, with the columns of
// the built-in views.
func queueOf50() Queue {
	l := i18n.ES
	vm := Queue{
		Frame: Frame{
			Chrome: layout.Chrome{L: l, Title: "Mis tickets abiertos", Area: layout.AreaConsole, Path: "/acme/agent/",
				Tenant: &layout.Tenant{Slug: "acme", Name: "Acme Soluciones"},
				User:   &layout.User{Name: "Ana García", Email: "ana@acme.example", Staff: true}},
			Sidebar: Sidebar{L: l, CountsURL: "/acme/agent/counts?view=mine"},
		},
		ViewID: "mine", Title: "Mis tickets abiertos", Return: "/acme/agent/views/mine", BulkURL: "/acme/agent/bulk",
		Filters: QueueFilters{
			Status:   []Option{{"", "Todos", true}, {"new", "Nuevo", false}, {"open", "Abierto", false}, {"pending", "Pendiente", false}},
			Priority: []Option{{"", "Todas", true}, {"low", "Baja", false}, {"normal", "Media", false}, {"high", "Alta", false}, {"urgent", "Crítica", false}},
			Sort:     []Option{{"", "Actualizados", true}, {"created", "Creados", false}, {"priority", "Prioridad", false}},
			ClearURL: "/acme/agent/views/mine", FormAction: "/acme/agent/views/mine",
		},
		Bulk:    []Option{{"open", "Abierto", false}, {"pending", "Pendiente", false}, {"solved", "Resuelto", false}},
		NextURL: "/acme/agent/views/mine?after=abc",
		// The built-in views' columns (helpdesk.DefaultViewColumns): the
		// page the server renders, not a narrower one.
		Columns: map[string]bool{"requester": true, "status": true, "priority": true, "assignee": true, "updated": true, "due": true},
	}
	for i, id := range []string{"mine", "unassigned", "pending", "on-hold", "solved", "all"} {
		vm.Frame.Sidebar.Views = append(vm.Frame.Sidebar.Views, View{ID: id, Name: id, URL: "/acme/agent/views/" + id, Count: 100 * (i + 1), Current: i == 0})
	}
	for i := range 50 {
		n := 1042 + i
		vm.Rows = append(vm.Rows, Row{
			Number: fmt.Sprintf("#%d", n), URL: fmt.Sprintf("/acme/agent/tickets/%d", n),
			Subject: "La impresora de la segunda planta no imprime desde la actualización", Requester: "Lucía Martínez",
			Status: "open", StatusLabel: "Abierto", Priority: "high", PriorityLabel: "Alta", Assignee: "Ana García",
			Updated: "hace 5 min", UpdatedFull: "22 nov 2026, 10:15", UpdatedISO: "2026-11-22T09:15:00Z",
			Version: 3, Select: fmt.Sprintf("%d:3", n),
			SLA: SLABadge{Text: "Vence en 3 h", Level: "ok", ISO: "2026-11-22T12:15:00Z", Title: "22 nov 2026, 13:15"},
		})
	}
	return vm
}

// BenchmarkQueuePage50 renders the whole queue page with 50 rows, as the
// server does for every queue request.
func BenchmarkQueuePage50(b *testing.B) {
	vm := queueOf50()
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := QueuePage(vm).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// BenchmarkQueueList50 renders only the list, the fragment the live
// update sends.
func BenchmarkQueueList50(b *testing.B) {
	vm := queueOf50()
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := QueueList(vm).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
