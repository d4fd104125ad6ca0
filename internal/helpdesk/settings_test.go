package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAccentColourContrast(t *testing.T) {
	t.Parallel()
	assert.InDelta(t, 21, ContrastWithWhite("#000000"), 0.01)
	assert.InDelta(t, 1, ContrastWithWhite("#FFFFFF"), 0.01)
	assert.InDelta(t, 5.47, ContrastWithWhite("#0f766e"), 0.05, "Atiende's own accent (app.css says 5.5:1)")
	assert.Zero(t, ContrastWithWhite("red"))
	for _, tt := range []struct {
		in, want, err string
	}{
		{"", "", ""},
		{" #1D4ED8 ", "#1d4ed8", ""},
		{"#ffcc00", "#ffcc00", "admin.error.colour_contrast"},
		{"#777777", "#777777", "admin.error.colour_contrast"}, // 4.48:1, just under AA
		{"#767676", "#767676", ""},                            // 4.54:1, just over
		{"1d4ed8", "1d4ed8", "admin.error.colour_format"},
		{"#1d4ed", "#1d4ed", "admin.error.colour_format"},
		{"javascript:x", "javascript:x", "admin.error.colour_format"},
	} {
		var v ValidationError
		assert.Equal(t, tt.want, CheckAccentColor(&v, "c", tt.in), tt.in)
		assert.Equal(t, tt.err, v.Fields["c"], tt.in)
	}
}
