package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExpandMacroReplacesPlaceholdersOnceAndLiterally(t *testing.T) {
	t.Parallel()
	m := Macro{Body: "Hola {{requester.name}}, sobre {{ticket.number}} ({{ticket.subject}}): {{unknown}} {{ requester.name }}. {{agent.name}}"}
	tk := Ticket{Number: 1042, Subject: "No imprime"}
	assert.Equal(t, "Hola Carla, sobre #1042 (No imprime): {{unknown}} {{ requester.name }}. Ana", ExpandMacro(m, tk, "Carla", "Ana"))

	// A value that looks like a placeholder, or like markup, is inserted
	// as is: nothing is expanded twice or interpreted.
	tk.Subject = "{{agent.name}} <script>alert(1)</script>"
	got := ExpandMacro(Macro{Body: "{{ticket.subject}} / {{requester.name}}"}, tk, "{{ticket.number}}", "Ana")
	assert.Equal(t, "{{agent.name}} <script>alert(1)</script> / {{ticket.number}}", got)
}
