package demo

import (
	"context"
	"fmt"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The demo desk's business calendar (Madrid office hours and Spanish
// holidays) and its SLA policies, one per priority band, so every SLA
// badge, view and report has something to show.

// madridWeek is Monday–Thursday with a lunch break, Friday mornings.
var madridWeek = [7]string{
	1: "09:00-14:00, 15:00-18:00", 2: "09:00-14:00, 15:00-18:00", 3: "09:00-14:00, 15:00-18:00",
	4: "09:00-14:00, 15:00-18:00", 5: "08:00-15:00",
}

// spanishHolidays are the national holidays, Madrid's own and Easter.
var spanishHolidays = []string{
	"01-01 Año Nuevo", "01-06 Epifanía del Señor", "05-01 Fiesta del Trabajo", "05-02 Comunidad de Madrid",
	"05-15 San Isidro", "08-15 Asunción de la Virgen", "10-12 Fiesta Nacional de España",
	"11-01 Todos los Santos", "11-09 Almudena", "12-06 Día de la Constitución", "12-08 Inmaculada Concepción",
	"12-25 Navidad", "2026-04-02 Jueves Santo", "2026-04-03 Viernes Santo", "2027-03-25 Jueves Santo",
	"2027-03-26 Viernes Santo",
}

// minutes per target: first reply, next reply, resolution.
func targets(fr, nr, res int) helpdesk.SLATargets {
	return helpdesk.SLATargets{FirstReply: fr, NextReply: nr, Resolution: res}
}

// loadSLA creates the calendar and the policies: critical tickets round the
// clock, the rest in office hours.
func loadSLA(ctx context.Context, svc *helpdesk.Service, admin helpdesk.User) (helpdesk.Calendar, error) {
	cal, err := svc.SaveCalendar(ctx, admin.Actor(), 0, helpdesk.CalendarInput{
		Name: "Oficina de Madrid", TimeZone: "Europe/Madrid", Hours: madridWeek, Holidays: spanishHolidays})
	if err != nil {
		return cal, fmt.Errorf("demo: calendar: %w", err)
	}
	policies := []helpdesk.SLAPolicyInput{
		{Name: "Crítica 24/7", Priorities: []string{string(helpdesk.PriorityUrgent)},
			Targets:     map[helpdesk.Priority]helpdesk.SLATargets{helpdesk.PriorityUrgent: targets(30, 60, 4*60)},
			Escalations: []helpdesk.EscalationLevel{{Level: 1, Percent: 80, NotifyAssignee: true, NotifyLeads: true}}},
		{Name: "Alta", Priorities: []string{string(helpdesk.PriorityHigh)}, Calendar: cal.ID, PauseOnHold: true,
			Targets: map[helpdesk.Priority]helpdesk.SLATargets{helpdesk.PriorityHigh: targets(60, 2*60, 8*60)}},
		{Name: "Estándar", Priorities: []string{string(helpdesk.PriorityNormal), string(helpdesk.PriorityLow)},
			Calendar: cal.ID, PauseOnHold: true,
			Targets: map[helpdesk.Priority]helpdesk.SLATargets{
				helpdesk.PriorityNormal: targets(4*60, 8*60, 24*60),
				helpdesk.PriorityLow:    targets(8*60, 16*60, 40*60),
			}},
	}
	for _, p := range policies {
		if _, err := svc.SavePolicy(ctx, admin.Actor(), 0, p); err != nil {
			return cal, fmt.Errorf("demo: SLA policy %q: %w", p.Name, err)
		}
	}
	return cal, nil
}
