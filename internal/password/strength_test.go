package password

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWeakness(t *testing.T) {
	t.Parallel()
	h := New(Params{Memory: 1024, Time: 1, Threads: 1}, 1)
	inputs := []string{"rosa.martinez@acme.example", "Rosa Martínez", "Acme Soporte"}
	tests := []struct {
		pw, want string
	}{
		{"una frase bastante larga", ""},
		{"prueba de atiende", ""},
		{"correcthorsebatterystaple", ""},
		{"Password123", "error.password_common"},
		{"contraseña2024", "error.password_common"},
		{"teamo12345", "error.password_common"},
		{"qwertyuiop", "error.password_common"},
		{"rosamartinez1", "error.password_personal"},
		{"acmesoporte", "error.password_personal"},
		{"abcdefghijklm", "error.password_sequence"},
		{"zxcvbnm,./", "error.password_keyboard"},
		{"19/08/1987x", "error.password_date"},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, h.Weakness(tt.pw, inputs...))
		})
	}
}
