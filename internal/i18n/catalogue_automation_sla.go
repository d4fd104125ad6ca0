package i18n

// The SLA state condition, the "requester waiting" anchor and the macro
// action of automation rules.
func init() {
	register(ES, map[string]string{
		"routing.anchor.requester_waiting":    "el último mensaje del solicitante sin respuesta",
		"routing.cond.sla":                    "Estado del SLA",
		"automation.sla.on_track":             "En plazo",
		"automation.sla.warning":              "En aviso (alcanzado un nivel de aviso)",
		"automation.sla.breached":             "Incumplido",
		"automation.sla.none":                 "Sin SLA",
		"automation.cond.sla.is.on_track":     "el SLA está en plazo",
		"automation.cond.sla.is.warning":      "el SLA está en aviso",
		"automation.cond.sla.is.breached":     "el SLA está incumplido",
		"automation.cond.sla.is.none":         "el ticket no tiene SLA",
		"automation.cond.sla.is_not.on_track": "el SLA no está en plazo",
		"automation.cond.sla.is_not.warning":  "el SLA no está en aviso",
		"automation.cond.sla.is_not.breached": "el SLA no está incumplido",
		"automation.cond.sla.is_not.none":     "el ticket tiene SLA",
		"routing.act.apply_macro":             "Aplicar una macro",
		"routing.macro":                       "Macro compartida",
		"automation.act.apply_macro":          "aplicar la macro «%s»",
		"error.rule_one_comment":              "Una regla solo puede escribir un comentario: una nota interna o la respuesta de una macro.",
	})
	register(EN, map[string]string{
		"routing.anchor.requester_waiting":    "the requester's last unanswered message",
		"routing.cond.sla":                    "SLA state",
		"automation.sla.on_track":             "On track",
		"automation.sla.warning":              "At warning (a warning level reached)",
		"automation.sla.breached":             "Breached",
		"automation.sla.none":                 "No SLA",
		"automation.cond.sla.is.on_track":     "the SLA is on track",
		"automation.cond.sla.is.warning":      "the SLA is at warning",
		"automation.cond.sla.is.breached":     "the SLA is breached",
		"automation.cond.sla.is.none":         "the ticket has no SLA",
		"automation.cond.sla.is_not.on_track": "the SLA is not on track",
		"automation.cond.sla.is_not.warning":  "the SLA is not at warning",
		"automation.cond.sla.is_not.breached": "the SLA is not breached",
		"automation.cond.sla.is_not.none":     "the ticket has an SLA",
		"routing.act.apply_macro":             "Apply a macro",
		"routing.macro":                       "Shared macro",
		"automation.act.apply_macro":          "apply the macro “%s”",
		"error.rule_one_comment":              "A rule can write only one comment: an internal note or a macro's reply.",
	})
}
