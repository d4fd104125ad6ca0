package mail

import (
	"fmt"
	"mime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// unusualNames are display names that used to lose the sender: markup,
// quotes, commas, semicolons, angle brackets, an address, backslashes,
// emoji. Each is sent B- and Q-encoded; a plain-ASCII name stays as typed
// (the encoders leave it alone), which tries the tolerant path instead.
var unusualNames = []string{
	"<b>Bob</b>", "Ana <ana@evil.example>", `O'Brien, "Pat"`, "José; DROP TABLE", "a@b",
	"💥 <script>alert(1)</script>", "Ünïcode (test)", `x\y`, "<>", "=?", "a:b;c", "“Comillas” & <i>más</i>",
}

func fromMessage(from, addr string) []byte {
	return []byte("From: " + from + " <" + addr + ">\r\nTo: demo@atiende.test\r\nSubject: Hola\r\n" +
		"Message-ID: <" + addr + ">\r\n\r\nNo me funciona.\r\n")
}

// TestParseFromUnusualDisplayNames: whatever an encoded display name
// decodes to, the address is the one in angle brackets and the name is
// text.
func TestParseFromUnusualDisplayNames(t *testing.T) {
	t.Parallel()
	for i, name := range unusualNames {
		for _, enc := range []mime.WordEncoder{mime.BEncoding, mime.QEncoding} {
			raw := fromMessage(enc.Encode("UTF-8", name), "pat@cliente.example")
			in, err := Parse(raw, false)
			require.NoError(t, err, "%d %q", i, name)
			assert.Equal(t, "pat@cliente.example", in.From.Email, "%q", name)
			assert.Equal(t, name, in.From.Name, "the name is the decoded text")
		}
	}
	// Senders that break the grammar still have an address.
	for raw, want := range map[string]helpdesk.MailAddress{
		"José; Pérez <jose@cliente.example>":                 {Name: "José; Pérez", Email: "jose@cliente.example"},
		"=?iso-8859-1?q?Jos=E9?= <jose@cliente.example>":     {Name: "José", Email: "jose@cliente.example"},
		"=?windows-1252?B?k0hvbGGU?= <jose@cliente.example>": {Name: "“Hola”", Email: "jose@cliente.example"},
		"jose@cliente.example":                               {Email: "jose@cliente.example"},
	} {
		in, err := Parse([]byte("From: "+raw+"\r\nSubject: x\r\n\r\nx\r\n"), false)
		require.NoError(t, err)
		assert.Equal(t, want, in.From, raw)
	}
}

// TestUnusualDisplayNamesBecomeTickets: 24 messages whose display names
// used to be refused as from:error.required each open a ticket, and a new
// customer's name is the text (or the address's local part when the text
// looks like an address).
func TestUnusualDisplayNamesBecomeTickets(t *testing.T) {
	t.Parallel()
	r := newRig(t, "demo")
	n := 0
	for i, name := range unusualNames {
		for j, enc := range []mime.WordEncoder{mime.BEncoding, mime.QEncoding} {
			addr := fmt.Sprintf("c%d-%d@cliente.example", i, j)
			res, _ := r.receive(t, "demo", fromMessage(enc.Encode("UTF-8", name), addr))
			require.Equal(t, helpdesk.OutcomeNewTicket, res.Outcome, "%q: %s", name, res.Detail)
			tk := r.ticket(t, "demo", res.Ticket)
			assert.Equal(t, addr, tk.Requester.Email)
			if name == "Ana <ana@evil.example>" || name == "a@b" {
				assert.Equal(t, fmt.Sprintf("c%d-%d", i, j), tk.Requester.Name, "never an address-looking name")
			} else {
				assert.Equal(t, helpdesk.CleanLine(name), tk.Requester.Name)
			}
			n++
		}
	}
	assert.Equal(t, n, r.count(t, "demo", `SELECT count(*) FROM tickets`))
}
