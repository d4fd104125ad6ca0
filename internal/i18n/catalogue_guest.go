package i18n

// Messages of the guest pages: the public form, the tracking link and
// "send me my link again".
func init() {
	register(ES, map[string]string{
		"error.ticket_number": "Escribe el número del ticket, por ejemplo #1042.",

		"guest.new.lead":             "Cuéntanos qué pasa. No necesitas cuenta: te daremos un enlace para seguir el ticket y respondernos.",
		"guest.new.have_account":     "¿Tienes cuenta?",
		"guest.new.name":             "Tu nombre",
		"guest.new.email":            "Tu correo electrónico",
		"guest.new.email_help":       "Lo usaremos para responderte sobre este ticket.",
		"guest.new.honeypot":         "Deja este campo vacío",
		"guest.new.lost_link":        "¿Ya abriste un ticket y perdiste el enlace?",
		"guest.new.lost_link_action": "Pedir el enlace de nuevo",
		"guest.rate_limited":         "Has enviado demasiadas solicitudes en poco tiempo. Espera un rato y vuelve a intentarlo: conservamos lo que escribiste.",

		"guest.received.generic_title": "Solicitud recibida",
		"guest.received.generic":       "Gracias. Recibimos tu solicitud.",
		"guest.received.again":         "Ya habíamos recibido este formulario: es el ticket %s. Usa el enlace que te mostramos al enviarlo; si lo perdiste, pídelo de nuevo.",
		"guest.received.link_label":    "Tu enlace de seguimiento",
		"guest.received.link_help":     "Guárdalo: con él puedes ver el ticket y respondernos sin cuenta durante 30 días. Es personal: quien lo tenga puede leer la conversación.",
		"guest.received.email_note":    "Cuando este centro de ayuda tenga el correo configurado, también te enviaremos el enlace por correo.",
		"guest.received.next_reply":    "Si necesitamos más información, lo verás en la página del ticket: respóndenos allí.",
		"guest.received.another":       "Abrir otro ticket",

		"guest.track.private":     "Esta página es personal: quien tenga su enlace puede ver la conversación y responder.",
		"guest.track.solved_note": "Dimos este ticket por resuelto. Si todavía necesitas ayuda, respóndenos y lo reabriremos; si no, se cerrará solo en unos días.",
		"guest.track.closed_note": "Este ticket está cerrado y ya no admite cambios. Si necesitas más ayuda sobre lo mismo, escríbenos abajo y abriremos un ticket relacionado.",

		"guest.lookup.title":       "Recuperar el enlace de un ticket",
		"guest.lookup.lead":        "Escribe el número del ticket y el correo con el que lo abriste. Si coinciden, te enviaremos el enlace de seguimiento por correo.",
		"guest.lookup.number":      "Número del ticket",
		"guest.lookup.number_help": "Por ejemplo, #1042. Aparece en la página de confirmación y en nuestras respuestas.",
		"guest.lookup.submit":      "Enviarme el enlace",
		"guest.lookup.sent":        "Si los datos coinciden, te enviaremos el enlace por correo.",
	})
	register(EN, map[string]string{
		"error.ticket_number": "Type the ticket number, for example #1042.",

		"guest.new.lead":             "Tell us what is going on. You need no account: we will give you a link to follow the ticket and answer us.",
		"guest.new.have_account":     "Have an account?",
		"guest.new.name":             "Your name",
		"guest.new.email":            "Your email",
		"guest.new.email_help":       "We will use it to answer you about this ticket.",
		"guest.new.honeypot":         "Leave this field empty",
		"guest.new.lost_link":        "Already opened a ticket and lost the link?",
		"guest.new.lost_link_action": "Ask for the link again",
		"guest.rate_limited":         "You have sent too many requests in a short time. Wait a while and try again: we kept what you wrote.",

		"guest.received.generic_title": "Request received",
		"guest.received.generic":       "Thank you. We have received your request.",
		"guest.received.again":         "We had already received this form: it is ticket %s. Use the link we showed you when you sent it; if you lost it, ask for it again.",
		"guest.received.link_label":    "Your tracking link",
		"guest.received.link_help":     "Keep it: with it you can see the ticket and answer us without an account for 30 days. It is personal: anyone who has it can read the conversation.",
		"guest.received.email_note":    "Once email is set up for this help desk, we will also send you the link by email.",
		"guest.received.next_reply":    "If we need more information, you will see it on the ticket's page: answer us there.",
		"guest.received.another":       "Open another ticket",

		"guest.track.private":     "This page is personal: anyone who has its link can see the conversation and reply.",
		"guest.track.solved_note": "We marked this ticket as solved. If you still need help, answer us and we will reopen it; otherwise it closes by itself in a few days.",
		"guest.track.closed_note": "This ticket is closed and can no longer change. If you need more help with the same thing, write to us below and we will open a related ticket.",

		"guest.lookup.title":       "Get a ticket's link again",
		"guest.lookup.lead":        "Type the ticket number and the email you opened it with. If they match, we will send you the tracking link by email.",
		"guest.lookup.number":      "Ticket number",
		"guest.lookup.number_help": "For example, #1042. It is on the confirmation page and in our replies.",
		"guest.lookup.submit":      "Send me the link",
		"guest.lookup.sent":        "If the details match, we will send you the link by email.",
	})
}
