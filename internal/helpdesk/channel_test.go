package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseChannel(t *testing.T) {
	t.Parallel()
	for _, c := range Channels() {
		got, err := ParseChannel(c.String())
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	for _, bad := range []string{"", "Web", "fax", "sms"} {
		_, err := ParseChannel(bad)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
	}
}
