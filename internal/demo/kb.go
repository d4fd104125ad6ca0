package demo

import (
	"context"
	"fmt"

	"github.com/atiende/atiende/internal/helpdesk"
)

// The demo's help centre: three categories whose articles answer what the
// demo tickets ask (passwords, invoices, the VPN, printers), some of them
// translated into English, one for signed-in customers and one internal.

type kbSectionSeed struct {
	name, nameEN string
	articles     []kbArticleSeed
}

type kbCategorySeed struct {
	name, nameEN, about, aboutEN string
	sections                     []kbSectionSeed
}

type kbArticleSeed struct {
	title, summary, body, tags, audience string
	en                                   *kbArticleSeed // the English translation
}

var kbSeeds = []kbCategorySeed{
	{"Cuenta y acceso", "Account and access", "Contraseñas, inicio de sesión, perfil y avisos.", "Passwords, signing in, profile and notifications.", []kbSectionSeed{
		{"Contraseñas e inicio de sesión", "Passwords and signing in", []kbArticleSeed{
			{"Restablecer tu contraseña", "Si la olvidaste o ha caducado, crea una nueva en dos minutos.",
				"1. En la página de acceso, pulsa **¿Has olvidado tu contraseña?**\n2. Escribe tu correo y pulsa **Enviar**.\n3. Abre el enlace que te llega (caduca en una hora) y elige una contraseña nueva de al menos 8 caracteres.\n\n> Si no te llega el correo en cinco minutos, mira en la carpeta de spam.",
				"contraseña, acceso, correo", "public",
				&kbArticleSeed{"Reset your password", "Forgotten or expired? Choose a new one in two minutes.",
					"1. On the sign-in page, press **Forgot your password?**\n2. Type your email and press **Send**.\n3. Open the link we send you (it expires in one hour) and choose a new password of at least 8 characters.\n\n> If the email has not arrived within five minutes, check your spam folder.",
					"password, sign in, email", "public", nil}},
			{"No puedo iniciar sesión en el portal", "Qué revisar cuando el portal dice que la contraseña es incorrecta.",
				"Comprueba, por orden:\n\n- Que escribes el correo con el que te diste de alta (sin espacios al final).\n- Que el bloqueo de mayúsculas está desactivado.\n- Si cambiaste la contraseña hace poco, cierra las demás pestañas del portal: las sesiones antiguas se cierran al cambiarla.\n\nSi tras [restablecer la contraseña](/demo/help) sigue fallando, abre un ticket y lo revisamos.",
				"acceso, contraseña, portal", "public", nil},
		}},
		{"Perfil y notificaciones", "Profile and notifications", []kbArticleSeed{
			{"Cambiar tu teléfono o tu correo de contacto", "Mantén tus datos al día desde Mi cuenta.",
				"1. Entra en **Mi cuenta**.\n2. Cambia el teléfono o el correo y pulsa **Guardar**.\n\nEl cambio de correo te pide confirmar la dirección nueva.",
				"perfil, teléfono, correo", "customers", nil},
			{"No recibo las notificaciones por correo", "Por qué pueden no llegarte los avisos de tus tickets.",
				"- Revisa la carpeta de spam y marca nuestros correos como seguros.\n- Comprueba en **Mi cuenta** que el correo es correcto.\n- Si tu empresa filtra el correo externo, pide a tu equipo de sistemas que admita el dominio del servicio de soporte.",
				"notificaciones, correo, avisos", "public",
				&kbArticleSeed{"I do not receive email notifications", "Why the notices about your tickets may not reach you.",
					"- Check your spam folder and mark our emails as safe.\n- Check in **My account** that your email address is right.\n- If your company filters external mail, ask your IT team to allow the support service's domain.",
					"notifications, email", "public", nil}},
		}},
	}},
	{"Facturación y pagos", "Billing and payments", "Facturas, cargos, planes y métodos de pago.", "Invoices, charges, plans and payment methods.", []kbSectionSeed{
		{"Facturas", "Invoices", []kbArticleSeed{
			{"Descargar tus facturas", "Todas tus facturas en PDF, también desde la aplicación móvil.",
				"1. Entra en **Mi cuenta → Facturación**.\n2. Pulsa **Descargar PDF** junto a la factura.\n\nEstán disponibles las facturas de los últimos 24 meses. Si en la aplicación móvil no aparecen las de este año, actualiza la aplicación a la última versión.",
				"factura, facturación, pdf", "public",
				&kbArticleSeed{"Download your invoices", "All your invoices as PDF, also from the mobile app.",
					"1. Go to **My account → Billing**.\n2. Press **Download PDF** next to the invoice.\n\nInvoices of the last 24 months are available. If this year's do not show in the mobile app, update the app to the latest version.",
					"invoice, billing, pdf", "public", nil}},
			{"Cambiar la dirección de facturación", "La dirección fiscal que aparece en tus facturas.",
				"1. Entra en **Mi cuenta → Facturación → Datos fiscales**.\n2. Escribe la nueva dirección y pulsa **Guardar**.\n\nLas facturas ya emitidas no cambian; la nueva dirección aparece desde la siguiente.",
				"factura, dirección, datos fiscales", "customers", nil},
			{"Un cargo aparece duplicado en mi factura", "Qué hacer si ves dos veces el mismo concepto o el mismo cargo.",
				"A veces una licencia se renueva el mismo día que se da de alta y aparece dos veces. Abre un ticket con el **número de factura** o de **pedido** y te devolvemos el cargo duplicado en un plazo de 5 a 10 días laborables.",
				"factura, cargo duplicado, reembolso", "public", nil},
		}},
		{"Planes y pagos", "Plans and payments", []kbArticleSeed{
			{"Cambiar de plan de soporte", "Pasa del plan básico al premium (o al revés) cuando quieras.",
				"El cambio se aplica el **día 1 del mes siguiente**. Pídelo con un ticket indicando el plan nuevo; te confirmamos el precio antes de aplicarlo.\n\n| Plan | Horario | Respuesta |\n|---|---|---|\n| Básico | L–V 9–18 h | 8 h laborables |\n| Premium | 24 × 7 | 1 h |",
				"plan, premium, precio", "public", nil},
			{"Errores al pagar con tarjeta", "Si el pago con tarjeta falla o da un error 500.",
				"- Comprueba que la tarjeta admite pagos por internet y la verificación de tu banco.\n- Prueba desde otro navegador o desde el ordenador si estabas en el móvil.\n- Si ves un **error 500**, no repitas el pago: avísanos con la hora aproximada y lo revisamos.",
				"pago, tarjeta, error 500", "public", nil},
			{"Reembolsos de pedidos duplicados (guía interna)", "Cómo tramitar un reembolso de un cargo duplicado.",
				"1. Comprueba en el ERP que el pedido tiene dos cargos con el mismo importe.\n2. Los reembolsos de más de 100 € los aprueba la responsable de finanzas.\n3. Responde al cliente con el plazo (5–10 días laborables) y **no prometas fechas concretas**.",
				"reembolso, interno, finanzas", "internal", nil},
		}},
	}},
	{"Equipos y conectividad", "Devices and connectivity", "VPN, impresoras, escáneres y equipos.", "VPN, printers, scanners and computers.", []kbSectionSeed{
		{"Conexión remota", "Remote access", []kbArticleSeed{
			{"Configurar la VPN en el móvil", "Conéctate a la red de la empresa desde un iPhone o un Android.",
				"1. Instala la aplicación **WireGuard** desde la tienda de aplicaciones.\n2. En el portal del empleado, descarga tu perfil de VPN (código QR).\n3. En WireGuard, pulsa **+ → Escanear código QR** y activa la conexión.\n\nTu usuario y contraseña son los de siempre.",
				"vpn, móvil, iphone, android", "public",
				&kbArticleSeed{"Set up the VPN on your phone", "Connect to the company network from an iPhone or Android.",
					"1. Install the **WireGuard** app from your app store.\n2. In the employee portal, download your VPN profile (QR code).\n3. In WireGuard, press **+ → Scan QR code** and switch the connection on.\n\nYour user name and password are the usual ones.",
					"vpn, phone, iphone, android", "public", nil}},
		}},
		{"Impresoras y escáner", "Printers and scanner", []kbArticleSeed{
			{"La impresora no imprime o imprime con rayas", "Errores frecuentes de las impresoras de la oficina.",
				"- **Error 49.4C02**: apaga la impresora 30 segundos, enciéndela y borra la cola de impresión.\n- **Rayas grises**: ejecuta la limpieza de cabezales desde el menú *Mantenimiento*.\n- Si sigue igual, abre un ticket indicando la planta y el modelo.",
				"impresora, rayas, error", "public", nil},
			{"El escáner guarda los documentos en blanco", "Cuando todo lo que escaneas aparece como una página en blanco.",
				"Coloca el documento **boca abajo** en el cristal y elige *Color* o *Escala de grises* en lugar de *Automático*. Si escaneas por el alimentador, límpialo con un paño seco.",
				"escáner, página en blanco", "public", nil},
		}},
	}},
}

// loadKB creates the help centre and reads a few articles and votes into
// its figures, so the admin page has something to show.
func loadKB(ctx context.Context, svc *helpdesk.Service, admin helpdesk.User) error {
	by := admin.Actor()
	var first []helpdesk.KBArticle
	for ci, c := range kbSeeds {
		cat, err := svc.SaveKBCategory(ctx, by, 0, helpdesk.KBCategoryInput{Name: c.name, NameEN: c.nameEN,
			Description: c.about, DescriptionEN: c.aboutEN, Position: ci})
		if err != nil {
			return fmt.Errorf("demo: kb category %q: %w", c.name, err)
		}
		for si, s := range c.sections {
			sec, err := svc.SaveKBSection(ctx, by, 0, helpdesk.KBSectionInput{Category: cat.ID, Name: s.name, NameEN: s.nameEN, Position: si})
			if err != nil {
				return fmt.Errorf("demo: kb section %q: %w", s.name, err)
			}
			for ai, a := range s.articles {
				es, err := saveKBSeed(ctx, svc, by, sec.ID, "es", ai, a, 0)
				if err != nil {
					return err
				}
				first = append(first, es)
				if a.en != nil {
					if _, err := saveKBSeed(ctx, svc, by, sec.ID, "en", ai, *a.en, es.ID); err != nil {
						return err
					}
				}
			}
		}
	}
	guest := helpdesk.Actor{Kind: helpdesk.ActorGuest, Tenant: admin.Tenant}
	for i, a := range first {
		if a.Audience != helpdesk.KBPublic {
			continue
		}
		for range 1 + (len(first)-i)%4 {
			if _, err := svc.HelpArticle(ctx, guest, a.ID, "es"); err != nil {
				return fmt.Errorf("demo: kb view: %w", err)
			}
		}
		if err := svc.VoteKB(ctx, guest, a.ID, fmt.Sprintf("demo-vote-%d", i), i%3 != 2, ""); err != nil {
			return fmt.Errorf("demo: kb vote: %w", err)
		}
	}
	for _, q := range []string{"cancelar suscripción", "factura"} {
		if _, err := svc.SearchHelp(ctx, guest, q, "es", helpdesk.KBFromHelp); err != nil {
			return fmt.Errorf("demo: kb search: %w", err)
		}
	}
	return nil
}

func saveKBSeed(ctx context.Context, svc *helpdesk.Service, by helpdesk.Actor, sec helpdesk.KBSectionID, locale string, pos int, a kbArticleSeed, of helpdesk.KBArticleID) (helpdesk.KBArticle, error) {
	out, err := svc.SaveKBArticle(ctx, by, 0, helpdesk.KBSave{To: helpdesk.KBPublished, TranslationOf: of, Input: helpdesk.KBArticleInput{
		Section: sec, Locale: locale, Title: a.title, Summary: a.summary, Body: a.body, Tags: a.tags, Audience: a.audience, Position: pos,
	}})
	if err != nil {
		return out, fmt.Errorf("demo: kb article %q: %w", a.title, err)
	}
	return out, nil
}
