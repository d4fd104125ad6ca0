package bench

import (
	"math/rand/v2"
	"strings"
)

// Spanish help-desk vocabulary for synthetic tickets. Subjects combine a
// problem with an object, bodies a few sentences, so the search indexes see
// a realistic spread of words (a handful frequent, most rare).
var (
	objects = []string{
		"la impresora", "el portátil", "la VPN", "el correo", "la factura", "el pedido", "la contraseña",
		"el acceso al portal", "la aplicación móvil", "el servidor de archivos", "la centralita", "el monitor",
		"la licencia de Office", "el certificado digital", "la tarjeta de crédito", "el envío", "la devolución",
		"el contrato", "la cuenta de usuario", "el teclado", "la red wifi", "el informe mensual", "la nómina",
		"el presupuesto", "la sincronización del calendario", "la copia de seguridad", "el lector de tarjetas",
		"el pago domiciliado", "la suscripción", "el proyector de la sala", "la tienda online", "el cupón de descuento",
	}
	problems = []string{
		"no funciona", "da error al iniciar", "va muy lenta", "no carga", "se bloquea", "no imprime",
		"no recibo", "no puedo acceder a", "me cobran dos veces por", "necesito cambiar", "quiero cancelar",
		"no aparece", "muestra datos incorrectos en", "tengo dudas sobre", "solicito información de",
		"falla de forma intermitente", "no sincroniza", "caducó", "fue rechazada", "llegó dañado",
	}
	openers = []string{
		"Hola,", "Buenos días,", "Buenas tardes,", "Estimado equipo de soporte,", "Hola equipo,", "Saludos,",
	}
	sentences = []string{
		"Desde esta mañana %s y no sé qué hacer.",
		"He reiniciado el equipo varias veces pero %s sigue igual.",
		"El problema con %s empezó después de la última actualización.",
		"Mis compañeros del departamento de contabilidad también tienen problemas con %s.",
		"Necesito resolverlo cuanto antes porque tenemos una entrega el viernes.",
		"Adjunto una captura de pantalla con el mensaje de error que aparece.",
		"¿Podrían indicarme los pasos para solucionarlo?",
		"Ya probé a borrar la caché del navegador y a cerrar sesión.",
		"El número de referencia que me dieron por teléfono no funciona.",
		"Es la tercera vez este mes que ocurre lo mismo con %s.",
		"Trabajo desde casa y la conexión parece estable, así que no creo que sea la red.",
		"Les agradecería que me llamaran al móvil para revisarlo juntos.",
		"La configuración regional está en español y la zona horaria es Madrid.",
		"No he cambiado nada en la configuración de %s.",
		"¿Existe alguna incidencia conocida con %s?",
		"Por favor, revisen también la facturación del mes pasado.",
	}
	replies = []string{
		"Gracias por escribirnos. Hemos revisado %s y vemos el problema.",
		"¿Podría indicarnos qué versión tiene instalada y desde cuándo ocurre?",
		"Hemos aplicado una corrección en %s; por favor, pruebe de nuevo y nos cuenta.",
		"Le hemos enviado un enlace para restablecer la configuración.",
		"El equipo técnico está investigando la incidencia y le mantendremos informado.",
		"Hemos escalado el caso al segundo nivel para un análisis más detallado.",
		"Según nuestros registros, %s funciona correctamente desde ayer.",
		"Le confirmo que el abono se verá reflejado en los próximos días.",
		"¿Le parece bien que cerremos la incidencia si no hay novedades?",
		"Un saludo y gracias por su paciencia.",
	}
	notes = []string{
		"Revisado con sistemas: el fallo viene del proxy nuevo.",
		"Cliente recurrente, ver tickets anteriores antes de contestar.",
		"Pendiente de confirmar con el proveedor de %s.",
		"Duplicado probable de otra incidencia abierta esta semana.",
	}
	firstNames = []string{"Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Leo", "María", "Pablo", "Julia", "Daniel",
		"Paula", "Álvaro", "Valeria", "Manuel", "Carmen", "Javier", "Elena", "Diego", "Noa", "Adrián", "Irene", "Sergio"}
	lastNames = []string{"García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Díaz", "Ruiz",
		"Hernández", "Jiménez", "Moreno", "Álvarez", "Romero", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos"}
	companyWords = []string{"Soluciones", "Distribuciones", "Talleres", "Consultoría", "Logística", "Servicios",
		"Ingeniería", "Comercial", "Alimentación", "Textil", "Energía", "Viajes"}
	places = []string{"Ibérica", "del Norte", "Levante", "Atlántica", "Andaluza", "Castellana", "Mediterránea",
		"Canaria", "Gallega", "Aragonesa"}
	groupNames    = []string{"Nivel 1 · Soporte", "Nivel 2 · Técnico", "Facturación", "Ventas", "Logística", "Nivel 3 · Sistemas"}
	categoryNames = []string{"Acceso y contraseñas", "Hardware", "Software", "Facturación y pagos", "Pedidos y envíos",
		"Red y conectividad", "Cuenta y contrato", "Consultas generales"}
	tagWords = []string{"urgente", "vip", "recurrente", "proveedor", "garantia", "remoto", "movil", "facturacion"}
	// searchWords are the words the load driver searches for: common enough
	// in the generated text to return full pages.
	searchWords = []string{"impresora", "factura", "contraseña", "correo", "pedido", "portátil", "licencia", "envío"}
)

// SearchWords are what the load driver types in search boxes.
func SearchWords() []string { return append([]string(nil), searchWords...) }

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func withObject(r *rand.Rand, tmpl, object string) string {
	if strings.Contains(tmpl, "%s") {
		return strings.Replace(tmpl, "%s", object, 1)
	}
	return tmpl
}

// subject returns a ticket subject such as "La impresora no imprime", and
// the object it is about.
func subject(r *rand.Rand) (string, string) {
	obj := pick(r, objects)
	p := pick(r, problems)
	var s string
	switch {
	case strings.HasPrefix(p, "no puedo") || strings.HasPrefix(p, "me cobran") || strings.HasPrefix(p, "necesito") ||
		strings.HasPrefix(p, "quiero") || strings.HasPrefix(p, "tengo") || strings.HasPrefix(p, "solicito") ||
		strings.HasPrefix(p, "no recibo"):
		s = p + " " + obj
	default:
		s = obj + " " + p
	}
	s = strings.Replace(s, " a el ", " al ", 1)
	s = strings.Replace(s, " de el ", " del ", 1)
	return strings.ToUpper(s[:1]) + s[1:], obj
}

// description is a customer's message of two to five sentences.
func description(r *rand.Rand, obj string) string {
	var b strings.Builder
	b.WriteString(pick(r, openers))
	for range 2 + r.IntN(4) {
		b.WriteString(" ")
		b.WriteString(withObject(r, pick(r, sentences), obj))
	}
	b.WriteString("\n\nUn saludo.")
	return b.String()
}

// agentReply is an agent's public answer.
func agentReply(r *rand.Rand, obj string) string {
	var b strings.Builder
	b.WriteString("Hola,\n\n")
	for i := range 1 + r.IntN(3) {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(withObject(r, pick(r, replies), obj))
	}
	b.WriteString("\n\nUn saludo,\nEl equipo de soporte")
	return b.String()
}

func note(r *rand.Rand, obj string) string { return withObject(r, pick(r, notes), obj) }

func personName(r *rand.Rand) string { return pick(r, firstNames) + " " + pick(r, lastNames) }

func companyName(r *rand.Rand, i int) string {
	return pick(r, companyWords) + " " + pick(r, places) + " " + itoa(i)
}
