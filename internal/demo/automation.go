package demo

import (
	"context"
	"fmt"

	"github.com/atiende/atiende/internal/helpdesk"
)

// loadAutomation gives the demo desk a trigger, a time-based rule and the
// pending reminder, so `make run` shows automation at work: new tickets
// that mention an outage become urgent, and tickets pending for two days
// get a note and a notification for the requester.
func loadAutomation(ctx context.Context, svc *helpdesk.Service, admin helpdesk.User) error {
	by := admin.Actor()
	rules := []helpdesk.Rule{
		{Kind: helpdesk.RuleTrigger, Name: "Caídas: prioridad urgente", Active: true, Event: helpdesk.OnCreated,
			Conditions: []helpdesk.Condition{{Field: helpdesk.CondSubject, Op: helpdesk.OpContains, Value: "caída"}},
			Actions: []helpdesk.Action{{Type: helpdesk.ActSetPriority, Value: "urgent"}, {Type: helpdesk.ActAddTag, Value: "caida"},
				{Type: helpdesk.ActAddNote, Text: "Posible caída de servicio: revisar la página de estado antes de responder."}}},
		{Kind: helpdesk.RuleTimed, Name: "Pendiente 48 h sin respuesta", Active: true, Anchor: helpdesk.AnchorPending, Minutes: 48 * 60,
			Conditions: []helpdesk.Condition{{Field: helpdesk.CondTag, Op: helpdesk.OpNotContains, Value: "seguimiento"}},
			Actions: []helpdesk.Action{{Type: helpdesk.ActAddTag, Value: "seguimiento"},
				{Type: helpdesk.ActNotify, Value: string(helpdesk.RecipientRequester), Text: "¿Pudiste revisar lo que te pedimos? Si ya está resuelto, avísanos."}}},
	}
	for _, r := range rules {
		if _, err := svc.SaveRule(ctx, by, r); err != nil {
			return fmt.Errorf("demo: rule %q: %w", r.Name, err)
		}
	}
	if err := svc.SetPendingReminder(ctx, by, 72); err != nil {
		return fmt.Errorf("demo: pending reminder: %w", err)
	}
	return nil
}
