package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCleanLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"spaces fold", "  Ana \t  María\n", "Ana María"},
		{"NUL and controls", "a\x00b\x07c", "abc"},
		{"invalid UTF-8", "caf\xe9", "caf\uFFFD"},
		{"bidi override", "factura\u202Egpj.exe", "facturagpj.exe"},
		{"marks and zero width", "ad\u200Bmin\u200F\uFEFF", "admin"},
		{"emoji joiner kept", "👩\u200D💻", "👩\u200D💻"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CleanLine(tt.in), tt.name)
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "línea 1\nlínea 2\n\ttab", CleanText("\r\n línea 1\r\nlínea 2\r\n\ttab \x00\n\n"))
	assert.Equal(t, "hola", CleanText("\u202Ehola\u2066"))
}
