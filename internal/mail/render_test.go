package mail

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/jhillyerd/enmime/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

func render(t *testing.T, m helpdesk.OutboundMail, lang string) *enmime.Envelope {
	t.Helper()
	tk := helpdesk.Ticket{Number: 42, Subject: "Impresora <rota> & sin tóner", Requester: helpdesk.Requester{Name: "Rosa", Email: "rosa@example.com"}}
	r, err := Render(Message{Mail: m, Tenant: helpdesk.Tenant{ID: 3, Slug: "demo", Name: "Soporte \"Demo\"", Language: lang},
		Content: helpdesk.MailContent{Ticket: tk}, Inbound: "demo@localhost", Domain: "localhost", BaseURL: "https://help.example",
		Signer: helpdesk.NewThreadSigner(testSecret), Now: time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	env, err := enmime.ReadEnvelope(bytes.NewReader(r.Raw))
	require.NoError(t, err)
	return env
}

func TestRenderLanguagesAndEscaping(t *testing.T) {
	t.Parallel()
	env := render(t, helpdesk.OutboundMail{ID: 9, Kind: helpdesk.MailAck, To: "rosa@example.com", ToName: "Rosa", Auto: true}, "es")
	assert.Equal(t, "[#42] Impresora <rota> & sin tóner", env.GetHeader("Subject"))
	assert.Contains(t, env.Text, "Hemos recibido tu solicitud «Impresora <rota> & sin tóner»")
	assert.Contains(t, env.Text, "https://help.example/demo/tickets/42")
	assert.Contains(t, env.HTML, "Impresora &lt;rota&gt; &amp; sin tóner", "escaped in the HTML part")
	assert.NotContains(t, env.HTML, "<rota>")
	assert.Equal(t, "es", env.GetHeader("Content-Language"))

	env = render(t, helpdesk.OutboundMail{ID: 9, Kind: helpdesk.MailAck, To: "rosa@example.com", Language: "en", Auto: true}, "es")
	assert.Contains(t, env.Text, "We have received your request")
	assert.Equal(t, "en", env.GetHeader("Content-Language"), "the recipient's language wins over the desk's")

	env = render(t, helpdesk.OutboundMail{ID: 10, Kind: helpdesk.MailSLABreach, To: "ana@desk.example", Detail: "first_reply:100", Auto: true}, "es")
	assert.Contains(t, env.Text, "ha incumplido su objetivo de Primera respuesta")
	assert.Contains(t, env.Text, "https://help.example/demo/agent/tickets/42")
	env = render(t, helpdesk.OutboundMail{ID: 11, Kind: helpdesk.MailSLAWarning, To: "ana@desk.example", Detail: "resolution:80", Language: "en", Auto: true}, "es")
	assert.Contains(t, env.Text, "is about to miss its Resolution target: 80% of the time is used")
}

func TestRenderRuleNotice(t *testing.T) {
	t.Parallel()
	env := render(t, helpdesk.OutboundMail{ID: 12, Kind: helpdesk.MailRuleNotice, To: "ana@desk.example", ToName: "Ana", Recipient: 7,
		Body: "Revisa esto <ya>.\n\nSegundo párrafo.", Auto: true}, "es")
	assert.Equal(t, "[#42] Impresora <rota> & sin tóner", env.GetHeader("Subject"))
	assert.Equal(t, "auto-generated", env.GetHeader("Auto-Submitted"))
	assert.True(t, strings.HasPrefix(env.Text, "Revisa esto <ya>.\r\n\r\nSegundo párrafo."), "the rule's words first, no greeting added: %q", env.Text)
	assert.Contains(t, env.Text, "Ticket #42: Impresora <rota> & sin tóner")
	assert.Contains(t, env.Text, "https://help.example/demo/agent/tickets/42", "an agent gets the console link")
	assert.Contains(t, env.HTML, "<p>Revisa esto &lt;ya&gt;.</p>")
	assert.NotEmpty(t, env.GetHeader("References"))

	env = render(t, helpdesk.OutboundMail{ID: 13, Kind: helpdesk.MailRuleNotice, To: "rosa@example.com", Body: "Hola", Auto: true}, "en")
	assert.Contains(t, env.Text, "https://help.example/demo/tickets/42", "the requester gets the ticket's page")
	assert.NotContains(t, env.Text, "/agent/")
}
