package console

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/atiende/atiende/internal/i18n"
	"github.com/atiende/atiende/web/layout"
)

// ticketOf40 is a ticket page as the server builds it for an open ticket:
// the console frame, a timeline of 40 entries (replies, notes and events),
// the requester's five other tickets, the pickers and the SLA panel.
func ticketOf40() Workspace {
	l := i18n.ES
	opts := func(prefix string, n int) []Option {
		out := []Option{{"", "—", false}}
		for i := range n {
			out = append(out, Option{fmt.Sprint(i + 1), fmt.Sprintf("%s %d", prefix, i+1), i == 1})
		}
		return out
	}
	vm := Workspace{
		Frame: Frame{
			Chrome: layout.Chrome{L: l, Title: "#1042 La impresora no imprime", Area: layout.AreaConsole, Path: "/acme/agent/tickets/1042",
				Tenant: &layout.Tenant{Slug: "acme", Name: "Acme Soluciones"},
				User:   &layout.User{Name: "Ana García", Email: "ana@acme.example", Staff: true}},
			Sidebar: Sidebar{L: l, CountsURL: "/acme/agent/counts"},
		},
		Number: "#1042", Subject: "La impresora de la segunda planta no imprime desde la actualización",
		Status: "open", StatusLabel: "Abierto", Priority: "high", PriorityLabel: "Alta", Version: 7,
		Seen: "2026-11-22T09:15:00Z", Created: "20 nov 2026, 9:00", Updated: "22 nov 2026, 10:15", Channel: "Web",
		Assignee: "Ana García", Group: "Soporte", Category: "Hardware", Tags: "impresora, planta-2",
		AssignedToMe: true, GroupOptions: opts("Grupo", 4), AgentOptions: opts("Agente", 8),
		Requester:       RequesterPanel{Name: "Lucía Martínez", Email: "lucia@cliente.example", CSAT: "Valora 4,5 de media (3 valoraciones)"},
		StatusOptions:   []Option{{"open", "Abierto", true}, {"pending", "Pendiente", false}, {"on_hold", "En espera", false}, {"solved", "Resuelto", false}},
		PriorityOptions: []Option{{"low", "Baja", false}, {"normal", "Media", false}, {"high", "Alta", true}, {"urgent", "Crítica", false}},
		SubmitAsOptions: []Option{{"", "Sin cambiar", true}, {"pending", "Pendiente", false}, {"solved", "Resuelto", false}},
		Reply:           ReplyDraft{Public: true, Limits: "Hasta 10 archivos, 25 MB en total"},
		Live:            WorkspaceLive{L: l, PresenceURL: "/acme/agent/tickets/1042/presence", Version: 7, Seen: "2026-11-22T09:15:00Z", Others: []PresenceLine{{Name: "Pedro Ruiz"}}},
		BackURL:         "/acme/agent/", ReplyURL: "/acme/agent/tickets/1042/reply", AssignURL: "/acme/agent/tickets/1042/assign",
		RelateURL: "/acme/agent/tickets/1042/links", MacroOptions: opts("Macro", 6), MacroURL: "/acme/agent/tickets/1042", MacrosURL: "/acme/agent/macros",
		Form: WorkspaceFields{CategoryOptions: opts("Categoría", 5), UrgencyOptions: opts("Urgencia", 3), ImpactOptions: opts("Impacto", 3), TimeTotal: "1 h 15 min"},
		SLA: SLAPanel{Title: "SLA", PolicyLine: "Política: Estándar", CalendarLine: "Horario: Madrid (Europe/Madrid)", Clocks: []SLAClockView{
			{Metric: "first_reply", Name: "Primera respuesta", State: "fulfilled", StateLabel: "Cumplido", Target: "8 h hábiles", Consumed: "2 h 15 min usados de 8 h", Due: "Cumplido"},
			{Metric: "resolution", Name: "Resolución", State: "running", StateLabel: "En curso", Target: "40 h hábiles", Consumed: "6 h usados de 40 h", Due: "Vence el 27 nov, 12:00",
				Badge: SLABadge{Text: "Vence en 3 d", Level: "ok", ISO: "2026-11-27T11:00:00Z", Title: "27 nov 2026, 12:00"}},
		}},
		SLABadge: SLABadge{Text: "Vence en 3 d", Level: "ok", ISO: "2026-11-27T11:00:00Z", Title: "27 nov 2026, 12:00"},
	}
	for i, id := range []string{"mine", "unassigned", "my-groups", "pending", "on-hold", "solved", "due-soon", "overdue", "all"} {
		vm.Frame.Sidebar.Views = append(vm.Frame.Sidebar.Views, View{ID: id, Name: id, URL: "/acme/agent/views/" + id, Count: 10 * (i + 1)})
	}
	for i := range 5 {
		n := 1000 + i
		vm.Requester.Others = append(vm.Requester.Others, OtherTicket{Number: fmt.Sprintf("#%d", n), URL: fmt.Sprintf("/acme/agent/tickets/%d", n),
			Subject: "El escáner tampoco funciona", Status: "solved", StatusLabel: "Resuelto", Updated: "hace 3 días", UpdatedISO: "2026-11-19T09:15:00Z"})
	}
	for i := range 40 {
		e := Entry{ID: fmt.Sprintf("c%d", i), Kind: EntryReply, Author: "Lucía Martínez", At: "21 nov 2026, 10:15", AtISO: "2026-11-21T09:15:00Z",
			Text: "Buenos días: sigue sin imprimir. He reiniciado la impresora y el ordenador, y el trabajo se queda en la cola sin avanzar."}
		switch i % 4 {
		case 1:
			e.Kind, e.Author, e.Staff = EntryNote, "Ana García", true
			e.Text = "Revisado el controlador: la actualización cambió el puerto. Pruebo a reinstalarlo."
		case 2, 3:
			e.ID, e.Kind, e.Author, e.Text = fmt.Sprintf("e%d", i), EntryEvent, "Ana García", "Cambió el estado de Nuevo a Abierto"
		}
		vm.Timeline = append(vm.Timeline, e)
	}
	return vm
}

// BenchmarkTicketPage renders the whole ticket page, as the server does
// for every view of a ticket.
func BenchmarkTicketPage(b *testing.B) {
	vm := ticketOf40()
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := TicketPage(vm).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
