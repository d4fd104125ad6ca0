package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The demo's past: twelve weeks of tickets played through the domain on
// the demo clock before the hand-written scenarios, so the reports, SLA
// views and CSAT have months of figures. Each ticket's life (first reply
// in office hours, questions to the requester, escalations, solutions,
// reopens, ratings, confirmations) is planned as timed actions; all
// tickets' actions then run in time order, so lives overlap as they do on
// a real desk. Actions planned past the end of the history do not happen:
// those tickets are today's backlog. The random source is seeded, so every
// demo desk has the same past.

// HistoryDays is how far back the demo history starts before the scenarios.
const HistoryDays = 84

var historySubjects = []struct{ subject, body string }{
	{"No puedo acceder a la intranet", "Me aparece «acceso denegado» al entrar en la intranet desde esta mañana."},
	{"La impresora de recepción no imprime", "La impresora de recepción se queda en «procesando» y no sale nada."},
	{"Solicitud de alta de usuario", "Se incorpora una persona nueva al equipo el lunes; necesita usuario y correo."},
	{"El correo no sincroniza en el móvil", "El correo del móvil dejó de sincronizar ayer por la tarde."},
	{"Duda sobre la última factura", "En la factura de este mes aparece un concepto que no reconozco."},
	{"El portátil va muy lento", "El portátil tarda varios minutos en arrancar y las aplicaciones se cuelgan."},
	{"Cambio de contraseña del ERP", "Necesito restablecer la contraseña del ERP, la he bloqueado."},
	{"No funciona la VPN desde casa", "La VPN da error de autenticación cuando teletrabajo."},
	{"Pedido de un monitor adicional", "Solicito un segundo monitor para mi puesto."},
	{"Error al generar el informe mensual", "El informe mensual de ventas da un error al generarlo."},
	{"La wifi de la sala de reuniones se corta", "La wifi de la sala grande se corta cada pocos minutos."},
	{"Permisos en la carpeta de proyectos", "Necesito permisos de escritura en la carpeta de proyectos."},
	{"Reembolso de un cobro duplicado", "Se nos ha cobrado dos veces la cuota de este mes."},
	{"El teléfono fijo no tiene línea", "El teléfono de mi puesto no da tono desde esta mañana."},
	{"Instalación de software de diseño", "Necesito instalar el programa de diseño en mi equipo."},
	{"La web de la tienda da error 500", "Algunos clientes ven un error 500 al finalizar la compra."},
}

var ratingComments = map[int][]string{
	5: {"Rapidísimos, gracias.", "Perfecto, todo resuelto a la primera.", "Muy amables y claros.", ""},
	4: {"Bien, aunque tardasteis un poco en contestar.", "Resuelto, gracias.", ""},
	3: {"Se resolvió, pero tuve que insistir.", "Correcto, sin más."},
	2: {"Demasiado lento para algo tan sencillo.", "Tuve que explicar el problema dos veces."},
	1: {"Nadie me contestó en dos días.", "El problema sigue igual."},
}

// action is one planned step of a demo ticket's life.
type action struct {
	at     time.Time
	ticket int
	seq    int
	do     func(ctx context.Context, n helpdesk.TicketNumber) error
}

// history plans and plays the demo's past.
type history struct {
	svc     *helpdesk.Service
	rng     *rand.Rand
	cal     *helpdesk.Calendar
	agents  []helpdesk.User
	people  []helpdesk.User
	cats    map[string]helpdesk.CategoryID
	level1  helpdesk.GroupID
	level2  helpdesk.GroupID
	actions []action
	numbers []helpdesk.TicketNumber
}

// loadHistory plays HistoryDays of tickets from the clock's current instant.
func loadHistory(ctx context.Context, svc *helpdesk.Service, clock *Clock, cal helpdesk.Calendar, agents, people []helpdesk.User,
	cats map[string]helpdesk.CategoryID, level1, level2 helpdesk.GroupID) error {
	cal, err := helpdesk.NewCalendar(cal.Name, cal.TimeZone, cal.Week, cal.Holidays)
	if err != nil {
		return fmt.Errorf("demo: calendar: %w", err)
	}
	h := &history{svc: svc, rng: rand.New(rand.NewPCG(2026, 13)), cal: &cal, agents: agents, people: people,
		cats: cats, level1: level1, level2: level2}
	start := clock.Now()
	end := start.Add(HistoryDays * 24 * time.Hour)
	h.plan(start, end)
	sort.SliceStable(h.actions, func(i, j int) bool {
		a, b := h.actions[i], h.actions[j]
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		return a.seq < b.seq
	})
	broken := map[int]bool{}
	for _, a := range h.actions {
		if !a.at.Before(end) {
			break
		}
		if broken[a.ticket] {
			continue
		}
		clock.advance(a.at.Sub(clock.Now()))
		if err := a.do(ctx, h.numbers[a.ticket]); err != nil {
			var v *helpdesk.ValidationError
			if errors.Is(err, helpdesk.ErrInvalidTransition) || errors.Is(err, helpdesk.ErrConflict) || errors.As(err, &v) {
				broken[a.ticket] = true // this life cannot go on as planned; the others do
				continue
			}
			return fmt.Errorf("demo: history ticket %d: %w", a.ticket, err)
		}
	}
	clock.advance(end.Sub(clock.Now()))
	// Breaches of the tickets nobody touched since are recorded now.
	if _, err := svc.ScanSLA(ctx, clock.Now(), 10000); err != nil {
		return fmt.Errorf("demo: SLA scan: %w", err)
	}
	return nil
}

// arrivals lists ticket arrival instants between start and end: a few per
// working day, mostly in office hours, hardly any at weekends.
func (h *history) arrivals(start, end time.Time) []time.Time {
	loc := h.cal.Location()
	var out []time.Time
	for d := start.In(loc); d.Before(end); d = d.AddDate(0, 0, 1) {
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		n := 1 + h.rng.IntN(3)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			n = h.rng.IntN(2)
		}
		for range n {
			minute := 8*60 + h.rng.IntN(11*60) // 08:00–19:00
			if h.rng.IntN(8) == 0 {
				minute = h.rng.IntN(24 * 60)
			}
			if at := day.Add(time.Duration(minute) * time.Minute); at.After(start) && at.Before(end) {
				out = append(out, at.UTC())
			}
		}
	}
	return out
}

// biz returns the instant d of opening time after t, plus jitter.
func (h *history) biz(t time.Time, d time.Duration) time.Time {
	return h.cal.AddBusiness(t, d).Add(time.Duration(h.rng.IntN(300)) * time.Second)
}

func (h *history) minutes(lo, hi int) time.Duration {
	return time.Duration(lo+h.rng.IntN(hi-lo+1)) * time.Minute
}

func (h *history) pick(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := h.rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (h *history) plan(start, end time.Time) {
	for _, at := range h.arrivals(start, end) {
		h.planTicket(at)
	}
}
