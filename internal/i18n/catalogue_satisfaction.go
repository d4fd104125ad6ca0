package i18n

// Messages of satisfaction (CSAT): the rating card of the ticket page, the
// survey link pages, and the console's sentence for a rating event.
func init() {
	register(ES, map[string]string{
		"portal.rating.title":        "¿Cómo valorarías la atención?",
		"portal.rating.lead":         "Tu opinión nos ayuda a mejorar. Solo la ve el equipo de soporte.",
		"portal.rating.legend":       "Tu valoración, de 1 a 5",
		"portal.rating.score.1":      "1 — Muy mala",
		"portal.rating.score.2":      "2 — Mala",
		"portal.rating.score.3":      "3 — Regular",
		"portal.rating.score.4":      "4 — Buena",
		"portal.rating.score.5":      "5 — Excelente",
		"portal.rating.comment":      "Comentario",
		"portal.rating.comment_help": "¿Qué hicimos bien o qué podríamos mejorar? Hasta 2.000 caracteres.",
		"portal.rating.submit":       "Enviar valoración",
		"portal.rating.save":         "Guardar valoración",
		"portal.rating.current":      "Tu valoración",
		"portal.rating.your_comment": "Tu comentario",
		"portal.rating.change":       "Cambiar",
		"portal.rating.changeable":   "Puedes cambiarla mientras el ticket siga resuelto.",
		"portal.rating.final":        "El ticket está cerrado, así que tu valoración ya es definitiva.",
		"portal.rating.thanks":       "¡Gracias por tu valoración!",
		"portal.rating.updated":      "Guardamos tu nueva valoración.",
		"portal.rating.not_now":      "Este ticket ya no se puede valorar: cambió de estado mientras lo mirabas.",
		"portal.rating.closed":       "El ticket se cerró y tu valoración ya es definitiva; no se cambió.",

		"portal.rating.link_title":   "Valora la atención recibida",
		"portal.rating.link_ticket":  "Ticket",
		"portal.rating.link_lead":    "No hace falta iniciar sesión. Solo pedimos tu valoración de este ticket.",
		"portal.rating.link_thanks":  "¡Gracias! Guardamos tu valoración. Puedes cambiarla con este mismo enlace mientras el ticket siga resuelto.",
		"portal.rating.thanks_title": "¡Gracias por tu valoración!",
		"portal.rating.thanks_lead":  "Tu opinión nos ayuda a atenderte mejor.",
		"portal.rating.gone_title":   "Este enlace ya no sirve",
		"portal.rating.gone_message": "El enlace de valoración no es válido o ya no se puede usar. Si tienes una cuenta, puedes valorar la atención desde la página del ticket.",

		"error.rating_required": "Elige una valoración del 1 al 5.",

		// The console's history sentences for a rated event (From, To: the
		// old and new scores; From is empty for a first rating).
		"console.event.rated":          "%s valoró la atención con %s de 5",
		"console.event.rating_changed": "%s cambió su valoración de %s a %s de 5",
		"console.event.rating_comment": "%s cambió el comentario de su valoración",
	})
	register(EN, map[string]string{
		"portal.rating.title":        "How would you rate the help you got?",
		"portal.rating.lead":         "Your opinion helps us improve. Only the support team sees it.",
		"portal.rating.legend":       "Your rating, from 1 to 5",
		"portal.rating.score.1":      "1 — Very poor",
		"portal.rating.score.2":      "2 — Poor",
		"portal.rating.score.3":      "3 — Fair",
		"portal.rating.score.4":      "4 — Good",
		"portal.rating.score.5":      "5 — Excellent",
		"portal.rating.comment":      "Comment",
		"portal.rating.comment_help": "What did we do well, or what could we do better? Up to 2,000 characters.",
		"portal.rating.submit":       "Send rating",
		"portal.rating.save":         "Save rating",
		"portal.rating.current":      "Your rating",
		"portal.rating.your_comment": "Your comment",
		"portal.rating.change":       "Change",
		"portal.rating.changeable":   "You can change it while the ticket stays solved.",
		"portal.rating.final":        "The ticket is closed, so your rating is final.",
		"portal.rating.thanks":       "Thank you for your rating!",
		"portal.rating.updated":      "We saved your new rating.",
		"portal.rating.not_now":      "This ticket can no longer be rated: its status changed while you were looking at it.",
		"portal.rating.closed":       "The ticket was closed and your rating is final; it was not changed.",

		"portal.rating.link_title":   "Rate the help you received",
		"portal.rating.link_ticket":  "Ticket",
		"portal.rating.link_lead":    "No need to sign in. We only ask for your rating of this ticket.",
		"portal.rating.link_thanks":  "Thank you! We saved your rating. You can change it with this same link while the ticket stays solved.",
		"portal.rating.thanks_title": "Thank you for your rating!",
		"portal.rating.thanks_lead":  "Your opinion helps us serve you better.",
		"portal.rating.gone_title":   "This link no longer works",
		"portal.rating.gone_message": "The rating link is not valid or can no longer be used. If you have an account, you can rate the help from the ticket's page.",

		"error.rating_required": "Choose a rating from 1 to 5.",

		"console.event.rated":          "%s rated the help %s out of 5",
		"console.event.rating_changed": "%s changed their rating from %s to %s out of 5",
		"console.event.rating_comment": "%s changed the comment of their rating",
	})
}
