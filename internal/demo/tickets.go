package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/atiende/atiende/internal/helpdesk"
)

// Clock is the demo's own clock: the loader moves it forward between
// actions, so the demo history spreads over the last weeks as a real desk's
// would instead of happening in one instant.
type Clock struct{ t time.Time }

// NewClock starts a clock at start.
func NewClock(start time.Time) *Clock { return &Clock{t: start.UTC()} }

// Now is the clock's current instant; pass it to helpdesk.NewService.
func (c *Clock) Now() time.Time { return c.t }

func (c *Clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// step is one thing that happens to a demo ticket.
type step struct {
	kind stepKind
	text string
	to   helpdesk.Status
	wait time.Duration // how long after the previous step
}

type stepKind int

const (
	agentReply stepKind = iota + 1 // public reply by the demo agent, optional status
	agentNote                      // internal note
	customerReply
	setStatus
	assignSelf
	confirm
)

// scenario is one demo ticket: who asks what, and what happens next.
type scenario struct {
	customer int // index into customers
	subject  string
	body     string
	urgency  helpdesk.Urgency
	impact   helpdesk.Impact
	channel  helpdesk.Channel
	steps    []step
}

// customers of the demo desk besides cliente@demo.example (index 0).
var customers = []Login{
	{helpdesk.RoleCustomer, "cliente@demo.example", "María López"},
	{helpdesk.RoleCustomer, "jorge.martin@demo.example", "Jorge Martín"},
	{helpdesk.RoleCustomer, "ana.torres@demo.example", "Ana Torres"},
	{helpdesk.RoleCustomer, "pablo.sanchez@demo.example", "Pablo Sánchez"},
	{helpdesk.RoleCustomer, "lucia.romero@demo.example", "Lucía Romero"},
}

func reply(text string) step { return step{kind: agentReply, text: text, wait: 90 * time.Minute} }
func replyAs(text string, to helpdesk.Status) step {
	return step{kind: agentReply, text: text, to: to, wait: 75 * time.Minute}
}
func note(text string) step          { return step{kind: agentNote, text: text, wait: 30 * time.Minute} }
func answer(text string) step        { return step{kind: customerReply, text: text, wait: 2 * time.Hour} }
func status(to helpdesk.Status) step { return step{kind: setStatus, to: to, wait: 30 * time.Minute} }
func take() step                     { return step{kind: assignSelf, wait: 15 * time.Minute} }
func confirmed() step                { return step{kind: confirm, wait: 6 * time.Hour} }

// gap is the time between one demo ticket's arrival and the previous one's.
func gap(i int) time.Duration { return time.Duration(3+i%4) * time.Hour }

// Span is how much time the demo history covers: start the clock that long
// before now, so the latest demo activity is recent and none is in the
// future.
func Span() time.Duration {
	d := HistoryDays * 24 * time.Hour
	for i, sc := range scenarios {
		d += gap(i)
		for _, st := range sc.steps {
			d += st.wait
		}
	}
	return d
}

const (
	open    = helpdesk.StatusOpen
	pending = helpdesk.StatusPending
	onHold  = helpdesk.StatusOnHold
	solved  = helpdesk.StatusSolved
)

var scenarios = []scenario{
	// Nuevo: nobody has acted yet.
	{0, "No puedo iniciar sesión en el portal de clientes", "Desde esta mañana el portal me dice que la contraseña es incorrecta, aunque la acabo de cambiar. ¿Podéis revisarlo?", "high", "low", "web", nil},
	{1, "La impresora de la segunda planta no imprime", "La impresora HP de la segunda planta muestra el error 49.4C02 y no imprime nada. Afecta a todo el departamento de contabilidad.", "high", "medium", "email", nil},
	{2, "Solicitud de acceso a la carpeta compartida de Marketing", "Necesito acceso de lectura a la carpeta \\\\servidor\\marketing para preparar la campaña de diciembre.", "low", "low", "web", nil},
	{3, "El correo tarda mucho en llegar", "Los correos externos llegan con más de una hora de retraso desde ayer por la tarde.", "medium", "high", "email", nil},
	{4, "Consulta sobre la factura de noviembre", "En la factura de noviembre aparece dos veces la licencia de soporte premium. ¿Es correcto?", "low", "low", "web", nil},
	{1, "Pantalla azul al arrancar el portátil", "Mi portátil muestra una pantalla azul con el código CRITICAL_PROCESS_DIED cada vez que lo enciendo.", "high", "low", "phone", nil},

	// Abierto: an agent has it.
	{0, "Error al exportar informes a PDF", "Al exportar el informe mensual a PDF la aplicación se cierra sin mensaje de error.", "medium", "medium", "web",
		[]step{take(), note("Reproducido con el informe de ventas; parece un problema de fuentes."), reply("Hola María, ya estamos revisando el error. ¿Nos confirmas qué versión de la aplicación usas?"), answer("Uso la versión 4.2.1 en Windows 11.")}},
	{2, "Configuración de la VPN en el móvil", "¿Cómo configuro la VPN de la empresa en un iPhone? No encuentro la guía.", "medium", "low", "chat",
		[]step{take(), reply("Hola Ana, te envío los pasos: Ajustes > General > VPN > Añadir configuración. Te preparo el perfil ahora mismo.")}},
	{3, "Alta de un nuevo empleado en el sistema de nóminas", "El lunes se incorpora Raquel Vidal al equipo de finanzas. Necesita usuario en nóminas y en el ERP.", "medium", "low", "email",
		[]step{take(), note("RR. HH. ya envió el contrato firmado. Falta crear el usuario en el ERP.")}},
	{4, "La web va muy lenta por las tardes", "Entre las 16:00 y las 18:00 la tienda online tarda más de 10 segundos en cargar.", "high", "high", "web",
		[]step{take(), reply("Hola Lucía, estamos analizando las métricas del servidor en esas horas. Te mantenemos informada."), note("El pico coincide con la copia de seguridad incremental. Revisar la planificación.")}},
	{1, "No se sincroniza el calendario compartido", "Las citas que creo en el calendario del equipo no aparecen a mis compañeros.", "medium", "medium", "web",
		[]step{take(), replyAs("Hola Jorge, ¿podrías decirnos desde qué dispositivo creas las citas?", pending), answer("Desde el móvil Android, con la aplicación de correo.")}},
	{0, "Reembolso de un pedido duplicado", "Se me cobró dos veces el pedido 2024-1187. Solicito el reembolso de uno de los cargos.", "medium", "low", "email",
		[]step{take(), reply("Hola María, hemos localizado el cargo duplicado y hemos pedido el reembolso a administración.")}},
	{2, "Actualizar el certificado SSL del dominio", "El certificado de tienda.ejemplo.es caduca el día 30. ¿Lo renováis vosotros?", "high", "high", "email",
		[]step{take(), note("Renovación automática fallida: el registro DNS de validación no existe.")}},
	{3, "Cambio de número de teléfono en mi perfil", "Quiero actualizar mi número de contacto al 600 123 456.", "low", "low", "phone",
		[]step{take(), reply("Hola Pablo, lo estamos actualizando. En unos minutos estará listo.")}},

	// Pendiente: waiting on the requester.
	{1, "No recibo las notificaciones por correo", "Desde hace una semana no me llegan los avisos de tickets nuevos.", "medium", "low", "web",
		[]step{take(), replyAs("Hola Jorge, ¿puedes revisar la carpeta de correo no deseado y decirnos si aparecen ahí?", pending)}},
	{4, "Error 500 al pagar con tarjeta", "Algunos clientes ven un error 500 al pagar con tarjeta desde el móvil.", "high", "high", "web",
		[]step{take(), note("No aparece en los registros del TPV. Pedimos más datos."), replyAs("Hola Lucía, ¿nos puedes enviar la hora aproximada y el importe de algún pago fallido?", pending)}},
	{0, "Solicitud de licencia adicional de Office", "Necesitamos una licencia más de Office para la nueva incorporación.", "low", "low", "email",
		[]step{take(), replyAs("Hola María, ¿nos confirmas el centro de coste al que imputamos la licencia?", pending)}},
	{2, "El escáner guarda los documentos en blanco", "Todo lo que escaneo aparece como una página en blanco.", "medium", "low", "web",
		[]step{take(), reply("Hola Ana, ¿has probado a limpiar el cristal del escáner?"), answer("Sí, y sigue igual."), replyAs("Gracias. ¿Puedes enviarnos una foto del panel de configuración del escáner?", pending)}},
	{3, "Duda sobre la política de vacaciones en el portal", "No encuentro dónde se solicitan las vacaciones en el portal del empleado.", "low", "low", "chat",
		[]step{take(), replyAs("Hola Pablo, ¿te refieres al portal antiguo o al nuevo? Nos ayudaría una captura.", pending)}},
	{1, "Problema con la firma del correo", "La firma de mi correo sale con el logotipo roto.", "low", "low", "email",
		[]step{take(), replyAs("Hola Jorge, ¿usas Outlook en el ordenador o la versión web?", pending)}},

	// En espera: waiting on a third party.
	{4, "Sustitución del disco del servidor de ficheros", "El servidor de ficheros avisa de que un disco está degradado.", "high", "medium", "email",
		[]step{take(), reply("Hola Lucía, hemos pedido un disco de repuesto al fabricante. Te avisamos cuando llegue."), status(onHold), note("Número de caso del fabricante: DL-558201. Entrega prevista en 48 h.")}},
	{0, "Portabilidad de las líneas móviles", "Queremos traer las 12 líneas móviles de la empresa a vuestro contrato.", "medium", "medium", "phone",
		[]step{take(), reply("Hola María, hemos iniciado la portabilidad con el operador. Suele tardar unos cinco días laborables."), status(onHold)}},
	{2, "Garantía del monitor averiado", "El monitor de mi puesto tiene una línea vertical de píxeles muertos.", "low", "low", "web",
		[]step{take(), note("Enviado al servicio técnico del proveedor, pendiente de su diagnóstico."), status(onHold)}},
	{3, "Integración con el software de contabilidad", "¿Podéis conectar la tienda con nuestro programa de contabilidad?", "medium", "medium", "email",
		[]step{take(), reply("Hola Pablo, hemos pedido al proveedor del programa la documentación de su API."), status(onHold)}},

	// Resuelto: a solution was given.
	{1, "Restablecer la contraseña del correo", "He olvidado la contraseña del correo y no puedo entrar.", "high", "low", "phone",
		[]step{take(), replyAs("Hola Jorge, te hemos enviado un enlace para crear una contraseña nueva. Caduca en 24 horas.", solved)}},
	{4, "Añadir un usuario a la lista de distribución de ventas", "Por favor, añadid a tomas@ejemplo.es a la lista ventas@.", "low", "low", "email",
		[]step{take(), replyAs("Hola Lucía, ya está añadido a la lista de ventas.", solved)}},
	{0, "La aplicación móvil no muestra las facturas", "En la app no aparecen las facturas de este año.", "medium", "low", "web",
		[]step{take(), reply("Hola María, ¿puedes cerrar sesión y volver a entrar?"), answer("Lo he hecho y siguen sin aparecer."), note("Era la caché del servidor de facturas. Purgada."), replyAs("Hemos corregido un problema de caché; ya deberías verlas todas.", solved)}},
	{2, "Cambiar la dirección de facturación", "La nueva dirección fiscal es Calle Mayor 10, 28013 Madrid.", "low", "low", "web",
		[]step{take(), replyAs("Hola Ana, dirección de facturación actualizada. La próxima factura ya la llevará.", solved)}},
	{3, "El teclado inalámbrico no responde", "El teclado deja de responder cada pocos minutos.", "low", "low", "chat",
		[]step{take(), replyAs("Hola Pablo, te hemos enviado un receptor nuevo por mensajería. Con eso debería quedar resuelto.", solved), answer("Sigue fallando con el receptor nuevo."), replyAs("Vaya. Te cambiamos el teclado completo; lo tendrás mañana.", solved)}},
	{1, "Instalar el programa de diseño en mi equipo", "Necesito el programa de diseño para editar los folletos.", "medium", "low", "web",
		[]step{take(), replyAs("Hola Jorge, ya está instalado. Reinicia el equipo para que aparezca en el menú.", solved)}},

	// Cerrado: confirmed by the requester.
	{4, "Acceso al panel de estadísticas", "No tengo permisos para ver el panel de estadísticas de la tienda.", "medium", "low", "web",
		[]step{take(), replyAs("Hola Lucía, te hemos dado acceso de lectura al panel.", solved), confirmed()}},
	{0, "Configurar la respuesta automática de vacaciones", "Me voy de vacaciones el viernes y quiero dejar una respuesta automática.", "low", "low", "email",
		[]step{take(), replyAs("Hola María, te enviamos los pasos para activarla en la configuración del correo.", solved), confirmed()}},
	{2, "La impresora imprime con rayas", "Todas las copias salen con rayas horizontales grises.", "low", "medium", "web",
		[]step{take(), reply("Hola Ana, vamos a cambiar el tóner."), note("Tóner cambiado por el técnico de la planta."), replyAs("Ya hemos cambiado el tóner. ¿Puedes probar de nuevo?", solved), confirmed()}},
	{3, "Recuperar un archivo borrado", "Borré sin querer la hoja de presupuestos de 2025 de la carpeta compartida.", "high", "low", "phone",
		[]step{take(), replyAs("Hola Pablo, lo hemos recuperado de la copia de anoche y está de nuevo en su carpeta.", solved), confirmed()}},
	{1, "Cambio de plan de soporte", "Queremos pasar del plan básico al plan premium a partir del mes que viene.", "low", "low", "email",
		[]step{take(), replyAs("Hola Jorge, el cambio de plan queda programado para el día 1.", solved), confirmed()}},
}

// demoCategory is one of the demo desk's categories with its routing
// settings; group "N2" is the specialists, anything else first line.
type demoCategory struct {
	name, description, group string
	priority                 helpdesk.Priority
	internal                 bool
}

// demoCategories are the demo desk's categories, in the portal's order;
// categoryOf picks one for a demo ticket from words of its subject.
var demoCategories = []demoCategory{
	{"Consulta general", "Dudas sobre el servicio, cómo se hace algo o a quién dirigirse.", "N1", "", false},
	{"Cuentas y accesos", "Altas y bajas de usuarios, contraseñas, permisos y licencias.", "N1", "", false},
	{"Hardware", "Ordenadores, impresoras, pantallas y otros equipos que fallan o hay que pedir.", "N1", "", false},
	{"Red y comunicaciones", "Correo, VPN, wifi, telefonía y acceso a las aplicaciones web.", "N2", "", false},
	{"Facturación", "Facturas, cobros, reembolsos y cambios de plan.", "N1", helpdesk.PriorityLow, false},
	{"Incidencia grave", "Un servicio caído que impide trabajar a varias personas.", "N2", helpdesk.PriorityUrgent, false},
	{"Seguimiento interno", "Tareas del equipo de soporte que no vienen de un cliente.", "N1", "", true},
}

func categoryOf(subject string, cats map[string]helpdesk.CategoryID) helpdesk.CategoryID {
	s := strings.ToLower(subject)
	for _, rule := range []struct{ category, words string }{
		{"Facturación", "factura reembolso plan pedido"},
		{"Cuentas y accesos", "acceso permisos contraseña sesión licencia alta perfil"},
		{"Hardware", "impresora escáner portátil monitor teclado pantalla disco"},
		{"Red y comunicaciones", "correo vpn web ssl líneas calendario notificaciones"},
	} {
		for _, w := range strings.Fields(rule.words) {
			if strings.Contains(s, w) {
				return cats[rule.category]
			}
		}
	}
	return cats["Consulta general"]
}

// loadTickets plays the scenarios through the domain service, so the demo
// history is exactly what real use would produce.
func loadTickets(ctx context.Context, svc *helpdesk.Service, clock *Clock, admin, agent helpdesk.User, people []helpdesk.User) error {
	level1, err := svc.CreateGroup(ctx, admin.Actor(), "Soporte N1", 1, []helpdesk.UserID{agent.ID, admin.ID})
	if err != nil {
		return fmt.Errorf("demo: group: %w", err)
	}
	level2, err := svc.CreateGroup(ctx, admin.Actor(), "Especialistas N2", 2, []helpdesk.UserID{admin.ID})
	if err != nil {
		return fmt.Errorf("demo: group: %w", err)
	}
	cats := map[string]helpdesk.CategoryID{}
	for i, dc := range demoCategories {
		group := level1.ID
		if dc.group == "N2" {
			group = level2.ID
		}
		c, err := svc.AddCategory(ctx, admin.Actor(), helpdesk.CategoryInput{
			Name: dc.name, Description: dc.description, DefaultGroup: group, DefaultPriority: string(dc.priority),
			Internal: dc.internal, Position: strconv.Itoa((i + 1) * 10),
		})
		if err != nil {
			return fmt.Errorf("demo: category %q: %w", dc.name, err)
		}
		cats[dc.name] = c.ID
	}
	cal, err := loadSLA(ctx, svc, admin)
	if err != nil {
		return err
	}
	if err := loadHistory(ctx, svc, clock, cal, []helpdesk.User{agent, admin}, people, cats, level1.ID, level2.ID); err != nil {
		return err
	}
	for i, sc := range scenarios {
		clock.advance(gap(i))
		cust := people[sc.customer]
		t, err := svc.OpenTicket(ctx, cust.Actor(), helpdesk.NewTicket{
			Subject: sc.subject, Description: sc.body, Channel: sc.channel, Urgency: sc.urgency, Impact: sc.impact,
			Category: categoryOf(sc.subject, cats),
		})
		if err != nil {
			return fmt.Errorf("demo: open %q: %w", sc.subject, err)
		}
		// Tickets that arrive by email, phone or chat are opened on the
		// requester's behalf; the channel is what the history records.
		for _, st := range sc.steps {
			clock.advance(st.wait)
			at := helpdesk.TicketVersion{Number: t.Number}
			switch st.kind {
			case assignSelf:
				id, group := agent.ID, level1.ID
				t, err = svc.Assign(ctx, agent.Actor(), at, helpdesk.Assignment{Group: &group, Agent: &id})
			case agentReply:
				var res helpdesk.ReplyResult
				res, err = svc.Reply(ctx, agent.Actor(), at, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: st.text, Channel: helpdesk.ChannelWeb}, Public: true, Status: st.to})
				t = res.Ticket
			case agentNote:
				t, err = svc.AddNote(ctx, agent.Actor(), at, helpdesk.CommentInput{Body: st.text, Channel: helpdesk.ChannelWeb})
			case customerReply:
				var res helpdesk.ReplyResult
				res, err = svc.Reply(ctx, cust.Actor(), at, helpdesk.ReplyInput{CommentInput: helpdesk.CommentInput{Body: st.text, Channel: sc.channel}, Public: true})
				t = res.Ticket
			case setStatus:
				t, err = svc.ChangeStatus(ctx, agent.Actor(), at, st.to)
			case confirm:
				t, err = svc.ConfirmSolution(ctx, cust.Actor(), at)
			}
			if err != nil {
				return fmt.Errorf("demo: %q step %d: %w", sc.subject, st.kind, err)
			}
		}
	}
	// Tickets opened from now on without a routing category (mailed ones)
	// go to level one, like the portal's; the history above is unchanged.
	if err := svc.SetDefaultGroup(ctx, admin.Actor(), level1.ID); err != nil {
		return fmt.Errorf("demo: default group: %w", err)
	}
	return nil
}
