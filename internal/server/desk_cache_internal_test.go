package server

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atiende/atiende/internal/helpdesk"
)

func TestDeskCacheTrustsOnlyWhileListening(t *testing.T) {
	t.Parallel()
	c := newDeskCache()
	desk := helpdesk.Tenant{ID: 7, Slug: "siete", Name: "Siete"}
	dir := &helpdesk.QueueDirectory{Groups: []helpdesk.Group{{ID: 1, Name: "Soporte"}}}

	// Not listening: nothing is kept.
	_, _, m := c.tenant("siete")
	c.putTenant(desk, m)
	_, dm := c.dir(7)
	c.putDir(7, dir, dm)
	_, ok, _ := c.tenant("siete")
	got, _ := c.dir(7)
	assert.False(t, ok)
	assert.Nil(t, got)

	// Listening: kept until a drop of that desk.
	c.trust(true)
	_, _, m = c.tenant("siete")
	c.putTenant(desk, m)
	_, dm = c.dir(7)
	c.putDir(7, dir, dm)
	_, om := c.dir(8)
	c.putDir(8, dir, om)
	cached, ok, _ := c.tenant("siete")
	assert.True(t, ok)
	assert.Equal(t, desk, cached)
	got, _ = c.dir(7)
	assert.Same(t, dir, got)
	c.drop(7)
	_, ok, _ = c.tenant("siete")
	got, _ = c.dir(7)
	assert.False(t, ok)
	assert.Nil(t, got)
	got, _ = c.dir(8)
	assert.Same(t, dir, got, "another desk's entry stays")

	// A read that began before a drop does not store what it read.
	_, _, m = c.tenant("siete")
	_, dm = c.dir(7)
	c.drop(7)
	c.putTenant(desk, m)
	c.putDir(7, dir, dm)
	_, ok, _ = c.tenant("siete")
	got, _ = c.dir(7)
	assert.False(t, ok, "stale desk refused")
	assert.Nil(t, got, "stale directory refused")

	// A lost connection drops everything, and a read begun before it (or
	// before the next LISTEN) stores nothing.
	_, dm = c.dir(7)
	c.trust(false)
	got, _ = c.dir(8)
	assert.Nil(t, got)
	c.trust(true)
	c.putDir(7, dir, dm)
	got, _ = c.dir(7)
	assert.Nil(t, got)

	// A desk whose slug changed is found only by its new one.
	_, _, m = c.tenant("siete")
	c.putTenant(desk, m)
	renamed := desk
	renamed.Slug = "seven"
	_, _, m = c.tenant("seven")
	c.putTenant(renamed, m)
	_, ok, _ = c.tenant("siete")
	assert.False(t, ok)
	_, ok, _ = c.tenant("seven")
	assert.True(t, ok)
}

// The ticket page's settings follow the same rules as the queue's
// directory, and filling them fills the queue's directory too.
func TestDeskCacheKeepsTicketPageSettings(t *testing.T) {
	t.Parallel()
	c := newDeskCache()
	ws := &helpdesk.WorkspaceDirectory{
		Queue:  helpdesk.QueueDirectory{Groups: []helpdesk.Group{{ID: 1, Name: "Soporte"}}},
		Macros: []helpdesk.Macro{{ID: 3, Name: "Gracias"}},
	}

	// Not listening: nothing is kept.
	_, m := c.wsDir(7)
	c.putWSDir(7, ws, m)
	got, _ := c.wsDir(7)
	assert.Nil(t, got)

	// Listening: kept, with the queue's directory, until a drop of that desk.
	c.trust(true)
	_, m = c.wsDir(7)
	c.putWSDir(7, ws, m)
	got, _ = c.wsDir(7)
	assert.Same(t, ws, got)
	dir, _ := c.dir(7)
	assert.Same(t, &ws.Queue, dir, "the queue page uses what the ticket page read")
	c.drop(7)
	got, _ = c.wsDir(7)
	dir, _ = c.dir(7)
	assert.Nil(t, got)
	assert.Nil(t, dir)

	// A read that began before a drop, or before a lost connection, does
	// not store what it read.
	_, m = c.wsDir(7)
	c.drop(7)
	c.putWSDir(7, ws, m)
	got, _ = c.wsDir(7)
	assert.Nil(t, got, "stale settings refused")
	_, m = c.wsDir(7)
	c.putWSDir(7, ws, m)
	c.trust(false)
	got, _ = c.wsDir(7)
	assert.Nil(t, got, "dropped with the connection")
	c.trust(true)
	c.putWSDir(7, ws, m)
	got, _ = c.wsDir(7)
	assert.Nil(t, got)
}
