package helpdesk

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestThreadTokens: a token verifies only as made, with this secret.
func TestThreadTokens(t *testing.T) {
	t.Parallel()
	s := NewThreadSigner([]byte("0123456789abcdef0123456789abcdef"))
	tok := s.Token(7, 1042, 99)
	tn, n, ok := s.Verify("<" + tok + "@localhost>")
	assert.True(t, ok)
	assert.Equal(t, TenantID(7), tn)
	assert.Equal(t, TicketNumber(1042), n)
	for _, bad := range []string{
		"atd.8.1042.99." + tok[len(tok)-16:], // another tenant, same signature
		"atd.7.1043.99." + tok[len(tok)-16:], // another ticket
		tok[:len(tok)-1] + "a",               // altered signature
		"atd.07.1042.99." + tok[len(tok)-16:],
		"", "atd", "<>", "atd.7.1042.99",
	} {
		_, _, ok := s.Verify(bad)
		assert.False(t, ok, bad)
	}
	_, _, ok = NewThreadSigner([]byte("another secret of thirty-two bytes!!")).Verify(tok)
	assert.False(t, ok, "another installation's secret")
	_, _, ok = ThreadSigner{}.Verify(tok)
	assert.False(t, ok, "no secret, nothing verifies")
}

func TestSubjectReferenceAndMailSubject(t *testing.T) {
	t.Parallel()
	n, ok := SubjectReference("Re: [#1042] Impresora")
	assert.True(t, ok)
	assert.Equal(t, TicketNumber(1042), n)
	for _, s := range []string{"Impresora", "[#] x", "[#abc] x", "[#-1] x", "[#0] x"} {
		_, ok := SubjectReference(s)
		assert.False(t, ok, s)
	}
	assert.Equal(t, "Factura", mailSubject(InboundEmail{Subject: "RE: Fwd: rv: Factura"}))
	assert.Equal(t, "Primera línea", mailSubject(InboundEmail{Subject: "  ", Text: "Primera línea\nsegunda"}))
	assert.Equal(t, "a@b.example", mailSubject(InboundEmail{From: MailAddress{Email: "A@b.example"}}))
}

func TestQuotedHistoryRoundTrip(t *testing.T) {
	t.Parallel()
	in := InboundEmail{Text: "Nuevo <b>", Quoted: "> antes & \"después\" <i>'x'</i>"}
	html := foldedHTML(in)
	assert.Equal(t, in.Quoted, QuotedHistory(html))
	assert.NotContains(t, html, "<b>")
	assert.Empty(t, QuotedHistory("<p>sin historia</p>"))
	assert.Empty(t, foldedHTML(InboundEmail{Text: "x"}), "no quote, no HTML of ours")
}

func TestMentions(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"luis", "ana.b"}, Mentions("@Luis mira esto, y @ana.b. Escribe a rosa@example.com"))
	assert.Empty(t, Mentions("correo: soporte@desk.example, @ solo"))

}

func TestMailTemplateRules(t *testing.T) {
	t.Parallel()
	body, err := CheckMailTemplate("body", "  Hola {{requester.name}}, {{ ticket.number }} de {{desk.name}}\x00  ")
	require.NoError(t, err)
	assert.Equal(t, "Hola {{requester.name}}, {{ ticket.number }} de {{desk.name}}", body)
	tk := Ticket{Number: 7, Subject: "Red", Requester: Requester{Name: "Rosa"}}
	assert.Equal(t, "Hola Rosa, #7 de Soporte", ExpandMailTemplate(body, tk, "Soporte"))
	_, err = CheckMailTemplate("body", "{{agent.password}}")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.placeholder_unknown", ve.Fields["body"])
	_, err = CheckMailTemplate("body", strings.Repeat("x", MaxTemplateLen+1))
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "error.too_long", ve.Fields["body"])
}
