package mail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func readEML(t testing.TB, name string, repl ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return []byte(strings.NewReplacer(repl...).Replace(string(b)))
}

// TestParseCorpus reads mail shaped like real clients' and checks what the
// desk will get from each.
func TestParseCorpus(t *testing.T) {
	type attach struct{ name, ctype string }
	cases := []struct {
		file      string
		messageID string
		from      helpdesk.MailAddress
		subject   string
		text      []string // substrings of the new text
		quoted    string   // substring of the folded history; "" for none
		html      []string // substrings of the sanitised HTML
		files     []attach
		auto      helpdesk.AutoKind
		refs      int
	}{
		{file: "gmail_alternative.eml", messageID: "CAJx1+gmail-0001@mail.gmail.com",
			from: helpdesk.MailAddress{Name: "Rosa Pérez", Email: "rosa@example.com"}, subject: "Problema con la impresión",
			text: []string{"La impresora de la segunda planta", "¿Podéis revisarla?"},
			html: []string{"¿Podéis revisarla?", `href="https://example.com/ok"`, `alt="pixel"`}},
		{file: "outlook_related_inline.eml", messageID: "AM0PR01MB1234ABCD@AM0PR01MB1234.eurprd01.prod.outlook.com",
			from: helpdesk.MailAddress{Name: "Luis Garcia", Email: "luis@example.org"}, subject: "Factura nº 42 por 100 €",
			text:  []string{"Buenos días", "100 €", "El año pasado pagábamos"},
			html:  []string{"Buenos días", `alt="logo"`},
			files: []attach{{"presupuesto año.pdf", "application/pdf"}, {"image001.png", "image/png"}}},
		{file: "apple_latin1.eml", messageID: "5C1F0A1B-APPLE-0001@example.net",
			from: helpdesk.MailAddress{Name: "María Nuñez", Email: "maria@example.net"}, subject: "Pedido urgente para mañana",
			text:  []string{"Necesito el pedido mañana", "¿Es posible?"},
			files: []attach{{"informe técnico.txt", "text/plain; charset=utf-8"}}},
		{file: "thunderbird_reply.eml", messageID: "b7e3c2a1-tb-0001@example.com",
			from: helpdesk.MailAddress{Name: "Rosa Pérez", Email: "rosa@example.com"}, subject: "Re: [#7] Problema con la impresión",
			text: []string{"Ya funciona, gracias."}, quoted: "Hemos reiniciado la impresora", refs: 2},
		{file: "gmail_reply_subject.eml", messageID: "CAJx1+gmail-0002@mail.gmail.com",
			from: helpdesk.MailAddress{Email: "rosa@example.com"}, subject: "Re: [#7] Problema con la impresión",
			text: []string{"la bandeja 2 tampoco va"}, quoted: "Hemos reiniciado"},
		{file: "outlook_reply.eml", messageID: "AM0PR01MB5678@AM0PR01MB5678.eurprd01.prod.outlook.com",
			from: helpdesk.MailAddress{Name: "Luis Garcia", Email: "luis@example.org"}, subject: "RE: Factura",
			text: []string{"Perfecto, lo reviso."}, quoted: "Le enviamos la factura corregida", refs: 1},
		{file: "autoreply_ooo.eml", messageID: "ooo-0001@example.com", from: helpdesk.MailAddress{Name: "Pedro", Email: "pedro@example.com"},
			subject: "Fuera de la oficina: Pedido", text: []string{"vacaciones"}, auto: helpdesk.AutoReply},
		{file: "bounce_dsn.eml", messageID: "dsn-0001@mx.example.com",
			from:    helpdesk.MailAddress{Name: "Mail Delivery System", Email: "MAILER-DAEMON@mx.example.com"},
			subject: "Undelivered Mail Returned to Sender", text: []string{"could not be delivered"}, auto: helpdesk.AutoBounce},
		{file: "list_bulk.eml", messageID: "list-0001@lists.example.com", from: helpdesk.MailAddress{Name: "Boletin", Email: "news@lists.example.com"},
			subject: "Novedades de marzo", text: []string{"nuevas funciones"}, auto: helpdesk.AutoBulk},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			raw := readEML(t, c.file, "{{NUMBER}}", "7", "{{TOKEN}}", "atd.1.7.1.abc@localhost", "{{FROM}}", "rosa@example.com")
			in, err := Parse(raw, false)
			require.NoError(t, err)
			assert.Equal(t, c.messageID, in.MessageID)
			assert.Equal(t, c.from, in.From)
			assert.Equal(t, c.subject, in.Subject)
			for _, s := range c.text {
				assert.Contains(t, in.Text, s)
			}
			if c.quoted == "" {
				assert.Empty(t, in.Quoted)
			} else {
				assert.Contains(t, in.Quoted, c.quoted)
				assert.NotContains(t, in.Text, c.quoted, "the history is folded away from the new text")
			}
			for _, s := range c.html {
				assert.Contains(t, in.HTML, s)
			}
			var got []attach
			for _, a := range in.Attachments {
				got = append(got, attach{a.Filename, a.ContentType})
			}
			assert.ElementsMatch(t, c.files, got)
			assert.Equal(t, c.auto, in.Auto)
			assert.Len(t, in.References, c.refs)
			for _, s := range []string{in.Subject, in.Text, in.Quoted, in.HTML, in.From.Name} {
				assert.True(t, utf8.ValidString(s))
				assert.NotContains(t, s, "\x00")
			}
		})
	}
}

// TestSanitizedHTMLRunsNothing: scripts, styles, event handlers, htmx
// attributes, javascript: links and remote images never survive.
func TestSanitizedHTMLRunsNothing(t *testing.T) {
	in, err := Parse(readEML(t, "gmail_alternative.eml"), false)
	require.NoError(t, err)
	low := strings.ToLower(in.HTML)
	for _, bad := range []string{"<script", "alert(", "<style", "display:none", "style=", "hx-get", "data-hx-post",
		"onclick", "javascript:", "tracker.example", "src="} {
		assert.NotContains(t, low, bad)
	}
	assert.Contains(t, in.HTML, `rel="nofollow noreferrer noopener"`)

	out := SanitizeHTML("<p hx-post=\"/x\" class=\"a\" id=\"b\" data-x=\"1\">a\x00b\xff</p><svg onload=alert(1)></svg><iframe src=x></iframe><form><input></form>")
	assert.Equal(t, "<p>ab\uFFFD</p>", out)
}

func TestParseMarksNullSenderAsBounce(t *testing.T) {
	in, err := Parse(readEML(t, "apple_latin1.eml"), true)
	require.NoError(t, err)
	assert.Equal(t, helpdesk.AutoBounce, in.Auto)
}

func TestMessageIDOfAMessageWithoutOneIsStable(t *testing.T) {
	raw := []byte("From: a@example.com\r\nSubject: x\r\n\r\nhola\r\n")
	id := MessageID(raw)
	assert.True(t, strings.HasSuffix(id, "@"+syntheticDomain))
	assert.Equal(t, id, MessageID(raw))
	assert.NotEqual(t, id, MessageID(append(raw, 'x')))
}

func TestSplitQuote(t *testing.T) {
	cases := []struct{ in, fresh, quoted string }{
		{"Hola\n\nOn Tue, 3 Mar 2026 at 10:00, Ana <a@b.c> wrote:\n> x", "Hola", "On Tue, 3 Mar 2026 at 10:00, Ana <a@b.c> wrote:\n> x"},
		{"Gracias\n-----Mensaje original-----\nDe: x", "Gracias", "-----Mensaje original-----\nDe: x"},
		{"Vale\nDe: Soporte <s@x>\nEnviado: lunes\nhola", "Vale", "De: Soporte <s@x>\nEnviado: lunes\nhola"},
		{"Sí\n\n> antes\n>\n> más", "Sí", "> antes\n>\n> más"},
		{"> cita arriba\nrespuesta abajo", "> cita arriba\nrespuesta abajo", ""},
		{"On Tue Ana wrote:\n> only quote", "On Tue Ana wrote:\n> only quote", ""},
		{"sin historia", "sin historia", ""},
	}
	for _, c := range cases {
		fresh, quoted := SplitQuote(c.in)
		assert.Equal(t, c.fresh, fresh, c.in)
		assert.Equal(t, c.quoted, quoted, c.in)
	}
}
