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
// with its six views and the sidebar's links, every filter's choices, the
// density switch, the "save as view" form, and a full page of 50 tickets
// with the columns of the built-in views (one in five unassigned, with
// its "take" form).
func queueOf50(density string) Queue {
	l := i18n.ES
	vm := Queue{
		Frame: Frame{
			Chrome: layout.Chrome{L: l, Title: "Mis tickets abiertos", Area: layout.AreaConsole, Path: "/acme/agent/views/mine",
				Tenant: &layout.Tenant{Slug: "acme", Name: "Acme Soluciones"},
				User:   &layout.User{Name: "Ana García", Email: "ana@acme.example", Staff: true}},
			Sidebar: Sidebar{L: l, CountsURL: "/acme/agent/counts?since=12345&view=mine", ManageURL: "/acme/agent/views",
				ProfileURL: "/acme/agent/profile", KBURL: "/acme/agent/kb"},
		},
		ViewID: "mine", Title: "Mis tickets abiertos", Return: "/acme/agent/views/mine", BulkURL: "/acme/agent/bulk",
		Filters: QueueFilters{
			Status:   []Option{{"", "Todos", true}, {"new", "Nuevo", false}, {"open", "Abierto", false}, {"pending", "Pendiente", false}},
			Priority: []Option{{"", "Todas", true}, {"urgent", "Crítica", false}, {"high", "Alta", false}, {"normal", "Media", false}, {"low", "Baja", false}},
			Sort: []Option{{"-updated", "Actualizados (recientes)", true}, {"updated", "Actualizados (antiguos)", false},
				{"-created", "Creados (recientes)", false}, {"created", "Creados (antiguos)", false},
				{"-priority", "Prioridad (alta)", false}, {"priority", "Prioridad (baja)", false}, {"due", "Vencimiento", false}},
			Category: []Option{{"", "Cualquier categoría", true}, {"1", "Facturación", false}, {"2", "Soporte técnico", false}},
			Group:    []Option{{"", "Cualquier grupo", true}, {"mine", "Mis grupos", false}, {"1", "Primer nivel", false}, {"2", "Segundo nivel", false}},
			Assignee: []Option{{"", "Cualquiera", true}, {"me", "Yo", false}, {"nobody", "Sin asignar", false}, {"anyone", "Asignado", false},
				{"1", "Ana García", false}, {"2", "Bruno Díaz", false}},
			Channel:  []Option{{"", "Cualquier canal", true}, {"web", "Web", false}, {"email", "Correo", false}, {"phone", "Teléfono", false}, {"api", "API", false}},
			ClearURL: "/acme/agent/views/mine", FormAction: "/acme/agent/views/mine",
		},
		Bulk: []Option{{"open", "Abierto", false}, {"pending", "Pendiente", false}, {"solved", "Resuelto", false},
			{"assign:1", "Asignar a Ana García", false}, {"group:1", "Mover a Primer nivel", false}},
		NextURL: "/acme/agent/views/mine?after=abc",
		// The built-in views' columns (helpdesk.DefaultViewColumns): the
		// page the server renders, not a narrower one.
		Columns: map[string]bool{"requester": true, "status": true, "priority": true, "assignee": true, "updated": true, "due": true},
		Save: SaveView{ActionURL: "/acme/agent/views", From: "mine", Columns: []Option{
			{"requester", "Solicitante", true}, {"status", "Estado", true}, {"priority", "Prioridad", true}, {"group", "Grupo", false},
			{"assignee", "Asignado", true}, {"channel", "Canal", false}, {"created", "Creado", false}, {"updated", "Actualizado", true}, {"due", "Vence", true}}},
		Since:      "12345",
		Density:    density,
		DensityURL: "/acme/agent/density",
	}
	for i, id := range []string{"mine", "unassigned", "pending", "on-hold", "solved", "all"} {
		vm.Frame.Sidebar.Views = append(vm.Frame.Sidebar.Views, View{ID: id, Name: id, URL: "/acme/agent/views/" + id, Count: 100 * (i + 1), Current: i == 0})
	}
	for i := range 50 {
		n := 1042 + i
		row := Row{
			Number: fmt.Sprintf("#%d", n), URL: fmt.Sprintf("/acme/agent/tickets/%d", n),
			Subject: "La impresora de la segunda planta no imprime desde la actualización", Requester: "Lucía Martínez",
			Status: "open", StatusLabel: "Abierto", Priority: "high", PriorityLabel: "Alta", Assignee: "Ana García",
			Updated: "hace 5 min", UpdatedFull: "22 nov 2026, 10:15", UpdatedISO: "2026-11-22T09:15:00Z",
			Version: 3, Select: fmt.Sprintf("%d:3", n),
			SLA: SLABadge{Text: "Vence en 3 h", Level: "ok", ISO: "2026-11-22T12:15:00Z", Title: "22 nov 2026, 13:15"},
		}
		if i%5 == 4 {
			row.Assignee, row.TakeURL = "", fmt.Sprintf("/acme/agent/tickets/%d/take", n)
		}
		vm.Rows = append(vm.Rows, row)
	}
	return vm
}

// BenchmarkQueuePage50 renders the whole queue page with 50 rows, as the
// server does for every queue request, at both densities.
func BenchmarkQueuePage50(b *testing.B) {
	for _, d := range []string{"comfortable", "compact"} {
		b.Run(d, func(b *testing.B) {
			vm := queueOf50(d)
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
		})
	}
}

// BenchmarkQueueList50 renders only the list, the fragment the live
// update sends.
func BenchmarkQueueList50(b *testing.B) {
	vm := queueOf50("comfortable")
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
