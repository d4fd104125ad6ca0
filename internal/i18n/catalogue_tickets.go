package i18n

// Messages of the ticket domain's validation errors.
func init() {
	register(ES, map[string]string{
		"error.assignee_not_in_group":    "El agente no pertenece al grupo del ticket.",
		"error.assignee_required_solved": "Un ticket resuelto debe tener un agente asignado.",
		"error.attachment_empty":         "El archivo está vacío.",
		"error.attachment_too_large":     "El archivo es demasiado grande.",
		"error.attachments_ticket_full":  "El ticket ha alcanzado el límite de adjuntos.",
		"error.attachments_too_many":     "Demasiados archivos adjuntos.",
		"error.date":                     "Usa el formato AAAA-MM-DD.",
		"error.number":                   "Introduce un número.",
		"error.escalation_tier":          "Solo se puede escalar a un grupo de nivel superior.",
		"error.followers_too_many":       "Demasiados seguidores.",
		"error.links_too_many":           "Demasiados tickets enlazados.",
		"error.merge_self":               "Un ticket no se puede fusionar consigo mismo.",
		"error.tag_invalid":              "Las etiquetas solo admiten letras, números y _ - . : /",
		"error.tags_too_many":            "Demasiadas etiquetas.",
	})
	register(EN, map[string]string{
		"error.assignee_not_in_group":    "The agent is not in the ticket's group.",
		"error.assignee_required_solved": "A solved ticket keeps an assignee.",
		"error.attachment_empty":         "The file is empty.",
		"error.attachment_too_large":     "The file is too large.",
		"error.attachments_ticket_full":  "The ticket has reached its attachment limit.",
		"error.attachments_too_many":     "Too many attachments.",
		"error.date":                     "Use YYYY-MM-DD.",
		"error.number":                   "Enter a number.",
		"error.escalation_tier":          "Escalate only to a higher tier group.",
		"error.followers_too_many":       "Too many followers.",
		"error.links_too_many":           "Too many linked tickets.",
		"error.merge_self":               "A ticket cannot be merged into itself.",
		"error.tag_invalid":              "Tags allow letters, digits and _ - . : /",
		"error.tags_too_many":            "Too many tags.",
	})
}
