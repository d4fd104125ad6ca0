package i18n

// Messages that say automation rules as sentences (the rule list, the
// audit log and the ticket history share them), the counted forms every
// count uses (see N in format.go) and the durations of Duration.
//
// Register: Spanish speaks to the reader as tú everywhere — portal, mail,
// console and admin alike ("tu solicitud", "tu referencia", "escribe");
// never usted. Third-person "su" is for the thing spoken about ("la
// solicitud … ha incumplido su objetivo").
func init() {
	register(ES, map[string]string{
		"i18n.minutes.one":    "%d minuto",
		"i18n.minutes.other":  "%d minutos",
		"i18n.hours.one":      "%d hora",
		"i18n.hours.other":    "%d horas",
		"i18n.days.one":       "%d día",
		"i18n.days.other":     "%d días",
		"i18n.hours_minutes":  "%d h %d min",
		"i18n.list_and":       "%s y %s",
		"i18n.list_or":        "%s o %s",
		"i18n.list_separator": ", ",

		"routing.conditions.one":      "%d condición",
		"routing.conditions.other":    "%d condiciones",
		"routing.actions_count.one":   "%d acción",
		"routing.actions_count.other": "%d acciones",

		"automation.when.created":            "Al crear un ticket",
		"automation.when.updated":            "Al actualizar un ticket",
		"automation.when.created_or_updated": "Al crear o actualizar un ticket",
		"automation.when.timed":              "Cuando pasan %s desde %s",
		"automation.if":                      "Si %s: %s.",
		"automation.always":                  "Siempre: %s.",
		"automation.cond":                    "%s %s %s",
		"automation.cond.tag.has":            "el ticket tiene la etiqueta «%s»",
		"automation.cond.tag.lacks":          "el ticket no tiene la etiqueta «%s»",
		"automation.field.status":            "el estado",
		"automation.field.priority":          "la prioridad",
		"automation.field.category":          "la categoría",
		"automation.field.group":             "el grupo",
		"automation.field.assignee":          "el agente asignado",
		"automation.field.channel":           "el canal",
		"automation.field.requester":         "el correo del solicitante",
		"automation.field.organisation":      "la organización",
		"automation.field.subject":           "el asunto",
		"automation.field.body":              "el mensaje",
		"automation.op.is":                   "es",
		"automation.op.is_not":               "no es",
		"automation.op.contains":             "contiene",
		"automation.op.not_contains":         "no contiene",
		"automation.quoted":                  "«%s»",
		"automation.organisation_n":          "n.º %s",
		"automation.removed":                 "(ya no existe)",
		"automation.act.set_status":          "cambiar el estado a %s",
		"automation.act.set_priority":        "cambiar la prioridad a %s",
		"automation.act.set_group":           "mover al grupo %s",
		"automation.act.set_assignee":        "asignar a %s",
		"automation.act.unassign":            "quitar la asignación",
		"automation.act.add_tag":             "añadir la etiqueta «%s»",
		"automation.act.remove_tag":          "quitar la etiqueta «%s»",
		"automation.act.add_note":            "añadir una nota interna",
		"automation.act.notify.requester":    "avisar al solicitante",
		"automation.act.notify.assignee":     "avisar al agente asignado",
		"automation.act.notify.group":        "avisar a todo el grupo",
		"automation.act.notify.group_leads":  "avisar a los responsables del grupo",

		"admin.audit.value.kind.trigger":         "Disparador",
		"admin.audit.value.kind.timed":           "Regla por tiempo",
		"admin.audit.automation_settings.change": "El recordatorio de tickets pendientes pasó de %s a %s.",
		"admin.audit.reminder_off":               "desactivado",
	})
	register(EN, map[string]string{
		"i18n.minutes.one":    "%d minute",
		"i18n.minutes.other":  "%d minutes",
		"i18n.hours.one":      "%d hour",
		"i18n.hours.other":    "%d hours",
		"i18n.days.one":       "%d day",
		"i18n.days.other":     "%d days",
		"i18n.hours_minutes":  "%d h %d min",
		"i18n.list_and":       "%s and %s",
		"i18n.list_or":        "%s or %s",
		"i18n.list_separator": ", ",

		"routing.conditions.one":      "%d condition",
		"routing.conditions.other":    "%d conditions",
		"routing.actions_count.one":   "%d action",
		"routing.actions_count.other": "%d actions",

		"automation.when.created":            "When a ticket is created",
		"automation.when.updated":            "When a ticket is updated",
		"automation.when.created_or_updated": "When a ticket is created or updated",
		"automation.when.timed":              "When %s have passed since %s",
		"automation.if":                      "If %s: %s.",
		"automation.always":                  "Always: %s.",
		"automation.cond":                    "%s %s %s",
		"automation.cond.tag.has":            "the ticket has the tag “%s”",
		"automation.cond.tag.lacks":          "the ticket lacks the tag “%s”",
		"automation.field.status":            "the status",
		"automation.field.priority":          "the priority",
		"automation.field.category":          "the category",
		"automation.field.group":             "the group",
		"automation.field.assignee":          "the assignee",
		"automation.field.channel":           "the channel",
		"automation.field.requester":         "the requester's email",
		"automation.field.organisation":      "the organisation",
		"automation.field.subject":           "the subject",
		"automation.field.body":              "the message",
		"automation.op.is":                   "is",
		"automation.op.is_not":               "is not",
		"automation.op.contains":             "contains",
		"automation.op.not_contains":         "does not contain",
		"automation.quoted":                  "“%s”",
		"automation.organisation_n":          "no. %s",
		"automation.removed":                 "(no longer exists)",
		"automation.act.set_status":          "set the status to %s",
		"automation.act.set_priority":        "set the priority to %s",
		"automation.act.set_group":           "move to the group %s",
		"automation.act.set_assignee":        "assign to %s",
		"automation.act.unassign":            "unassign",
		"automation.act.add_tag":             "add the tag “%s”",
		"automation.act.remove_tag":          "remove the tag “%s”",
		"automation.act.add_note":            "add an internal note",
		"automation.act.notify.requester":    "notify the requester",
		"automation.act.notify.assignee":     "notify the assignee",
		"automation.act.notify.group":        "notify the whole group",
		"automation.act.notify.group_leads":  "notify the group's leads",

		"admin.audit.value.kind.trigger":         "Trigger",
		"admin.audit.value.kind.timed":           "Time-based rule",
		"admin.audit.automation_settings.change": "The pending tickets reminder changed from %s to %s.",
		"admin.audit.reminder_off":               "off",
	})
}

// Landing page claims that hold only when their feature is served (see
// server/landing_claims.go): each is shown when its routes exist.
func init() {
	register(ES, map[string]string{
		"landing.feature.automation": "Automatización que se explica: cada regla se lee como una frase y queda en el historial del ticket.",
		"landing.feature.api":        "API REST para integrar tus sistemas con los tickets.",
		"landing.feature.reports":    "Informes con las métricas de tu equipo.",
		"landing.feature.kb":         "Base de conocimiento para que tus clientes encuentren respuestas solos.",
	})
	register(EN, map[string]string{
		"landing.feature.automation": "Automation that explains itself: every rule reads as a sentence and shows in the ticket's history.",
		"landing.feature.api":        "A REST API to connect your systems to tickets.",
		"landing.feature.reports":    "Reports with your team's metrics.",
		"landing.feature.kb":         "A knowledge base so your customers find answers on their own.",
	})
}
