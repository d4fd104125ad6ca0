package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStatus(t *testing.T) {
	t.Parallel()
	for _, st := range Statuses() {
		got, err := ParseStatus(st.String())
		require.NoError(t, err)
		assert.Equal(t, st, got)
	}
	for _, bad := range []string{"", "Open", "NEW", "on hold", "reopened", "closed "} {
		_, err := ParseStatus(bad)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
		assert.Equal(t, "error.invalid", ve.Fields["status"])
	}
}

func TestStatusForCustomer(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want Status }{
		{StatusNew, StatusNew}, {StatusOpen, StatusOpen}, {StatusPending, StatusPending},
		{StatusOnHold, StatusOpen}, {StatusSolved, StatusSolved}, {StatusClosed, StatusClosed},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.in.ForCustomer(), tt.in)
	}
	assert.Equal(t, []Status{StatusOpen, StatusOnHold}, CustomerStatuses(StatusOpen))
	assert.Equal(t, []Status{StatusSolved}, CustomerStatuses(StatusSolved))
}

func TestStatusClasses(t *testing.T) {
	t.Parallel()
	for _, st := range Statuses() {
		assert.Equal(t, st != StatusSolved && st != StatusClosed, st.Unsolved(), st)
		assert.Equal(t, st == StatusClosed, st.Final(), st)
	}
	assert.False(t, Status("bogus").Unsolved())
}
