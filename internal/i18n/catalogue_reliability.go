package i18n

// Messages of the input gate, the page shown while the database is
// unreachable, and the other guards against faults and hostile clients.
func init() {
	register(ES, map[string]string{
		"input.kept.title":          "Lo que escribiste",
		"input.kept.help":           "Cópialo antes de volver atrás para no tener que escribirlo otra vez.",
		"input.error.encoding":      "Este campo contiene texto mal codificado (no es UTF-8 válido). Escríbelo de nuevo.",
		"input.error.control":       "Este campo contiene un carácter de control invisible (como un byte nulo). Quítalo y vuelve a enviarlo.",
		"input.error.encoding.page": "El campo «%s» contiene texto mal codificado (no es UTF-8 válido). No se guardó nada: vuelve atrás, escríbelo de nuevo y envíalo.",
		"input.error.control.page":  "El campo «%s» contiene un carácter de control invisible (como un byte nulo). No se guardó nada: vuelve atrás, quítalo y envíalo de nuevo.",
		"input.field.email":         "Correo electrónico",
		"input.field.password":      "Contraseña",
		"input.field.name":          "Nombre",
		"input.field.subject":       "Asunto",
		"input.field.body":          "Mensaje",
		"input.field.description":   "Descripción",
		"input.field.q":             "Buscar",
		"input.field.next":          "Página siguiente",
		"input.field.form":          "Formulario",

		"error.408.title":            "La conexión es demasiado lenta",
		"error.408.message":          "Tu envío llegaba demasiado despacio o se detuvo, así que lo cortamos y no se guardó nada. Comprueba tu conexión y vuelve a enviarlo.",
		"error.uploads_busy.title":   "Hay muchos archivos subiéndose",
		"error.uploads_busy.message": "Ahora mismo se están recibiendo muchos archivos y el tuyo no pudo empezar. No se guardó nada: vuelve a enviarlo en un minuto.",
		"error.503.title":            "Volvemos en un momento",
		"error.503.message":          "El centro de ayuda no puede consultar sus datos ahora mismo. Suele arreglarse solo en unos segundos: vuelve a cargar la página dentro de un momento. Si estabas enviando un formulario, envíalo otra vez: no se creará nada dos veces.",
	})
	register(EN, map[string]string{
		"input.kept.title":          "What you typed",
		"input.kept.help":           "Copy it before going back so you do not have to type it again.",
		"input.error.encoding":      "This field contains badly encoded text (not valid UTF-8). Please type it again.",
		"input.error.control":       "This field contains an invisible control character (such as a null byte). Remove it and send again.",
		"input.error.encoding.page": "The field “%s” contains badly encoded text (not valid UTF-8). Nothing was saved: go back, type it again and send it.",
		"input.error.control.page":  "The field “%s” contains an invisible control character (such as a null byte). Nothing was saved: go back, remove it and send again.",
		"input.field.email":         "Email",
		"input.field.password":      "Password",
		"input.field.name":          "Name",
		"input.field.subject":       "Subject",
		"input.field.body":          "Message",
		"input.field.description":   "Description",
		"input.field.q":             "Search",
		"input.field.next":          "Next page",
		"input.field.form":          "Form",

		"error.408.title":            "The connection is too slow",
		"error.408.message":          "What you sent was arriving too slowly or stopped, so we cut it off and saved nothing. Check your connection and send it again.",
		"error.uploads_busy.title":   "Many files are being uploaded",
		"error.uploads_busy.message": "Many files are being received right now and yours could not start. Nothing was saved: send it again in a minute.",
		"error.503.title":            "Back in a moment",
		"error.503.message":          "The help desk cannot reach its data right now. This usually fixes itself within seconds: reload the page in a moment. If you were sending a form, send it again: nothing will be created twice.",
	})
}
