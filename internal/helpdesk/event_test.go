package helpdesk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEventKind(t *testing.T) {
	t.Parallel()
	seen := map[EventKind]bool{}
	for _, k := range EventKinds() {
		require.False(t, seen[k], "duplicate kind %s", k)
		seen[k] = true
		got, err := ParseEventKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	_, err := ParseEventKind("deleted")
	require.Error(t, err)
}

func TestEventStatusChange(t *testing.T) {
	t.Parallel()
	from, to, ok := Event{Kind: EventReopened, Field: FieldStatus, From: "solved", To: "open"}.StatusChange()
	require.True(t, ok)
	assert.Equal(t, StatusSolved, from)
	assert.Equal(t, StatusOpen, to)
	_, _, ok = Event{Kind: EventPriorityChanged, Field: FieldPriority}.StatusChange()
	assert.False(t, ok)
}

func TestNeedsComment(t *testing.T) {
	t.Parallel()
	assert.True(t, Event{Kind: EventCreated}.NeedsComment())
	assert.True(t, Event{Kind: EventCommentAdded}.NeedsComment())
	assert.True(t, Event{Kind: EventNoteAdded}.NeedsComment())
	assert.False(t, Event{Kind: EventNoteAdded, Comment: 3}.NeedsComment())
	assert.False(t, Event{Kind: EventAssigned}.NeedsComment())
}
