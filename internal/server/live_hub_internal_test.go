package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
)

// When the hub vouches for a token: only after a read, only while its
// reads are recent, and only within one generation.
func TestChangeHubTokens(t *testing.T) {
	t.Parallel()
	h := newChangeHub()
	const acme, beta = helpdesk.TenantID(1), helpdesk.TenantID(2)
	assert.Empty(t, h.token(acme), "no token before the first read")

	now := time.Now()
	h.read(now)
	first := h.token(acme)
	require.NotEmpty(t, first)
	assert.True(t, h.unchanged(acme, first))
	assert.False(t, h.unchanged(acme, ""), "an empty token never passes")

	h.bump(beta)
	assert.True(t, h.unchanged(acme, first), "another desk's change")
	h.bump(acme)
	assert.False(t, h.unchanged(acme, first), "the desk's own change")
	second := h.token(acme)

	h.read(now.Add(tailInterval))
	assert.True(t, h.unchanged(acme, second), "a read on time keeps the generation")

	// Reads that stop: no token, and the next read starts a new
	// generation, in which no earlier token passes.
	h.read(time.Now().Add(-staleAfter - time.Second))
	assert.Empty(t, h.token(acme), "the last read is too old")
	h.read(time.Now())
	assert.NotEmpty(t, h.token(acme))
	assert.False(t, h.unchanged(acme, second), "a new generation after a gap")

	// A generation lives tokenLife at most.
	third := h.token(acme)
	h.born = time.Now().Add(-tokenLife - time.Second)
	h.read(time.Now())
	assert.False(t, h.unchanged(acme, third), "a generation past its life")

	h.stop()
	assert.Empty(t, h.token(acme), "no token once reading stopped")
}
