package postgres

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A process prunes a tenant's presence reports at most once per
// pruneEvery, each tenant on its own clock; a nil prunes always prunes.
func TestPresencePrunesAreSpacedOutPerTenant(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	p := &prunes{}
	assert.True(t, p.due(1, t0), "the first report prunes")
	assert.False(t, p.due(1, t0.Add(pruneEvery-time.Second)))
	assert.True(t, p.due(2, t0.Add(time.Second)), "another tenant prunes on its own")
	assert.True(t, p.due(1, t0.Add(pruneEvery)))
	assert.False(t, p.due(1, t0.Add(pruneEvery+time.Second)))
	assert.True(t, p.due(1, t0), "a clock that went back prunes")
	var none *prunes
	assert.True(t, none.due(1, t0))
	assert.True(t, none.due(1, t0))
}
